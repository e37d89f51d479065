"""cell_type: counts are non-negative integers, amounts non-negative, 2019 增/减 integers."""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache

from gkcheck.engine.context import Context, Finding
from gkcheck.rulepack import Rule

KIND = "cell_type"
FIELDS = frozenset({"cell", "label", "raw"})


def _valid(value: float, decimal: bool, signed: bool) -> bool:
    """Amounts (decimal) non-negative; signed figures whole; counts whole and non-negative."""
    return value >= 0 if decimal else float(value).is_integer() and (signed or value >= 0)


@lru_cache(maxsize=1024)
def _selected(patterns: tuple[str, ...], exclude: tuple[str, ...], cells: tuple[str, ...]) -> tuple[str, ...]:
    """The cells a rule covers (matched by a pattern, not excluded); computed once per set of cells."""
    return tuple(a for a in cells if any(fnmatchcase(a, p) for p in patterns)
                 and not any(fnmatchcase(a, p) for p in exclude))


def check(rule: Rule, ctx: Context) -> list[Finding]:
    patterns, exclude = tuple(rule.params["cells"]), tuple(rule.params.get("exclude", []))
    decimal, signed = rule.params["type"] == "decimal", rule.params["type"] == "signed"
    out: list[Finding] = []
    cells = ctx.report.cells
    for address in _selected(patterns, exclude, ctx.addresses()):
        cell = cells[address]
        if cell.status != "ok" or cell.value is None or _valid(cell.value, decimal, signed):
            continue
        out.append(ctx.finding(rule, {"cell": address, "label": ctx.cell_label(address), "raw": cell.raw},
                               cells=[address], location=cell.source))
    return out
