"""attachment_present: a statistics sheet referenced as 附件/附表 but not included."""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.rulepack import Rule

KIND = "attachment_present"
FIELDS = frozenset({"line", "text"})


def check(rule: Rule, ctx: Context) -> list[Finding]:
    return [
        ctx.finding(rule, {"text": a.text, "line": a.line}, location={"line": a.line})
        for a in ctx.report.attachments
        if not a.present and a.table is None
    ]
