"""section_order: a template section whose heading carries another number than the template's."""

from __future__ import annotations

from gkcheck.engine.checks.section_present import CN
from gkcheck.engine.context import Context, Finding
from gkcheck.rulepack import Rule

KIND = "section_order"


def check(rule: Rule, ctx: Context) -> list[Finding]:
    return [
        ctx.finding(rule, {"found": s.title, "line": s.line, "heading_number": CN[s.heading_number],
                           "number": CN[s.number]}, location={"line": s.line})
        for s in ctx.report.sections
        if s.heading_number is not None and s.number is not None and s.heading_number != s.number
        and s.heading_number <= 10
    ]
