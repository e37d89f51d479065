"""Word (.docx) tables whose rows do not line up with the header grid.

Each fixture writes the synthetic report's 表三 or 表四 cell by cell the way Word stores a misaligned table:
w:gridBefore / w:gridAfter on rows, a row with one extra empty cell, a label cell whose gridSpan differs
between header and data rows, vertical merges (vMerge restart/continue) in shifted rows, legacy horizontal
merges (hMerge), and a table split in two by a page break, with or without its header row repeated. A
consistent report must read every cell exactly and give no arithmetic finding; a planted error must be found
at its cell; where no column mapping is consistent the cells are unreadable with one warning.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from functools import lru_cache

import pytest
from docx_grids import Tc, Tr, legacy_hmerge, replace_table, word_rows
from helpers import check_bytes, check_report, report_of, rule_ids
from synth import build_docx, build_tables, inject, synth_values
from test_misaligned_tables import assert_t3_mapping_uncertain

from gkcheck.templates import load_template

YEAR = {"2019": 2020, "2021": 2024}
T3_HEADER_ROWS = 3
T4_HEADER_ROWS = 3
MARKERS = {"t3": "本年新收", "t4": "结果维持"}
Reshape = Callable[[list[Tr]], list[list[Tr]]]


@lru_cache(maxsize=8)
def _docx(version: str, items: tuple) -> bytes:
    return build_docx(version, dict(items), year=YEAR[version])


def plain_docx(version: str, values: dict) -> bytes:
    """The synthetic report as a Word file in the official layout (built once per set of values)."""
    return _docx(version, tuple(sorted(values.items())))


def docx_with(version: str, values: dict, name: str, reshape: Reshape) -> bytes:
    """The synthetic report as a Word file, table `name` rewritten as `reshape(rows)` (one list per part)."""
    data = plain_docx(version, values)
    return replace_table(data, MARKERS[name], reshape(word_rows(build_tables(version, values)[name])))


def row_index(key: str) -> int:
    """The grid row of a 表三 template row in the official layout."""
    return T3_HEADER_ROWS + [r.key for r in load_template("2021").tables["t3"].rows].index(key)


def cells_of(report, name: str) -> dict:
    return {k: c.value for k, c in report.cells.items() if k.startswith(f"{name}.")}


def expected(values: dict, name: str) -> dict:
    return {k: v for k, v in values.items() if k.startswith(f"{name}.")}


# --------------------------------------------------------------------------- 表三 reshapes


def grid_before_shifting_rows(rows: list[Tr]) -> list[list[Tr]]:
    """一、本年新收 and 二、上年结转 start one grid column late (gridBefore 1, cells unchanged), the header rows
    end one column early (gridAfter 1): those rows' numbers stand one column right of their header."""
    for tr in rows[:T3_HEADER_ROWS]:
        tr.after = 1
    for tr in rows[row_index("new_received"):row_index("granted")]:
        tr.before = 1
    return [rows]


def grid_before_narrowing_labels(rows: list[Tr]) -> list[list[Tr]]:
    """Every full-width label cell gives its first grid column to a gridBefore."""
    for tr in rows[T3_HEADER_ROWS:]:
        if tr.cells[0].span > 1 and tr.cells[0].vmerge is None:
            tr.before, tr.cells[0].span = 1, tr.cells[0].span - 1
    return [rows]


def grid_after_on_data_rows(rows: list[Tr]) -> list[list[Tr]]:
    """The data rows end with two empty grid columns the header rows do not have."""
    for tr in rows[T3_HEADER_ROWS:]:
        tr.after = 2
    return [rows]


def extra_empty_cell(rows: list[Tr]) -> list[list[Tr]]:
    """（二）部分公开 carries one extra empty cell between its label and its seven numbers."""
    tr = rows[row_index("partial")]
    tr.cells.insert(len(tr.cells) - 7, Tc(""))
    return [rows]


def wider_data_labels(rows: list[Tr]) -> list[list[Tr]]:
    """The full-width label cells span four grid columns where the header's corner cell spans three."""
    for tr in rows[T3_HEADER_ROWS:]:
        if tr.cells[0].span == 3:
            tr.cells[0].span = 4
    return [rows]


def wider_header_corner(rows: list[Tr]) -> list[list[Tr]]:
    """The header's corner cell spans four grid columns, the data rows' label cells three."""
    for tr in rows[:T3_HEADER_ROWS]:
        tr.cells[0].span = 4
    return [rows]


def vmerge_continuation_in_shifted_rows(rows: list[Tr]) -> list[list[Tr]]:
    """The 不予公开 rows start one grid column late: their vMerge continuation cells (三、本年度办理结果,
    （三）不予公开) no longer stand under the cells they continue."""
    for tr in rows[row_index("denied_state_secret") + 1:row_index("unable_not_held")]:
        tr.before = 1
    return [rows]


def legacy_horizontal_merges(rows: list[Tr]) -> list[list[Tr]]:
    """Multi-column cells written as hMerge restart + continue cells (older converters), one per column."""
    for tr in rows:
        legacy_hmerge(tr)
    return [rows]


def _split(rows: list[Tr], at: int, repeat_header: bool) -> list[list[Tr]]:
    first, second = rows[:at], rows[at:]
    for tc in second[0].cells:  # a vertical merge cut by the split starts again, empty, in the second part
        if tc.vmerge == "continue":
            tc.vmerge = "restart"
    if repeat_header:
        head = deepcopy(rows[:T3_HEADER_ROWS])
        for tr in head:
            tr.header = True
        second = head + second
    return [first, second]


def split_with_repeated_header(rows: list[Tr]) -> list[list[Tr]]:
    """A page break inside the 不予公开 rows; the second part repeats the three header rows."""
    return _split(rows, row_index("denied_internal"), True)


def split_without_header(rows: list[Tr]) -> list[list[Tr]]:
    """A page break before 四、无法提供; the second part starts with data rows."""
    return _split(rows, row_index("unable_not_held"), False)


T3_RESHAPES = [
    (grid_before_shifting_rows, "t3.new_received.natural_person"),
    (grid_before_narrowing_labels, "t3.total_processed.total"),
    (grid_after_on_data_rows, "t3.granted.commercial"),
    (extra_empty_cell, "t3.partial.research"),
    (wider_data_labels, "t3.carried_over.other_org"),
    (wider_header_corner, "t3.granted.public_interest"),
    (vmerge_continuation_in_shifted_rows, "t3.denied_three_safety.legal_service"),
    (legacy_horizontal_merges, "t3.granted.total"),
    (split_with_repeated_header, "t3.denied_process.natural_person"),
    (split_without_header, "t3.refused_repeat.commercial"),
]
T3_IDS = [f.__name__ for f, _ in T3_RESHAPES]


def planted(reshape: Reshape, table: str, address: str, seed: int, delta: int) -> tuple[dict, dict]:
    """A report with an error planted at `address`, checked with its table aligned and reshaped: the reshaped
    table reads the same cells and gives the same arithmetic errors. Returns (aligned result, reshaped result)."""
    values = synth_values("2021", seed)
    bad = inject(values, address, values[address] + delta)
    aligned = check_bytes(plain_docx("2021", bad), "r.docx")
    report = report_of(docx_with("2021", bad, table, reshape), "r.docx")
    assert cells_of(report, table) == expected(bad, table)
    result = check_report(report)
    errors = sorted((f["rule"], f["message"]) for f in aligned["findings"] if f["rule"].startswith("arith."))
    assert errors
    assert sorted((f["rule"], f["message"]) for f in result["findings"] if f["rule"].startswith("arith.")) == errors
    return aligned, result


@pytest.mark.parametrize("reshape, address", T3_RESHAPES, ids=T3_IDS)
def test_t3_docx_planted_error_found_at_its_cell(reshape: Reshape, address: str) -> None:
    _, result = planted(reshape, "t3", address, seed=4, delta=3)
    assert result["suspects"][0]["cell"] == address
    assert "table.column_mapping" not in rule_ids(result)


def test_split_table_second_part_read_from_its_own_rows() -> None:
    """The rows after the page break come from the second Word table, at their own grid positions."""
    values = synth_values("2021", 11)
    report = report_of(docx_with("2021", values, "t3", split_with_repeated_header), "r.docx")
    first, second = report.cells["t3.denied_three_safety.total"], report.cells["t3.denied_internal.total"]
    assert first.source["table"] + 1 == second.source["table"]
    assert second.source["row"] == T3_HEADER_ROWS + 1  # the first data row after the repeated header


def test_shifted_row_read_at_its_own_grid_column() -> None:
    values = synth_values("2021", 11)
    report = report_of(docx_with("2021", values, "t3", grid_before_shifting_rows), "r.docx")
    assert report.cells["t3.new_received.natural_person"].source["col"] == 5  # gridBefore 1 + label span 3
    assert report.cells["t3.granted.natural_person"].source["col"] == 4


def extra_number_in_every_row(rows: list[Tr]) -> list[list[Tr]]:
    """Every data row has eight numbers under seven header columns, the eighth belonging to no identity."""
    for i, tr in enumerate(rows[T3_HEADER_ROWS:]):
        tr.cells.insert(len(tr.cells) - 1, Tc(str(7 + i % 5)))
    rows[2].cells.insert(0, Tc(""))  # the 商业企业… header row gains a leading empty cell
    return [rows]


def test_docx_no_consistent_mapping_is_uncertain_not_errors() -> None:
    values = synth_values("2021", 8)
    data = docx_with("2021", values, "t3", extra_number_in_every_row)
    assert_t3_mapping_uncertain(report_of(data, "r.docx"), check_bytes(data, "r.docx"))


# --------------------------------------------------------------------------- 表四 reshapes


def t4_data_row_grid_before(rows: list[Tr]) -> list[list[Tr]]:
    """The fifteen numbers start one grid column late (gridBefore 1)."""
    rows[T4_HEADER_ROWS].before = 1
    return [rows]


def t4_header_grid_after(rows: list[Tr]) -> list[list[Tr]]:
    """Header rows end one column early (gridAfter 1), the data row starts one column late."""
    for tr in rows[:T4_HEADER_ROWS]:
        tr.after = 1
    rows[T4_HEADER_ROWS].before = 1
    return [rows]


def t4_extra_empty_cell(rows: list[Tr]) -> list[list[Tr]]:
    """An empty cell between 行政复议's total and 行政诉讼's first number."""
    rows[T4_HEADER_ROWS].cells.insert(5, Tc(""))
    return [rows]


def t4_number_spanning_two_columns(rows: list[Tr]) -> list[list[Tr]]:
    """直接起诉's 其他结果 cell spans two grid columns (gridSpan 2)."""
    rows[T4_HEADER_ROWS].cells[7].span = 2
    return [rows]


def t4_split_before_numbers(rows: list[Tr]) -> list[list[Tr]]:
    """A page break between the header rows and the numbers, the header repeated above them."""
    head = deepcopy(rows[:T4_HEADER_ROWS])
    for tr in head:
        tr.header = True
    return [rows[:T4_HEADER_ROWS], head + rows[T4_HEADER_ROWS:]]


T4_RESHAPES = [
    (t4_data_row_grid_before, "t4.review.corrected"),
    (t4_header_grid_after, "t4.litigation_direct.upheld"),
    (t4_extra_empty_cell, "t4.review.total"),
    (t4_number_spanning_two_columns, "t4.litigation_direct.other"),
    (t4_split_before_numbers, "t4.litigation_after_review.pending"),
]
T4_IDS = [f.__name__ for f, _ in T4_RESHAPES]


READ_CASES = [("t3", f) for f, _ in T3_RESHAPES] + [("t4", f) for f, _ in T4_RESHAPES]
READ_SEEDS = {"t3": 11, "t4": 5}


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize(("table", "reshape"), READ_CASES, ids=T3_IDS + T4_IDS)
def test_docx_cells_read_exactly(version: str, table: str, reshape: Reshape) -> None:
    values = synth_values(version, READ_SEEDS[table])
    report = report_of(docx_with(version, values, table, reshape), "r.docx")
    assert cells_of(report, table) == expected(values, table)
    assert "column_mapping_uncertain" not in report.tables[table].notes
    assert not [r for r in rule_ids(check_report(report)) if r.startswith(("arith.", "table."))]


@pytest.mark.parametrize("reshape, address", T4_RESHAPES, ids=T4_IDS)
def test_t4_docx_planted_error_found_at_its_cell(reshape: Reshape, address: str) -> None:
    aligned, result = planted(reshape, "t4", address, seed=5, delta=2)
    # one group's total against its parts: the cell is among the finding's cells, ranked as in the aligned table
    assert [address in f["cells"] for f in result["findings"] if f["rule"].startswith("arith.")] == [True]
    assert [s["cell"] for s in result["suspects"]] == [s["cell"] for s in aligned["suspects"]]
    assert "table.column_mapping" not in rule_ids(result)
