"""document_kind: say what the document is when it is not a post-2019 annual report."""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.rulepack import Rule

KIND = "document_kind"
FIELDS = frozenset({"reason", "year"})


def check(rule: Rule, ctx: Context) -> list[Finding]:
    doc = ctx.report.document
    if doc.kind != rule.params["kind"]:
        return []
    return [ctx.finding(rule, {"year": doc.year or "?", "reason": doc.kind_reason})]
