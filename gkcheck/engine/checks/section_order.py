"""section_order: template sections carry the template's numbers and follow the template's order."""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.extract.normalize import to_cn
from gkcheck.rulepack import Rule

KIND = "section_order"
FIELDS = frozenset({"found", "heading_number", "line", "number", "problem"})


def check(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    titled = [s for s in ctx.report.sections if s.heading_number is not None and s.number is not None]
    for s in titled:
        if s.heading_number != s.number and s.heading_number <= 10:
            out.append(ctx.finding(rule, {"found": s.title, "line": s.line, "heading_number": to_cn(s.heading_number),
                                          "number": to_cn(s.number), "problem": "编号"}, location={"line": s.line}))
    in_order = sorted(titled, key=lambda s: s.line)
    for before, after in zip(in_order, in_order[1:]):
        if after.number < before.number and after.heading_number == after.number:
            number = to_cn(after.number)
            out.append(ctx.finding(rule, {"found": after.title, "line": after.line, "heading_number": number,
                                          "number": number, "problem": f"位置（在「{before.title}」之后）"},
                                   location={"line": after.line}))
    return out
