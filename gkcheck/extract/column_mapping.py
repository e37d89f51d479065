"""Choosing how a native table row's cells map to template columns when header grid and data disagree.

Word-exported tables often carry header rows whose merged cells do not line up with the data rows (an empty
header cell under 自然人, a data cell spanning two grid columns, 12 header columns over 15 numbers). Reading
numbers by grid position then shifts whole columns. A row whose own cells do not line up with the header is
read in every plausible way — its own cell sequence when it has exactly the template's number of value cells,
the header's grid positions, its own cells without a stray empty cell — and the template's identities choose
between the readings. A row that no reading makes consistent is left uncertain: its cells are then marked
unreadable (never a guessed number) and the table carries the note `column_mapping_uncertain`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from typing import NamedTuple

from gkcheck.extract.numbers import parse_number
from gkcheck.model import Grid

UNCERTAIN_NOTE = "column_mapping_uncertain"
MAX_STRAY = 2  # empty cells a row may carry beyond the template's value cells


class Reading(NamedTuple):  # made for every table row: a tuple is about half as costly as a frozen dataclass
    """One way of reading a row: column key → (raw text, 0-based grid column)."""

    values: tuple[tuple[str, str, int], ...]  # (key, raw, col) in column order
    kind: str  # sequence | header | trimmed | tail

    def signature(self) -> tuple[tuple[str, str], ...]:
        """What the reading puts in each column (two readings with the same signature agree)."""
        return tuple(sorted((k, parse_key(raw)) for k, raw, _ in self.values))


@dataclass
class RowChoice:
    """The readings of one data row, in order of preference, and whether its cells line up with the header."""

    key: str
    candidates: list[Reading]
    aligned: bool
    location: dict = field(default_factory=dict)


def parse_key(raw: str) -> str:
    """Readings that parse to the same numbers are the same reading."""
    value, status = parse_number(raw)
    return f"{status}:{value}"


def is_value(text: str) -> bool:
    """A number or a blank marker (an empty cell counts as blank)."""
    return parse_number(text)[1] != "unreadable"


def absent_cells(grid: Grid, r: int) -> frozenset[int]:
    """Grid columns that no cell of the document covers in row `r` (the row was written short)."""
    ids = grid.anchors[r] if r < len(grid.anchors) else []
    if min(ids, default=0) >= 0:
        return frozenset()  # the common case: every slot covered
    return frozenset(c for c, cell_id in enumerate(ids) if cell_id < 0)


def own_cells(grid: Grid, r: int) -> list[tuple[int, str]]:
    """The row's own cells as (first grid column, text): a merged cell once, not once per slot it covers."""
    row = grid.rows[r]
    ids = grid.anchors[r] if r < len(grid.anchors) else []
    if len(ids) != len(row) or len(set(ids)) == len(ids) and min(ids, default=0) >= 0:
        return list(enumerate(row))  # no anchors, or every slot a cell of its own
    out: list[tuple[int, str]] = []
    seen: set[int] = set()
    for c, (text, cell_id) in enumerate(zip(row, ids)):
        if cell_id < 0 or cell_id in seen:
            continue
        seen.add(cell_id)
        out.append((c, text))
    return out


def trailing_values(cells: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The run of value cells at the end of the row (after its label cells)."""
    i = len(cells)
    while i > 0 and parse_number(cells[i - 1][1])[1] != "unreadable":  # is_value, inlined: called per cell
        i -= 1
    return cells[i:]


class Header(NamedTuple):
    """A header's column mapping, sorted once for all the rows read with it."""

    order: tuple[tuple[int, str], ...]  # (0-based grid column, column key) in column order
    columns: list[int]  # the grid columns, in order

    @classmethod
    def of(cls, mapping: dict[int, str]) -> Header:
        order = tuple(sorted(mapping.items()))
        return cls(order, [c for c, _ in order])


def readings(trail: list[tuple[int, str]], header: Header, keys: list[str],
             row: list[str], absent: frozenset[int] = frozenset()) -> tuple[list[Reading], bool]:
    """Candidate readings of a row in order of preference, and whether the row lines up with the header.
    `absent`: grid columns the row has no cell in at all (a short row: those cells are blank)."""
    n = len(keys)
    by_header = None
    if header.order:
        lo, hi = header.columns[0], header.columns[-1]
        if trail and not lo <= trail[0][0] <= trail[-1][0] <= hi:
            # empty cells left or right of every header column are padding, not cells of the table
            trail = [(c, t) for c, t in trail if lo <= c <= hi or t.strip()]
        width = len(row)
        by_header = Reading(tuple([(k, row[c] if c < width else "", c) for c, k in header.order]), "header")
        present = [c for c in header.columns if c not in absent] if absent else header.columns
        aligned = [c for c, _ in trail] == present
    else:
        aligned = len(trail) == n
    if aligned and by_header is not None:  # the common case: the header's reading is the row's own
        return [by_header], True
    out: list[Reading] = []
    if len(trail) == n:
        out.append(Reading(tuple((k, t, c) for k, (c, t) in zip(keys, trail)), "sequence"))
    if by_header is not None:
        out.append(by_header)
    extra = len(trail) - n
    if 0 < extra <= MAX_STRAY:
        empties = [i for i, (_, t) in enumerate(trail) if not t.strip()]
        for drop in combinations(empties, extra):
            kept = [cell for i, cell in enumerate(trail) if i not in drop]
            out.append(Reading(tuple((k, t, c) for k, (c, t) in zip(keys, kept)), "trimmed"))
    distinct: list[Reading] = []
    signatures: set[tuple[tuple[str, str], ...]] = set()
    confirmed = False  # two ways of reading gave the same numbers
    for reading in out:
        signature = reading.signature()
        if signature in signatures:
            confirmed = True
        else:
            signatures.add(signature)
            distinct.append(reading)
    return distinct, aligned or len(distinct) == 1 and (distinct[0].kind != "header" or confirmed)


Values = dict[str, dict[str, float | None]]  # row key → column key → value (None: blank); absent: unknown


def numbers(reading: Reading) -> dict[str, float | None] | None:
    """The reading's numbers (blank → None); None when a cell is not a number at all."""
    out: dict[str, float | None] = {}
    for key, raw, _ in reading.values:
        value, status = parse_number(raw)
        if status == "unreadable":
            return None
        out[key] = value
    return out


def choose(rows: list[RowChoice], row_ok: Callable[[str, dict[str, float | None]], bool],
           violations: Callable[[Values], int]) -> dict[str, Reading | None]:
    """The reading of each row: aligned rows as they stand; other rows by their own identity (row total),
    then by the table's column identities (a strict best); None where nothing makes the reading certain."""
    chosen: dict[str, Reading | None] = {}
    open_rows: list[RowChoice] = []
    for rc in rows:
        if not rc.candidates:
            chosen[rc.key] = None
        elif rc.aligned:
            chosen[rc.key] = rc.candidates[0]
        else:
            good = [c for c in rc.candidates if (v := numbers(c)) is not None and row_ok(rc.key, v)]
            if good:
                chosen[rc.key] = good[0]
            else:
                open_rows.append(rc)
    for rc in open_rows:
        current = {k: numbers(r) for k, r in chosen.items() if r is not None}
        for other in open_rows:
            if other is not rc and other.key not in chosen:
                current[other.key] = numbers(other.candidates[0])
        scores = []
        for cand in rc.candidates:
            vals = numbers(cand)
            scores.append(None if vals is None else violations(
                {k: v for k, v in {**current, rc.key: vals}.items() if v is not None}))
        valid = [s for s in scores if s is not None]
        best = min(valid, default=None)
        if len(rc.candidates) >= 2 and best is not None and valid.count(best) == 1:
            chosen[rc.key] = rc.candidates[scores.index(best)]
        else:
            chosen[rc.key] = None
    return chosen


# --------------------------------------------------------------------------- the template's identities

APPLICANTS = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org")
ORGS = APPLICANTS[1:]
T3_BALANCE = ("new_received", "carried_over", "total_processed", "carried_forward")
T4_PARTS = ("upheld", "corrected", "other", "pending")


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


def t3_row_ok(_: str, v: dict[str, float | None]) -> bool:
    """A3: the row total is the sum of the six applicant columns (and an added subtotal that of the five)."""
    if not _close(v.get("total") or 0, sum(v.get(c) or 0 for c in APPLICANTS)):
        return False
    return "org_subtotal" not in v or _close(v["org_subtotal"] or 0, sum(v.get(c) or 0 for c in ORGS))


def t3_violations(values: Values) -> int:
    """How many column identities (A1 balance, A2 results total) the rows read so far violate."""
    columns = {c for row in values.values() for c in row}
    results = [k for k in values if k not in T3_BALANCE]
    count = 0
    for col in columns:
        def v(row: str, c: str = col) -> float:
            return values.get(row, {}).get(c) or 0
        if all(r in values for r in T3_BALANCE):
            count += not _close(v("new_received") + v("carried_over"), v("total_processed") + v("carried_forward"))
        if "total_processed" in values and results:
            count += not _close(v("total_processed"), sum(v(r) for r in results))
    return count


def t4_violations(v: dict[str, float | None]) -> int:
    """A4 for each of the three groups, on a reading keyed `group.column`."""
    count = 0
    for group in ("review", "litigation_direct", "litigation_after_review"):
        total = v.get(f"{group}.total") or 0
        count += not _close(total, sum(v.get(f"{group}.{p}") or 0 for p in T4_PARTS))
    return count
