"""text_figure: a figure restated in the narrative equals the table cell (A8; scope may differ: a note)."""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.engine.patterns import compile_pattern
from gkcheck.extract.numbers import parse_number
from gkcheck.rulepack import Rule

KIND = "text_figure"
FIELDS = frozenset({"cell", "label", "quote", "table_value", "text_value"})
CONTEXT_CHARS = 24


def check(rule: Rule, ctx: Context) -> list[Finding]:
    address = rule.params["cell"]
    table = address.split(".", 1)[0]
    cell = ctx.report.cells.get(address)
    if not ctx.present(table) or cell is None or cell.value is None:
        return []
    pattern = compile_pattern(rule.params["pattern"])
    text, lines = _compact(ctx.report.text)
    out: list[Finding] = []
    for match in pattern.finditer(text):
        value, status = parse_number(match.group("n"))
        if status != "ok" or value == cell.value:
            continue
        quote = text[max(0, match.start() - CONTEXT_CHARS):match.end()]
        out.append(ctx.finding(rule, {"quote": quote, "text_value": value, "cell": address,
                                      "label": ctx.cell_label(address), "table_value": cell.value},
                               cells=[address], location={"line": lines[match.start("n")]}))
    return out[: rule.params.get("max", 3)]


def _compact(text: str) -> tuple[str, list[int]]:
    """The text without whitespace or line breaks (PDF lines wrap mid-sentence), with each character's line."""
    chars: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        for ch in line:
            if not ch.isspace():
                chars.append(ch)
                lines.append(number)
    return "".join(chars), lines
