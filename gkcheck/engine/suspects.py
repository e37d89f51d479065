"""Localising wrong cells: which single change satisfies the most failed identities."""

from __future__ import annotations

from dataclasses import dataclass

from gkcheck.engine.context import Equation
from gkcheck.model import Report

TOTAL_KEYS = ("total", "total_processed")


@dataclass
class Suspect:
    cell: str
    found: float | int | None
    expected: float | int
    fixes: int  # failed identities this change satisfies
    breaks: int  # identities that hold now and would fail after it
    plausible: bool  # the new value is a non-negative integer

    @property
    def score(self) -> int:
        return self.fixes - self.breaks

    def show_expected(self) -> str:
        value = self.expected
        return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")

    def to_dict(self) -> dict:
        return {"cell": self.cell, "found": self.found, "expected": _num(self.expected), "fixes": self.fixes,
                "breaks": self.breaks, "message": f"最可能出错：{self.cell}，应为 {self.show_expected()}"}


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 4)


def _is_total(cell: str) -> bool:
    _, row, col = cell.split(".")
    return col == "total" or row in TOTAL_KEYS


def _candidates(equations: list[Equation], report: Report) -> dict[tuple[str, float], Suspect]:
    found: dict[tuple[str, float], Suspect] = {}
    involving: dict[str, list[Equation]] | None = None
    for eq in equations:
        if eq.holds:
            continue
        if involving is None:
            involving = _involving(equations)
        for cell in eq.cells():
            current = report.value(cell) or 0
            new = current - eq.residual if cell in eq.lhs else current + eq.residual
            key = (cell, round(new, 6))
            if key not in found:
                found[key] = _evaluate(cell, current, new, involving[cell], report)
    return found


def _involving(equations: list[Equation]) -> dict[str, list[Equation]]:
    """The equations each cell takes part in, each once, in their order."""
    out: dict[str, list[Equation]] = {}
    for eq in equations:
        for cell in dict.fromkeys(eq.cells()):
            out.setdefault(cell, []).append(eq)
    return out


def _evaluate(cell: str, current: float, new: float, equations: list[Equation], report: Report) -> Suspect:
    """The change of `cell` to `new` judged against the equations it takes part in."""
    delta = new - current
    fixes = breaks = 0
    for eq in equations:
        after = eq.residual + (delta if cell in eq.lhs else -delta)
        if not eq.holds and abs(after) < 1e-6:
            fixes += 1
        elif eq.holds and abs(after) >= 1e-6:
            breaks += 1
    plausible = new >= 0 and float(new).is_integer() or cell.endswith(".amount") and new >= 0
    return Suspect(cell=cell, found=report.value(cell), expected=new, fixes=fixes, breaks=breaks,
                   plausible=plausible)


def ranked_repairs(equations: list[Equation], report: Report) -> list[Suspect]:
    """All plausible repairs, best first: plausibility, identities repaired net of those broken, totals first,
    then template order of the first identity involved."""
    candidates = [s for s in _candidates(equations, report).values() if s.score > 0 and s.plausible]
    if not candidates:
        return []
    order = {c: i for i, eq in reversed(list(enumerate(equations))) for c in eq.cells()}
    return sorted(candidates, key=lambda s: (-s.score, not _is_total(s.cell), order.get(s.cell, 0)))


def rank_suspects(equations: list[Equation], ranked: list[Suspect], limit: int = 10) -> list[Suspect]:
    """The best repair of each failed identity (a cell named once), ranked."""
    out: list[Suspect] = []
    for eq in equations:
        if eq.holds:
            continue
        best = next((s for s in ranked if s.cell in eq.cells()), None)
        if best and all(s.cell != best.cell for s in out):
            out.append(best)
    position = {id(s): i for i, s in enumerate(ranked)}
    return sorted(out, key=lambda s: position[id(s)])[:limit]


def best_fix(cells: list[str], ranked: list[Suspect]) -> Suspect | None:
    """The best single-cell repair among the cells of one failed identity."""
    return next((s for s in ranked if s.cell in cells), None)
