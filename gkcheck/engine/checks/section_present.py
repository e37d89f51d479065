"""section_present: the template's six sections exist as headings (or only as untitled text)."""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.extract.normalize import norm, to_cn
from gkcheck.rulepack import Rule
from gkcheck.templates import load_template

KIND = "section_present"
FIELDS = frozenset({"expected", "hint", "number"})


def _content_hint(ctx: Context, number: int) -> tuple[str, int | None]:
    spec = next(s for s in ctx_sections(ctx) if s["number"] == number)
    keywords = spec.get("content_keywords", [])
    if not keywords:
        return "", None
    lines = ctx.report.text.split("\n")
    for i, line in enumerate(lines):
        text = norm(line)
        if any(k in text for k in keywords) and len(text) > 30:
            return f"正文第{i + 1}行有相关内容，但没有单列标题。", i + 1
    return "", None


def ctx_sections(ctx: Context) -> list[dict]:
    return load_template(ctx.default_version()).sections


def check(rule: Rule, ctx: Context) -> list[Finding]:
    found = {s.number: s for s in ctx.report.sections}
    when = rule.params.get("when", "missing")
    out: list[Finding] = []
    for spec in ctx_sections(ctx):
        number = spec["number"]
        if number not in rule.params.get("sections", range(1, 7)):
            continue
        section = found.get(number)
        expected = f"{to_cn(number)}、{spec['title']}"
        if when == "missing" and section is None:
            hint, line = _content_hint(ctx, number)
            out.append(ctx.finding(rule, {"number": to_cn(number), "expected": expected, "hint": hint},
                                   location={"line": line} if line else None))
        elif when == "untitled" and section is not None and section.wording == "untitled":
            out.append(ctx.finding(rule, {"number": to_cn(number), "expected": expected}, location={"line": 1}))
    return out
