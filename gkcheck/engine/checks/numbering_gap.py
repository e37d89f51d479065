"""numbering_gap: top-level heading numbers skip a value (一、二、四…)."""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.extract.normalize import to_cn
from gkcheck.rulepack import Rule

KIND = "numbering_gap"
FIELDS = frozenset({"missing", "present"})


def check(rule: Rule, ctx: Context) -> list[Finding]:
    report = ctx.report
    if not report.numbering_gaps:
        return []
    numbers = sorted({s.heading_number for s in report.sections + report.other_headings if s.heading_number})
    return [ctx.finding(rule, {
        "missing": "、".join(to_cn(n) for n in report.numbering_gaps),
        "present": "、".join(to_cn(n) for n in numbers),
    })]
