"""Converted text: PDF-to-markdown conversions and OCR-style transcriptions of a report.

The fixtures are written the way common conversion tools and transcriptions write a report: `#` headings,
pipe tables whose merged cells come out empty, one small table per row group under placeholder headers
(`数据1 …`), page markers between table rows, a label column written apart from its numbers, labels cut off.
Cells are read where the template's row order makes the reading certain, otherwise marked unreadable.
"""

from __future__ import annotations

import pytest
from helpers import check_bytes, findings_of, report_of, rule_ids
from synth import Table, build_tables, build_text, document_blocks, html_table, positions, synth_values, table_width

from gkcheck.extract.markdown import expand, row_lines, split_cells
from gkcheck.templates import load_template

YEAR = {"2019": 2020, "2021": 2024}


def grid_of(table: Table, merged: str = "empty") -> list[list[str]]:
    """The table as a converter's grid: a merged cell's text in its first slot, the others empty or repeated."""
    width = table_width(table)
    grid = [[""] * width for _ in table.rows]
    for r, c, cell in positions(table):
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                if (dr, dc) == (0, 0) or merged == "repeat":
                    grid[r + dr][c + dc] = cell.text
    return grid


def pipe(row: list[str]) -> str:
    return "| " + " | ".join(row) + " |"


def pipe_table(rows: list[list[str]], header: list[str] | None = None) -> list[str]:
    head = header if header is not None else rows[0]
    body = rows if header is not None else rows[1:]
    return [pipe(head), pipe(["---"] * len(head))] + [pipe(r) for r in body]


def t3_groups(version: str, header_rows: int = 3) -> list[tuple[int, int]]:
    """Row ranges of 表三's row groups: 一/二, (一)(二), (三), (四), (五), (六), (七), 四."""
    keys = []
    for row in load_template(version).tables["t3"].rows:
        if row.key in ("new_received", "carried_over"):
            keys.append("head")
        elif row.key in ("granted", "partial"):
            keys.append("results")
        else:
            keys.append(row.group if row.group and row.group != "三、本年度办理结果" else row.key)
    ranges: list[tuple[int, int]] = []
    for i, key in enumerate(keys):
        if i and keys[i - 1] == key:
            ranges[-1] = (ranges[-1][0], header_rows + i + 1)
        else:
            ranges.append((header_rows + i, header_rows + i + 1))
    return ranges


def markdown_report(version: str, values: dict, *, small_tables: bool = False, merged: str = "empty",
                    page_marker: str | None = None) -> str:
    """The synthetic report as a PDF-to-markdown conversion."""
    out: list[str] = []
    for kind, payload in document_blocks(version, values, year=YEAR[version]):
        if kind == "title":
            out += [f"# {payload}", ""]
        elif kind == "heading":
            out += [f"## {payload}", ""]
        elif kind == "subheading":
            out += [f"**{payload}**", ""]
        elif kind == "table":
            grid = grid_of(payload, merged)
            if payload.name == "t3" and small_tables:
                out += pipe_table(grid[:3])
                for a, b in t3_groups(version):
                    out += [""] + pipe_table(grid[a:b], [f"数据{i + 1}" for i in range(len(grid[0]))])
            else:
                lines = pipe_table(grid)
                if page_marker and payload.name == "t3":
                    lines.insert(14, pipe([page_marker] + [""] * (len(grid[0]) - 1)))
                out += lines
            out.append("")
        elif kind != "meta":
            out += [str(payload), ""]
    return "\n".join(out) + "\n"


def cells_of(report, table: str) -> dict:
    return {k: c.value for k, c in report.cells.items() if k.startswith(f"{table}.")}


def expected(values: dict, table: str) -> dict:
    return {k: v for k, v in values.items() if k.startswith(f"{table}.")}


# --------------------------------------------------------------------------- markdown


def test_split_cells_and_row_lines():
    assert split_cells(r"| 一、本年新收 | 3 \| 4 | 5<br>件 |") == ["一、本年新收", "3 | 4", "5 件"]
    assert row_lines(["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "0", "", "2", "1"]) == [
        "三、本年度办理结果", "（三）不予公开", "1.属于国家秘密 0 - 2 1"]
    assert row_lines(["行政许可", "97", "", ""]) == ["行政许可 97"]
    assert row_lines(["", "自然人", "法人或其他组织", "法人或其他组织", "总计"]) == ["自然人", "法人或其他组织", "总计"]
    assert row_lines(["规章", "1 0 9"]) == ["规章 1 0 9"]  # cells merged by the converter


def test_expand_keeps_document_line_numbers():
    lines = ["## 二、主动公开", "| 信息内容 | 本年制发件数 |", "|:---|---:|", "| 规章 | 1 |", "— 4 —", "正文"]
    out, origin = expand(lines)
    assert out == ["## 二、主动公开", "信息内容", "本年制发件数", "", "规章 1", "", "正文"]
    assert origin == [0, 1, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("shape", ["one-table", "repeated-merges", "small-tables", "page-marker"])
def test_markdown_conversion_of_full_report(version, shape):
    values = synth_values(version, 21)
    doc = markdown_report(version, values, small_tables=shape == "small-tables",
                          merged="repeat" if shape == "repeated-merges" else "empty",
                          page_marker="— 4 —" if shape == "page-marker" else None)
    report = report_of(doc, "report.md")
    assert {k: c.value for k, c in report.cells.items()} == values
    assert report.document.year == YEAR[version]
    assert [s.number for s in report.sections] == [1, 2, 3, 4, 5, 6]
    result = check_bytes(doc, "report.md")
    assert not [r for r in rule_ids(result) if r.startswith(("arith.", "table."))]


def test_markdown_cells_point_to_document_lines():
    values = synth_values("2021", 22)
    doc = markdown_report("2021", values)
    lines = doc.splitlines()
    report = report_of(doc, "report.md")
    line = report.cells["t3.granted.total"].source["line"]
    assert lines[line - 1].startswith("| 三、本年度办理结果 | （一）予以公开 |")
    assert lines[line - 1].rstrip(" |").endswith(f"| {values['t3.granted.total']}")


def test_markdown_real_error_still_found():
    values = synth_values("2021", 23)
    values["t3.total_processed.total"] += 7
    result = check_bytes(markdown_report("2021", values, small_tables=True), "report.md")
    assert result["suspects"][0]["cell"] == "t3.total_processed.total"
    assert {f["rule"] for f in result["findings"] if f["rule"].startswith("arith.")} == {
        "arith.t3.balance", "arith.t3.results_total", "arith.t3.row_total"}


# --------------------------------------------------------------------------- OCR-style transcription


T3_LABEL_CUTS = {"denied_internal": "5.属于三类内部", "denied_query": "8.属于行政查"}


def transcription(version: str, values: dict, *, drop_number_row: str | None = None,
                  cut_labels: dict | None = None, detached: bool = True) -> str:
    """表三 transcribed column by column: every row label (some cut off), then the number rows, with a page
    marker inside; the rest of the report as plain lines (表二 as loose `行政许可 97` lines)."""
    text = build_text(version, values, style="rows", year=YEAR[version])
    lines = text.splitlines()
    first = next(i for i, s in enumerate(lines) if s.startswith("一、本年新收"))
    last = next(i for i, s in enumerate(lines) if s.startswith("四、结转下年度"))
    table = load_template(version).tables["t3"]
    labels, numbers = [], []
    for row in table.rows:
        label = (cut_labels or {}).get(row.key, row.label)
        nums = " ".join(str(values[f"t3.{row.key}.{c}"]) for c in table.row_columns(row))
        if detached:
            labels.append(label)
            if row.key != drop_number_row:
                numbers.append(nums)
        else:
            labels.append(f"{label} {nums}")
    block = labels + ["— 9 —"] + numbers if detached else labels[:10] + ["- 9 -"] + labels[10:]
    return "\n".join(lines[:first] + block + lines[last + 1:]) + "\n"


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_transcription_with_detached_labels_and_page_marker(version):
    values = synth_values(version, 31)
    doc = transcription(version, values, cut_labels=T3_LABEL_CUTS)
    report = report_of(doc, "ocr.txt")
    assert cells_of(report, "t3") == expected(values, "t3")
    assert cells_of(report, "t2") == expected(values, "t2")
    assert cells_of(report, "t4") == expected(values, "t4")
    result = check_bytes(doc, "ocr.txt")
    assert not [r for r in rule_ids(result) if r.startswith(("arith.", "table."))]


def test_cut_off_labels_in_row_lines_placed_by_template_order():
    values = synth_values("2021", 32)
    doc = transcription("2021", values, cut_labels=T3_LABEL_CUTS, detached=False)
    report = report_of(doc, "ocr.txt")
    assert cells_of(report, "t3") == expected(values, "t3")


def test_two_adjacent_cut_off_labels_placed_in_order():
    values = synth_values("2021", 33)
    cuts = {"denied_internal": "5.属于三类内部", "denied_process": "6.属于四类过"}
    report = report_of(transcription("2021", values, cut_labels=cuts, detached=False), "ocr.txt")
    assert cells_of(report, "t3") == expected(values, "t3")


def test_missing_number_row_makes_the_detached_block_uncertain():
    """One number row lost in transcription: no row can be trusted to its label, so none is guessed."""
    values = synth_values("2021", 34)
    doc = transcription("2021", values, drop_number_row="denied_third_party")
    report = report_of(doc, "ocr.txt")
    t3 = {k: c for k, c in report.cells.items() if k.startswith("t3.")}
    assert all(c.status == "unreadable" and c.source.get("uncertain") == "row_order" for c in t3.values())
    assert report.tables["t3"].notes == ["row_order_uncertain"]
    result = check_bytes(doc, "ocr.txt")
    found = findings_of(result, "table.row_order")
    assert len(found) == 1 and found[0]["message"].startswith("表三中行标签与数字分开或残缺")
    assert len(found[0]["cells"]) == 175
    assert not [r for r in rule_ids(result) if r.startswith("arith.t3")]
    assert cells_of(report, "t4") == expected(values, "t4")


def test_cut_off_label_with_an_extra_unplaceable_row_is_uncertain_not_shifted():
    """Numbers after an unrecognised label where the template has no free row: the rows around stay read,
    and no row takes a neighbour's numbers."""
    values = synth_values("2021", 35)
    doc = transcription("2021", values, cut_labels={"denied_internal": "5.属于三类内部"}, detached=False)
    lines = doc.splitlines()
    at = next(i for i, s in enumerate(lines) if s.startswith("5.属于三类内部"))
    lines.insert(at, "（注：部分数据 1 2 3 4 5 6 21")  # a stray annotation row with numbers
    report = report_of("\n".join(lines) + "\n", "ocr.txt")
    unreadable = {k for k, c in report.cells.items() if c.status == "unreadable"}
    assert unreadable == {f"t3.denied_internal.{c}" for c in (
        "natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total")}
    read = {k: c.value for k, c in report.cells.items() if k.startswith("t3.") and k not in unreadable}
    assert read == {k: v for k, v in expected(values, "t3").items() if k not in unreadable}


def test_ocr_misread_number_is_unreadable_not_shifted():
    values = synth_values("2021", 36)
    doc = transcription("2021", values, detached=False)
    row = next(s for s in doc.splitlines() if s.startswith("（一）予以公开"))
    numbers = row.split()[1:]
    garbled = row.replace(f" {numbers[2]} ", f" {numbers[2]}O ".replace("0O", "O0"), 1)
    report = report_of(doc.replace(row, garbled), "ocr.txt")
    cell = report.cells["t3.granted.research"]
    assert cell.status == "unreadable" and cell.value is None
    assert {k: v for k, v in cells_of(report, "t3").items() if k != "t3.granted.research"} == {
        k: v for k, v in expected(values, "t3").items() if k != "t3.granted.research"}


def test_markdown_with_html_tables_and_line_breaks():
    """Some converters write tables as HTML inside the markdown, or break a pipe cell with `<br>`."""
    values = synth_values("2021", 37)
    doc = markdown_report("2021", values).replace("| 行政规范性文件 |", "| 行政规范性<br>文件 |")
    html_t3 = html_table(build_tables("2021", values)["t3"]).replace("\n", "")
    lines = doc.splitlines()
    start = next(i for i, s in enumerate(lines) if "申请人情况" in s)
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    doc = "\n".join(lines[:start] + [html_t3] + lines[end:]) + "\n"
    report = report_of(doc, "converted.md")
    assert {k: c.value for k, c in report.cells.items()} == values
    assert [s.title for s in report.sections][:3] == ["一、总体情况", "二、主动公开政府信息情况",
                                                      "三、收到和处理政府信息公开申请情况"]


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_t2_as_loose_lines_without_captions(version):
    """表二 transcribed as loose `行政许可 97` lines, its 第二十条 captions and 信息内容 headers lost."""
    values = synth_values(version, 38)
    lines = [s for s in build_text(version, values, style="rows", year=YEAR[version]).splitlines()
             if "第二十条" not in s and "信息内容" not in s]
    report = report_of("\n".join(lines) + "\n", "ocr.txt")
    assert cells_of(report, "t2") == expected(values, "t2")
    assert report.tables["t2"].status == "present"


@pytest.mark.parametrize("detached", [False, True])
def test_first_t3_label_misread(detached):
    """OCR misread the first row label (本年新收 → 本年新牧): the table is still found, the row placed by order."""
    values = synth_values("2021", 39)
    doc = transcription("2021", values, detached=detached).replace("本年新收政府信息", "本年新牧政府信息")
    report = report_of(doc, "ocr.txt")
    assert cells_of(report, "t3") == expected(values, "t3")
