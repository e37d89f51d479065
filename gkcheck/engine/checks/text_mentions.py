"""text_mentions: the report (or one section's own text, heading excluded) mentions each required topic."""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.extract.normalize import norm
from gkcheck.rulepack import Rule

KIND = "text_mentions"
FIELDS = frozenset({"missing"})


def check(rule: Rule, ctx: Context) -> list[Finding]:
    number = rule.params.get("section")
    location = None
    if number is None:
        text = ctx.report.text
    else:
        section = next((s for s in ctx.report.sections if s.number == number), None)
        if section is None:
            return []  # the missing section is reported by struct.section.missing
        # the heading is not evidence: 「五、存在的主要问题及改进情况」 names both topics by itself
        text, location = section.text, {"line": section.line}
    text = norm(text)
    if len(text.strip("。.，,；;：: ")) < rule.params.get("min_chars", 0):
        return []  # too short to judge topic by topic: section_substance reports it
    missing = [g["name"] for g in rule.params["groups"] if not any(norm(k) in text for k in g["any"])]
    if not missing:
        return []
    return [ctx.finding(rule, {"missing": "、".join(missing)}, location=location)]
