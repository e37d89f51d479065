"""sum_identity: Σlhs = Σrhs over cell addresses, expanded `for_each` row or column of the table.

Address patterns may hold the loop variable (`t3.{row}.total`) and `*` wildcards over the keys of the
layout the report used (`t3.other*.{col}` is one row in 2019, three in 2021). Nothing is evaluated.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from functools import lru_cache

from gkcheck.engine.context import Context, Equation, Finding, fill
from gkcheck.model import CellValue
from gkcheck.rulepack import Rule
from gkcheck.templates import TableDef

KIND = "sum_identity"
FIELDS = frozenset({"diff", "lhs", "rhs"})


def _bindings(rule: Rule, table: TableDef) -> list[dict[str, str]]:
    for_each = rule.params.get("for_each") or {}
    if not for_each:
        return [{}]
    var, over = next(iter(for_each.items()))
    if over == "rows":
        return [{var: r.key, f"{var}_label": r.label} for r in table.rows]
    return [{var: c.key, f"{var}_label": c.label} for c in table.columns.values()]


def expand(patterns: list[str], binding: dict[str, str], cells: Sequence[str]) -> list[str]:
    """Concrete addresses for the patterns, in the order of `cells`, each once."""
    return list(_expand(tuple(fill(p, binding) for p in patterns), tuple(cells)))


@lru_cache(maxsize=8192)
def _expand(patterns: tuple[str, ...], cells: tuple[str, ...]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    known = set(cells)
    for concrete in patterns:
        if "*" in concrete:
            out.update((c, None) for c in cells if fnmatchcase(c, concrete))
        elif concrete in known:
            out[concrete] = None
    return tuple(out)


Step = tuple[dict[str, str], list[str], list[str]]
_PLANS: dict[tuple[int, int, tuple[str, ...]], tuple[Rule, TableDef, list[Step]]] = {}
MAX_PLANS = 4096


def plan(rule: Rule, table: TableDef, extra: tuple[str, ...] = ()) -> list[Step]:
    """The rule compiled for one table layout: (binding, lhs addresses, rhs addresses) for each `for_each`
    binding; `extra` are cells the report adds to the template (e.g. an 法人或其他组织小计 column).
    Computed once per rule, layout and extra cells, then reused for every report."""
    key = (id(rule), id(table), extra)
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is rule and hit[1] is table:
        return hit[2]
    cells = table.cells() + list(extra)
    steps = [(b, expand(rule.params["lhs"], b, cells), expand(rule.params["rhs"], b, cells))
             for b in _bindings(rule, table)]
    if len(_PLANS) >= MAX_PLANS:
        _PLANS.clear()
    _PLANS[key] = (rule, table, steps)  # holding rule and table keeps their ids from being reused
    return steps


def check(rule: Rule, ctx: Context) -> list[Finding]:
    name = rule.params["table"]
    if not ctx.present(name):
        return []
    table = ctx.table(name)
    blank_as_zero = rule.params.get("blank_as_zero", True)
    out: list[Finding] = []
    get = ctx.report.cells.get
    for binding, lhs, rhs in plan(rule, table, ctx.extra_cells(name, table)):
        if not lhs or not rhs:
            continue
        sums = _sides(list(map(get, lhs)), list(map(get, rhs)), blank_as_zero)
        if sums is None:
            continue
        left, right = sums
        equation = Equation(rule=rule.id, lhs=list(lhs), rhs=list(rhs), residual=left - right)
        ctx.equations.append(equation)
        if equation.holds:
            continue
        finding = ctx.finding(rule, {**binding, "lhs": left, "rhs": right, "diff": abs(left - right)},
                              cells=lhs + rhs, location=ctx.report.cells[lhs[0]].source)
        out.append(finding)
    return out


def _sides(lhs: list[CellValue | None], rhs: list[CellValue | None],
           blank_as_zero: bool) -> tuple[float, float] | None:
    """Σlhs and Σrhs (a blank cell as 0), or None when the identity cannot be checked: a cell missing or
    unreadable, every cell blank, or a blank cell where blanks do not count as 0."""
    blank = True
    for cell in lhs + rhs:
        if cell is None:
            return None
        status = cell.status
        if status == "unreadable" or status == "missing" or (cell.value is None and not blank_as_zero):
            return None
        if status != "blank":
            blank = False
    if blank:
        return None
    return sum([c.value or 0 for c in lhs]), sum([c.value or 0 for c in rhs])  # type: ignore[union-attr]


def compile_rules(rules: list[Rule], tables: list[TableDef]) -> int:
    """Compile every sum_identity rule for every given table layout now (e.g. in a parent process before its
    workers start, which then share the plans); returns the number of plans made."""
    made = 0
    for rule in rules:
        if rule.kind != KIND:
            continue
        for table in tables:
            if table.name == rule.params.get("table"):
                plan(rule, table)
                made += 1
    return made
