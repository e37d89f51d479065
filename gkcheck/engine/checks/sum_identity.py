"""sum_identity: Σlhs = Σrhs over cell addresses, expanded `for_each` row or column of the table.

Address patterns may hold the loop variable (`t3.{row}.total`) and `*` wildcards over the keys of the
layout the report used (`t3.other*.{col}` is one row in 2019, three in 2021). Nothing is evaluated.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from gkcheck.engine.context import Context, Equation, Finding, fill
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


def expand(patterns: list[str], binding: dict[str, str], cells: list[str]) -> list[str]:
    """Concrete addresses for the patterns, in the order of `cells`, each once."""
    out: dict[str, None] = {}
    known = set(cells)
    for pattern in patterns:
        concrete = fill(pattern, binding)
        if "*" in concrete:
            out.update((c, None) for c in cells if fnmatchcase(c, concrete))
        elif concrete in known:
            out[concrete] = None
    return list(out)


def check(rule: Rule, ctx: Context) -> list[Finding]:
    name = rule.params["table"]
    if not ctx.present(name):
        return []
    table = ctx.table(name)
    cells = table.cells()
    template_cells = set(cells)
    cells += [a for a in ctx.report.cells if a.startswith(f"{name}.") and a not in template_cells]  # added columns
    blank_as_zero = rule.params.get("blank_as_zero", True)
    out: list[Finding] = []
    for binding in _bindings(rule, table):
        lhs = expand(rule.params["lhs"], binding, cells)
        rhs = expand(rule.params["rhs"], binding, cells)
        involved = [ctx.report.cells.get(a) for a in lhs + rhs]
        if not lhs or not rhs or any(c is None or c.status in ("unreadable", "missing") for c in involved):
            continue
        if all(c.status == "blank" for c in involved) or (not blank_as_zero and any(c.value is None for c in involved)):
            continue
        left = sum(ctx.report.value(a) or 0 for a in lhs)
        right = sum(ctx.report.value(a) or 0 for a in rhs)
        equation = Equation(rule=rule.id, lhs=lhs, rhs=rhs, residual=left - right)
        ctx.equations.append(equation)
        if equation.holds:
            continue
        finding = ctx.finding(rule, {**binding, "lhs": left, "rhs": right, "diff": abs(left - right)},
                              cells=lhs + rhs, location=ctx.report.cells[lhs[0]].source)
        out.append(finding)
    return out

