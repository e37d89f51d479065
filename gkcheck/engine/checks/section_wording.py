"""section_wording: a template section found under a different wording (a warning, not a missing section)."""

from __future__ import annotations

from gkcheck.engine.checks.section_present import ctx_sections
from gkcheck.engine.context import Context, Finding
from gkcheck.extract.normalize import to_cn
from gkcheck.rulepack import Rule

KIND = "section_wording"
FIELDS = frozenset({"expected", "found", "line", "number"})


def check(rule: Rule, ctx: Context) -> list[Finding]:
    titles = {s["number"]: s["title"] for s in ctx_sections(ctx)}
    return [
        ctx.finding(rule, {"number": to_cn(s.number), "found": s.title, "line": s.line,
                           "expected": f"{to_cn(s.number)}、{titles[s.number]}"}, location={"line": s.line})
        for s in ctx.report.sections
        if s.wording == "variant" and s.number in titles
    ]
