"""deadline: publication date against the art. 49 deadline for the issuer kind."""

from __future__ import annotations

from datetime import date

from gkcheck.engine.context import Context, Finding
from gkcheck.extract.metadata import deadline as deadline_for
from gkcheck.labels import PUBLISHED_SOURCE_LABELS, published_evidence
from gkcheck.rulepack import Rule

KIND = "deadline"
FIELDS = frozenset({"days", "deadline", "published", "published_source", "published_evidence", "rule", "year"})


def check(rule: Rule, ctx: Context) -> list[Finding]:
    doc = ctx.report.document
    due = deadline_for(doc.year, doc.kind, doc.issuer_kind)
    if due is None:
        return []
    when = rule.params.get("when", "late")
    if doc.published is None:
        return [ctx.finding(rule, {"deadline": due})] if when == "unknown" else []
    if when != "late":
        return []
    days = (date.fromisoformat(doc.published.date) - date.fromisoformat(due)).days
    if days <= 0:
        return []
    basis = "部门报告为次年1月31日前" if due.endswith("01-31") else "次年3月31日前"
    return [ctx.finding(rule, {
        "year": doc.year, "deadline": due, "published": doc.published.date, "days": days,
        "published_source": PUBLISHED_SOURCE_LABELS.get(doc.published.source, doc.published.source),
        "published_evidence": published_evidence(
            {"source": doc.published.source, "label": doc.published.label, "line": doc.published.line}),
        "rule": f"《条例》第四十九条：{basis}" if doc.kind == "annual_report" else "旧《条例》第三十一条：3月31日前",
    })]
