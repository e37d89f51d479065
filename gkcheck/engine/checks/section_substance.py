"""section_substance: a section says something — its own text (not its heading) is not empty, `无` or a stub."""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.extract.normalize import norm
from gkcheck.rulepack import Rule

KIND = "section_substance"
FIELDS = frozenset({"min_chars", "reason"})
DEFAULT_EMPTY = ("无", "暂无", "没有", "无。", "暂无问题", "无问题", "无其他需要报告的事项")
TRIM = "。.，,；;：:、 "


def own_text(ctx: Context, number: int) -> tuple[str, int] | None:
    """The section's body text (normalised, heading excluded) and its heading line; None when not found."""
    section = next((s for s in ctx.report.sections if s.number == number), None)
    if section is None:
        return None
    return norm(section.text), section.line


def check(rule: Rule, ctx: Context) -> list[Finding]:
    found = own_text(ctx, rule.params["section"])
    if found is None:
        return []  # the missing section is reported by struct.section.missing
    text, line = found
    body = text.strip(TRIM)
    empty = [norm(w).strip(TRIM) for w in rule.params.get("empty_words", DEFAULT_EMPTY)]
    minimum = rule.params.get("min_chars", 30)
    if not body:
        reason = "正文为空"
    elif body in empty:
        reason = f"正文只有「{body}」"
    elif len(body) < minimum:
        reason = f"正文只有 {len(body)} 个字（「{body}」），少于 {minimum} 字"
    else:
        return []
    return [ctx.finding(rule, {"reason": reason, "min_chars": minimum}, location={"line": line})]
