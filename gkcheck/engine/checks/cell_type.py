"""cell_type: counts are non-negative integers, amounts non-negative, 2019 增/减 integers."""

from __future__ import annotations

from fnmatch import fnmatchcase

from gkcheck.engine.context import Context, Finding
from gkcheck.rulepack import Rule

KIND = "cell_type"
FIELDS = frozenset({"cell", "label", "raw"})


def _valid(value: float, kind: str) -> bool:
    if kind == "decimal":
        return value >= 0
    is_int = float(value).is_integer()
    return is_int if kind == "signed" else is_int and value >= 0


def check(rule: Rule, ctx: Context) -> list[Finding]:
    patterns, exclude = rule.params["cells"], rule.params.get("exclude", [])
    out: list[Finding] = []
    for address, cell in ctx.report.cells.items():
        if not any(fnmatchcase(address, p) for p in patterns) or any(fnmatchcase(address, p) for p in exclude):
            continue
        if cell.status != "ok" or cell.value is None or _valid(cell.value, rule.params["type"]):
            continue
        out.append(ctx.finding(rule, {"cell": address, "label": ctx.cell_label(address), "raw": cell.raw},
                               cells=[address], location=cell.source))
    return out
