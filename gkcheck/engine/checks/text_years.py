"""text_years: years in the text agree with the report year (a previous year left in after copying last year's
report is a classic defect).

`scope` says where to look: `period` (the whole text, e.g. 统计期限自…至…), `headings` (section and other
heading lines) or `body` (every line of text). Each pattern captures `year`; `flag` is `other` (any year but
the report year) or `earlier` (a year before it). Lines holding a `skip_words` word (较上年, 整改 …) are
about another year on purpose and are not read. Each finding names the line.
"""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.engine.patterns import Lines, compile_pattern
from gkcheck.extract.normalize import norm
from gkcheck.rulepack import Rule

KIND = "text_years"
FIELDS = frozenset({"found", "line", "text", "year"})
QUOTE_CHARS = 40


def _lines(ctx: Context, scope: str) -> tuple[list[int], Lines]:
    """The line numbers and the normalised lines to read."""
    if scope == "headings":
        heads = sorted((s.line, s.title) for s in ctx.report.sections + ctx.report.other_headings if s.title)
        return [number for number, _ in heads], Lines([norm(title) for _, title in heads])
    lines = ctx.lines()
    return list(range(1, len(lines.lines) + 1)), lines


def check(rule: Rule, ctx: Context) -> list[Finding]:
    year = ctx.report.document.year
    if year is None:
        return []
    flag = rule.params.get("flag", "earlier")
    skip = [norm(w) for w in rule.params.get("skip_words", [])]
    numbers, lines = _lines(ctx, rule.params.get("scope", "body"))
    texts = lines.lines
    patterns = [compile_pattern(p) for p in rule.params["patterns"]]
    candidates = set().union(*(p.matching_lines(lines) for p in patterns))  # lines no pattern can match are skipped
    out: list[Finding] = []
    seen: set[int] = set()
    for index in sorted(candidates):
        number, text = numbers[index], texts[index]
        if number in seen or not text or any(w in text for w in skip):
            continue
        for pattern in patterns:
            m = pattern.search(text)
            if not m:
                continue
            found = int(m.group("year"))
            wrong = found != year if flag == "other" else found < year
            if wrong:
                seen.add(number)
                quote = text if len(text) <= QUOTE_CHARS else text[max(0, m.start() - 10):][:QUOTE_CHARS] + "……"
                out.append(ctx.finding(rule, {"found": found, "year": year, "line": number, "text": quote},
                                       location={"line": number}))
                break
    return out[: rule.params.get("max", 3)]
