"""Word-exported tables whose header grid does not line up with the data rows.

Each fixture takes a synthetic report page and reshapes one table the way Word's HTML export does: an empty
header cell under 自然人, a data cell spanning two grid columns, a stray empty cell in every data row, a 表四
header of 12 columns over 15 numbers. The numbers must still land in their template cells (and real errors
still be found); where no column mapping is consistent, the table is reported as uncertain instead.
"""

from __future__ import annotations

import pytest
from helpers import check_bytes, findings_of, report_of, rule_ids
from synth import Cell, Table, build_html, build_tables, html_table, inject, synth_values

YEAR = {"2019": 2020, "2021": 2024}
T3_HEADER_ROWS = 3


def page_with(version: str, values: dict, name: str, reshape) -> str:
    """The synthetic report page with table `name` reshaped by `reshape(Table) -> Table`."""
    page = build_html(version, values, year=YEAR[version])
    table = build_tables(version, values)[name]
    original = html_table(table)
    assert original in page
    return page.replace(original, html_table(reshape(table)))


def empty_header_cell_under_natural_person(table: Table) -> Table:
    """The 商业企业…其他 header row gains a leading empty cell: header labels move one column right."""
    rows = [list(r) for r in table.rows]
    rows[2] = [Cell("", header=True)] + rows[2]
    return Table(table.name, rows)


def data_cell_spanning_two_columns(row_index: int, cell_from_end: int):
    def reshape(table: Table) -> Table:
        rows = [list(r) for r in table.rows]
        row = rows[T3_HEADER_ROWS + row_index]
        i = len(row) - cell_from_end
        row[i] = Cell(row[i].text, colspan=2)
        return Table(table.name, rows)
    return reshape


def stray_empty_cell_before_numbers(table: Table) -> Table:
    """Every data row carries an extra empty cell between its label and its seven numbers."""
    rows = [list(r) for r in table.rows]
    for row in rows[T3_HEADER_ROWS:]:
        row.insert(len(row) - 7, Cell(""))
    return Table(table.name, rows)


def t3_cells(report) -> dict:
    return {k: c.value for k, c in report.cells.items() if k.startswith("t3.")}


def expected(values: dict, table: str) -> dict:
    return {k: v for k, v in values.items() if k.startswith(f"{table}.")}


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("reshape", [
    empty_header_cell_under_natural_person,
    data_cell_spanning_two_columns(0, 6),
    data_cell_spanning_two_columns(5, 3),
    stray_empty_cell_before_numbers,
], ids=["empty-header-cell", "colspan-in-first-row", "colspan-in-sixth-row", "stray-empty-cell"])
def test_t3_read_by_each_rows_own_cells(version, reshape):
    values = synth_values(version, 11)
    page = page_with(version, values, "t3", reshape)
    report = report_of(page)
    assert t3_cells(report) == expected(values, "t3")
    result = check_bytes(page)
    assert not [r for r in rule_ids(result) if r.startswith("arith.") or r.startswith("table.")]


def test_shifted_header_cells_keep_their_own_grid_column():
    """Read by header position, 商业企业 would take 科研机构's numbers (grid column 6)."""
    values = synth_values("2021", 11)
    report = report_of(page_with("2021", values, "t3", empty_header_cell_under_natural_person))
    source = report.cells["t3.new_received.commercial"].source
    assert source["col"] == 5  # the 4th grid column of numbers: its own cell, not the header's slot


@pytest.mark.parametrize("address, delta", [
    ("t3.total_processed.total", 10),
    ("t3.granted.commercial", 3),
    ("t3.new_received.natural_person", -2),
])
def test_real_errors_still_found_in_misaligned_table(address, delta):
    values = synth_values("2021", 4)
    bad = inject(values, address, values[address] + delta)
    aligned = check_bytes(build_html("2021", bad, year=2024))
    shifted = check_bytes(page_with("2021", bad, "t3", empty_header_cell_under_natural_person))
    errors = sorted((f["rule"], f["message"]) for f in aligned["findings"] if f["rule"].startswith("arith."))
    assert errors
    assert sorted((f["rule"], f["message"]) for f in shifted["findings"] if f["rule"].startswith("arith.")) == errors
    assert shifted["suspects"][0]["cell"] == address
    assert "table.column_mapping" not in rule_ids(shifted)


def twelve_header_columns_over_fifteen_numbers(table: Table) -> Table:
    """表四 whose third header row lost three cells and whose 其他结果 cell of 直接起诉 spans two grid columns."""
    rows = [list(r) for r in table.rows]
    rows[2] = rows[2][:7]
    data = rows[3]
    data[7] = Cell(data[7].text, colspan=2)
    return Table(table.name, rows)


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_t4_fifteen_numbers_under_a_twelve_column_header(version):
    values = synth_values(version, 5)
    page = page_with(version, values, "t4", twelve_header_columns_over_fifteen_numbers)
    report = report_of(page)
    assert {k: c.value for k, c in report.cells.items() if k.startswith("t4.")} == expected(values, "t4")
    assert not [r for r in rule_ids(check_bytes(page)) if r.startswith("arith.")]


def t2_label_and_numbers_shifted(table: Table) -> Table:
    """表二 rows whose label spans two grid columns while the header keeps one."""
    rows = [list(r) for r in table.rows]
    for row in rows:
        if row and row[0].label:
            row[0] = Cell(row[0].text, colspan=2, label=True)
    return Table(table.name, rows)


def test_t2_rows_read_by_their_own_cells():
    values = synth_values("2021", 6)
    page = page_with("2021", values, "t2", t2_label_and_numbers_shifted)
    report = report_of(page)
    assert {k: c.value for k, c in report.cells.items() if k.startswith("t2.")} == expected(values, "t2")


def extra_unlabelled_number_column(table: Table) -> Table:
    """Every data row has eight numbers under a header of seven columns, the eighth belonging to no identity:
    no column mapping makes the rows add up."""
    rows = [list(r) for r in table.rows]
    rows[2] = [Cell("", header=True)] + rows[2]
    for i, row in enumerate(rows[T3_HEADER_ROWS:]):
        row.insert(len(row) - 1, Cell(str(7 + i % 5)))
    return Table(table.name, rows)


def assert_t3_mapping_uncertain(report, result: dict) -> None:
    """No column mapping of 表三 adds up: every cell unreadable, one uncertainty warning, no arithmetic errors."""
    t3 = {k: c for k, c in report.cells.items() if k.startswith("t3.")}
    assert len(t3) == 175
    assert all(c.status == "unreadable" and c.value is None for c in t3.values())
    assert report.tables["t3"].notes == ["column_mapping_uncertain"]
    found = findings_of(result, "table.column_mapping")
    assert len(found) == 1
    assert found[0]["severity"] == "warning"
    assert found[0]["message"].startswith("表三的表头与数据行的单元格对不齐，无法确定数字所属的列：175个单元格")
    assert len(found[0]["cells"]) == 175
    assert not [r for r in rule_ids(result) if r.startswith("arith.")]
    assert not [s for s in result["suspects"] if s["cell"].startswith("t3.")]


def test_no_consistent_mapping_is_reported_as_uncertain_not_as_errors():
    values = synth_values("2021", 8)
    page = page_with("2021", values, "t3", extra_unlabelled_number_column)
    result = check_bytes(page)
    assert_t3_mapping_uncertain(report_of(page), result)
    assert not [f for f in findings_of(result, "table.complete") if "表三" in f["message"]]


def test_partly_uncertain_rows_only_mark_those_rows():
    """Only the rows whose own cells do not fit are uncertain; the others are read."""
    values = synth_values("2021", 9)

    def reshape(table: Table) -> Table:
        rows = [list(r) for r in table.rows]
        row = rows[T3_HEADER_ROWS + 4]  # 1.属于国家秘密: one number too many, no empty cell to drop
        row.insert(len(row) - 1, Cell("3"))
        return Table(table.name, rows)

    report = report_of(page_with("2021", values, "t3", reshape))
    uncertain = sorted(k for k, c in report.cells.items() if c.source.get("uncertain"))
    assert uncertain == sorted(f"t3.denied_state_secret.{c}" for c in (
        "natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total"))
    assert {k: c.value for k, c in report.cells.items() if k.startswith("t3.") and k not in uncertain} == {
        k: v for k, v in expected(values, "t3").items() if k not in uncertain}


def trailing_empty_cell(table: Table) -> Table:
    """Every data row ends with an empty cell the header does not have (a stray cell of Word's export)."""
    rows = [list(r) for r in table.rows]
    for row in rows[T3_HEADER_ROWS:]:
        row.append(Cell(""))
    return Table(table.name, rows)


def test_real_error_in_row_with_a_stray_trailing_cell_is_reported_not_hidden():
    values = synth_values("2021", 12)
    bad = inject(values, "t3.granted.total", values["t3.granted.total"] + 4)
    page = page_with("2021", bad, "t3", trailing_empty_cell)
    report = report_of(page)
    assert t3_cells(report) == expected(bad, "t3")
    result = check_bytes(page)
    assert "table.column_mapping" not in rule_ids(result)
    assert result["suspects"][0]["cell"] == "t3.granted.total"


def t4_one_row_per_group(values: dict, order: tuple[str, ...]) -> str:
    """表四 as three labelled rows of five numbers, columns in the given order."""
    labels = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结",
              "total": "总计"}
    groups = {"review": "行政复议", "litigation_direct": "行政诉讼（未经复议直接起诉）",
              "litigation_after_review": "行政诉讼（复议后起诉）"}
    rows = [[Cell("", header=True)] + [Cell(labels[c], header=True) for c in order]]
    for key, label in groups.items():
        rows.append([Cell(label, label=True)] + [Cell(str(values[f"t4.{key}.{c}"])) for c in order])
    return html_table(Table("t4", rows))


@pytest.mark.parametrize("order", [
    ("upheld", "corrected", "other", "pending", "total"),
    ("total", "upheld", "corrected", "other", "pending"),
])
def test_t4_as_one_row_per_group(order):
    values = synth_values("2021", 13)
    page = build_html("2021", values, year=2024)
    original = html_table(build_tables("2021", values)["t4"])
    page = page.replace(original, t4_one_row_per_group(values, order))
    report = report_of(page)
    assert {k: c.value for k, c in report.cells.items() if k.startswith("t4.")} == expected(values, "t4")


def leading_number_column(table: Table) -> Table:
    """A 序号 column in front of the table: header cell spanning the header rows, a running number per row."""
    rows = [list(r) for r in table.rows]
    header_rows = T3_HEADER_ROWS if table.name == "t3" else 0
    if header_rows:
        rows[0].insert(0, Cell("序号", rowspan=header_rows, header=True))
    for i, row in enumerate(rows[header_rows:], start=1):
        row.insert(0, Cell(str(i)))
    return Table(table.name, rows)


@pytest.mark.parametrize("name", ["t2", "t3"])
def test_leading_serial_number_column(name):
    values = synth_values("2021", 14)
    page = page_with("2021", values, name, leading_number_column)
    report = report_of(page)
    assert {k: c.value for k, c in report.cells.items() if k.startswith(f"{name}.")} == expected(values, name)
    assert not [r for r in rule_ids(check_bytes(page)) if r.startswith("arith.")]


def t2_single_number_among_empty_cells(table: Table) -> Table:
    """表二's one-number rows exported as three cells, the number in the middle one."""
    rows = [list(r) for r in table.rows]
    for row in rows:
        if len(row) == 2 and row[0].label:
            row[1:] = [Cell(""), Cell(row[1].text), Cell("")]
    return Table(table.name, rows)


def test_t2_single_number_among_empty_cells():
    values = synth_values("2021", 15)
    report = report_of(page_with("2021", values, "t2", t2_single_number_among_empty_cells))
    assert {k: c.value for k, c in report.cells.items() if k.startswith("t2.")} == expected(values, "t2")


def test_row_written_short_reads_its_missing_cells_as_blank():
    """A row whose last <td> is left out: its cells line up with the header, the missing one is blank."""
    values = synth_values("2021", 16)

    def reshape(table: Table) -> Table:
        rows = [list(r) for r in table.rows]
        rows[T3_HEADER_ROWS + 16].pop()  # 2.重复申请 without its 总计 cell
        return Table(table.name, rows)

    report = report_of(page_with("2021", values, "t3", reshape))
    cell = report.cells["t3.refused_repeat.total"]
    assert cell.status == "blank" and cell.value is None
    others = {k: v for k, v in expected(values, "t3").items() if k != "t3.refused_repeat.total"}
    assert {k: c.value for k, c in report.cells.items() if k in others} == others
    assert "column_mapping_uncertain" not in report.tables["t3"].notes


def test_real_error_in_rows_padded_with_empty_cells_is_reported():
    """Data rows carrying three empty cells beyond the header's last column (a wider Word grid)."""
    values = synth_values("2021", 17)
    bad = inject(values, "t3.partial.total", values["t3.partial.total"] + 2)

    def reshape(table: Table) -> Table:
        rows = [list(r) for r in table.rows]
        for row in rows[T3_HEADER_ROWS:]:
            row.extend([Cell(""), Cell(""), Cell("")])
        return Table(table.name, rows)

    page = page_with("2021", bad, "t3", reshape)
    assert t3_cells(report_of(page)) == expected(bad, "t3")
    result = check_bytes(page)
    assert "table.column_mapping" not in rule_ids(result)
    assert result["suspects"][0]["cell"] == "t3.partial.total"


def split_by_page_break(repeat_header: bool):
    """表三 cut in two before 四、无法提供 (a page break between two tables), the header rows repeated or not."""
    def split(table: Table) -> str:
        at = T3_HEADER_ROWS + 12  # the first 四、无法提供 row; its vertical group cell starts again in part two
        rows = [list(r) for r in table.rows]
        first = [[Cell(c.text, min(c.rowspan, at - i), c.colspan, c.header, c.vertical, c.label) for c in row]
                 for i, row in enumerate(rows[:at])]
        second = rows[at:]
        grouped = sum(1 for row in second if row[0].colspan < 3)  # up to 六、本年度办理结果 … 总计
        second[0] = [Cell("", rowspan=grouped, vertical=True, label=True)] + second[0]
        head = rows[:T3_HEADER_ROWS] if repeat_header else []
        return html_table(Table("t3", first)) + "<p>续表</p>" + html_table(Table("t3", head + second))
    return split


@pytest.mark.parametrize("repeat_header", [True, False], ids=["header-repeated", "no-header"])
def test_t3_split_by_page_break_reads_both_parts(repeat_header):
    values = synth_values("2021", 18)
    bad = inject(values, "t3.refused_repeat.commercial", values["t3.refused_repeat.commercial"] + 3)
    page = build_html("2021", bad, year=2024)
    table = build_tables("2021", bad)["t3"]
    page = page.replace(html_table(table), split_by_page_break(repeat_header)(table))
    report = report_of(page)
    assert t3_cells(report) == expected(bad, "t3")
    result = check_bytes(page)
    assert result["suspects"][0]["cell"] == "t3.refused_repeat.commercial"
    assert not [f for f in findings_of(result, "table.complete") if "表三" in f["message"]]
