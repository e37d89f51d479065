"""text_arithmetic: the text's own figures agree with each other (no table needed).

Modes (params.mode):
- `parts`: a total followed by its parts in the same sentence (`178300条，其中…52796条，…125504条`,
  `在1222件已答复件中，…382件，…112件`). Parts adding up to more than the total are a contradiction
  (rule severity); fewer may be an incomplete list (`under_severity`, `under_message`).
- `percent`: `208件，占17.46%` — some figure of the same unit written before it in the sentence or the
  `window` characters before (or a candidate table cell) must give that share. Flagged only when the
  sentence itself holds a larger figure to measure against and nothing fits.
- `repeat`: the same phrase (`主动公开政府信息{n}`) written twice with figures that disagree beyond their
  written precision (`17.83万条` and `178300条` agree). Clauses with an `exclude_words` word are parts,
  other periods or other scopes and are left out.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from gkcheck.engine.checks.text_claim import candidate_values
from gkcheck.engine.context import Context, Finding, fill
from gkcheck.engine.textscan import MAX_SENTENCE, Figure, PhrasePattern, Text, compact, expand_pattern, parse_figure
from gkcheck.rulepack import Rule

KIND = "text_arithmetic"
FIELDS = frozenset({"actual", "base", "diff", "first", "first_line", "part", "parts", "pct", "quote", "second",
                    "second_line", "sum", "total"})
FULL_STOP = "。"
QUOTE_CHARS = 50
MAX_REPEATS = 20  # earlier statements of the same phrase each figure is compared with
NEW_TOTAL = re.compile(r"[,，]?其中")


def _show(value: float) -> str:
    return str(int(round(value))) if abs(value - round(value)) < 1e-9 else f"{value:.2f}".rstrip("0").rstrip(".")


def _sentence_end(text: Text, index: int) -> int:
    ceiling = min(len(text.compact), index + MAX_SENTENCE)
    end = text.compact.find(FULL_STOP, index, ceiling)
    return end if end >= 0 else ceiling


def _quote(text: Text, start: int, end: int) -> str:
    return text.compact[start:end] if end - start <= QUOTE_CHARS * 2 else \
        text.compact[start:start + QUOTE_CHARS] + "……" + text.compact[end - QUOTE_CHARS // 2:end]


def _figures(unit: str) -> PhrasePattern:
    return expand_pattern("{n}(?![%％])", (unit,))


def _parts(rule: Rule, text: Text, start: int, end: int, unit: str) -> list[tuple[Figure, int]]:
    """The parts after a total: figures of the same unit up to a stop word (分属, 占 …) or a second 其中."""
    stops = rule.params.get("part_stop", [])
    segment = text.compact[start:end]
    parts: list[tuple[Figure, int]] = []
    last = 0
    for m in _figures(unit).finditer(segment):
        between = segment[last:m.start()]
        if any(w in between for w in stops) or (parts and "其中" in between):
            break
        if between.endswith("占") or between.endswith("约占"):
            last = m.end()
            continue
        if NEW_TOTAL.match(segment, m.end()):
            break  # `…46件，其中…`: the next total, not a part
        figure = parse_figure(m.group("n"))
        if figure is not None:
            parts.append((figure, start + m.start()))
        last = m.end()
    return parts


def _check_parts(rule: Rule, ctx: Context, text: Text) -> list[Finding]:
    out: list[Finding] = []
    for pattern in rule.params["patterns"]:
        for match in text.matches(expand_pattern(pattern, tuple(rule.params["units"]))):
            total = parse_figure(match.group("n"))
            if total is None or match.group("about"):
                continue
            end = _sentence_end(text, match.end())
            parts = _parts(rule, text, match.end(), end, match.group("unit"))
            if len(parts) < 2 or any(p.tolerance for p, _ in parts):
                continue
            added = sum(p.value for p, _ in parts)
            if total.agrees(added):
                continue
            values: dict[str, Any] = {
                "quote": _quote(text, text.sentence_start(match.start()), end),
                "total": total.written + match.group("unit"),
                "parts": " + ".join(p.written for p, _ in parts), "sum": _show(added),
                "diff": _show(abs(added - total.value)),
            }
            finding = ctx.finding(rule, values, location={"line": text.line_at(match.start("n"))})
            if added < total.value:
                finding.severity = rule.params.get("under_severity", rule.severity)
                finding.message = fill(rule.params.get("under_message", rule.message), values)
            out.append(finding)
    return out[: rule.params.get("max", 5)]


_PERCENT = (r"(?:[,，]?(?:占|约占|占比)(?:总数|全部|总量|比例|比重)?(?:的|为|达)?|[（(](?:占比?)?)"
            r"(?P<pct>\d+(?:\.\d+)?)[%％]")


class _Figures:
    """Every figure of one unit in the text, read once, in position order (for window look-ups)."""

    def __init__(self, text: Text, unit: str) -> None:
        self.starts: list[int] = []
        self.values: list[float] = []
        for m in text.matches(_figures(unit)):
            figure = parse_figure(m.group("n"))
            if figure is not None:
                self.starts.append(m.start())
                self.values.append(figure.value)

    def between(self, start: int, end: int) -> list[float]:
        return self.values[bisect_left(self.starts, start):bisect_left(self.starts, end)]


def _check_percent(rule: Rule, ctx: Context, text: Text) -> list[Finding]:
    window = rule.params.get("window", 300)
    limit = rule.params.get("max", 5)
    tables = [v for _, v in candidate_values(ctx, rule.params.get("candidates", []))]
    figures: dict[str, _Figures] = {}
    out: list[Finding] = []
    for pattern in rule.params["patterns"]:
        regex = expand_pattern(pattern.replace("{pct}", _PERCENT), tuple(rule.params["units"]))
        for match in text.matches(regex):
            part = parse_figure(match.group("n"))
            if part is None or match.group("about"):
                continue
            pct = float(match.group("pct"))
            decimals = len(match.group("pct").split(".")[1]) if "." in match.group("pct") else 0
            slack = 10 ** -decimals + 1e-9  # rounding or truncation to the last written digit
            unit = match.group("unit")
            if unit not in figures:
                figures[unit] = _Figures(text, unit)
            known = figures[unit]
            floor = max(0, match.start() - MAX_SENTENCE)
            sentence_start = max(text.compact.rfind(FULL_STOP, floor, match.start()) + 1, floor)
            bases = [v for v in known.between(max(0, sentence_start - window), match.start("n")) if v >= part.value]
            if any(b > 0 and abs(part.value / b * 100 - pct) <= slack for b in bases + tables):
                continue
            clear = [v for v in known.between(sentence_start, match.start("n")) if v > part.value]
            if not clear:
                continue
            base = clear[-1]
            values = {"quote": _quote(text, sentence_start, match.end()), "part": part.written + unit,
                      "pct": match.group("pct"), "base": _show(base),
                      "actual": f"{part.value / base * 100:.2f}"}
            out.append(ctx.finding(rule, values, location={"line": text.line_at(match.start("n"))}))
            if len(out) >= limit:
                return out
    return out


def _clause(text: Text, match: re.Match[str]) -> str:
    """What the figure's own clause says: from the last comma, or the whole sentence once it has said 其中."""
    sentence = text.compact[text.sentence_start(match.start()):match.end()]
    if "其中" in sentence:
        return sentence
    return sentence[max(sentence.rfind("，"), sentence.rfind(","), 0):]


def _check_repeat(rule: Rule, ctx: Context, text: Text) -> list[Finding]:
    exclude = rule.params.get("exclude_words", [])
    out: list[Finding] = []
    for pattern in rule.params["patterns"]:
        seen: list[tuple[Figure, re.Match[str]]] = []
        for match in text.matches(expand_pattern(pattern, tuple(rule.params["units"]))):
            clause = _clause(text, match)
            figure = parse_figure(match.group("n"))
            if figure is None or match.group("about") or any(w in clause for w in exclude):
                continue
            for other, first in seen:
                if abs(other.value - figure.value) > other.tolerance + figure.tolerance + 1e-9:
                    values = {"first": other.written + first.group("unit"),
                              "first_line": text.line_at(first.start("n")),
                              "second": figure.written + match.group("unit"),
                              "second_line": text.line_at(match.start("n")),
                              "quote": _quote(text, text.sentence_start(match.start()), match.end())}
                    out.append(ctx.finding(rule, values, location={"line": values["second_line"]}))
                    break
            if len(seen) < MAX_REPEATS:
                seen.append((figure, match))
    return out[: rule.params.get("max", 3)]


MODES = {"parts": _check_parts, "percent": _check_percent, "repeat": _check_repeat}


def check(rule: Rule, ctx: Context) -> list[Finding]:
    return MODES[rule.params["mode"]](rule, ctx, compact(ctx.report.text))
