"""scorecard.xlsx: the batch as a workbook a supervisor can sort, filter and hand on.

Sheets 单位排名 (ranking with category scores and each unit's main problems), 问题明细 (one row per finding)
and 规则统计 (per rule, how many units fail it); Chinese headers, frozen header row, filters, column widths.
Every text is stored as text (never as a formula), whatever it starts with.
"""

from __future__ import annotations

import contextlib
import io
import unicodedata
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gkcheck.labels import SEVERITY_LABELS
from gkcheck.render.summary import CATEGORY_LABELS, FINDING_COLUMNS, BatchSummary

HEADER_FILL = PatternFill("solid", fgColor="DDE4EA")
ERROR_FILL = PatternFill("solid", fgColor="FDECEA")
WARNING_FILL = PatternFill("solid", fgColor="FEF5E7")
SEVERITY_FILLS = {SEVERITY_LABELS["error"]: ERROR_FILL, SEVERITY_LABELS["warning"]: WARNING_FILL}
MAX_WIDTH = {"主要问题": 60, "问题": 70, "修改建议": 50, "文件": 40, "说明": 40, "规则名称": 30}
WRAPPED = {"主要问题", "问题", "修改建议", "说明"}
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


class _StyledCell(Cell):
    """A cell with a style, for a streamed sheet. openpyxl takes such a cell through a failed conversion whose
    error message shows the cell; a short text keeps that cheap for the thousands of styled cells of a batch."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<cell>"


def _styled(ws: Any, value: Any) -> _StyledCell:
    cell = _StyledCell(ws, row=1, column=1, value=value)
    if isinstance(value, str) and value:
        cell.data_type = "s"  # never a formula or an error code, even when the text starts with "=" or "#"
    return cell


def _cell(ws: Any, value: Any, header: str = "", *, number_format: str | None = None,
          fill: PatternFill | None = None) -> Any:
    """One cell of a streamed sheet; text is stored as text (never a formula), wrapped where the column wraps.
    A cell without a style is handed over as its plain value (openpyxl converts it the same way, faster)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value) or None
    number_format = number_format if number_format and isinstance(value, (int, float)) else None
    wrap = header in WRAPPED
    if not (wrap or number_format or fill) and not (isinstance(value, str) and (value[0] in "=#")):
        return value
    cell = _styled(ws, value)
    if wrap:
        cell.alignment = WRAP
    if number_format:
        cell.number_format = number_format
    if fill is not None:
        cell.fill = fill
    return cell


def _sheet(ws: Any, headers: list[str], rows: Iterable[list[Any]], count: int,
           formats: dict[int, str] | None = None, fill_column: int = 0) -> None:
    """Write a sheet of `count` rows row by row (openpyxl's streaming mode: memory does not grow with the rows):
    bold header, frozen header row, filters, column widths from the first rows. With `fill_column`, a row's
    severity (its value in that column) colours that cell."""
    rows = iter(rows)
    first = list(islice(rows, 500))
    for col, header in enumerate(headers, start=1):
        longest = max([_width(header)] + [_width(str(v[col - 1])) for v in first if v[col - 1] is not None])
        ws.column_dimensions[get_column_letter(col)].width = min(MAX_WIDTH.get(header, 24), max(6, longest + 2))
    ws.freeze_panes = "B2" if headers[:2] in (["排名", "单位"], ["单位", "文件"]) else "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, count + 1)}"
    head = []
    for header in headers:
        cell = _styled(ws, header)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, HEADER_ALIGN
        head.append(cell)
    ws.append(head)
    formats = formats or {}
    for values in chain(first, rows):
        fill = SEVERITY_FILLS.get(values[fill_column - 1]) if fill_column else None
        ws.append([_cell(ws, value, headers[c], number_format=formats.get(c + 1),
                         fill=fill if c + 1 == fill_column else None) for c, value in enumerate(values)])


def _ranking(summary: BatchSummary) -> tuple[list[str], Iterator[list[Any]]]:
    categories = summary.category_columns()
    headers = (["排名", "单位", "类型", "年度", "得分"] + [label for _, label in categories]
               + ["错误数", "警告数", "提示数", "主要问题", "是否按时", "发布日期", "文件", "说明"])

    def rows() -> Iterator[list[Any]]:
        for unit in summary.unit_rows():
            note = "；".join(n for n in (unit.error and f"无法检查：{unit.error}", unit.reason, unit.note,
                                         unit.dismissed and f"{unit.dismissed} 项问题已按复核决定排除") if n)
            yield ([int(unit.rank) if unit.rank else None, unit.unit, unit.kind, unit.year, unit.score]
                   + [unit.categories.get(key) for key, _ in categories]
                   + [unit.counts["error"], unit.counts["warning"], unit.counts["info"],
                      "；".join(unit.problems), unit.timeliness, unit.published, unit.file, note])

    return headers, rows()


def _rules(summary: BatchSummary) -> tuple[list[str], list[list[Any]]]:
    checked = summary.totals()["checked"] or 1
    headers = ["规则编号", "规则名称", "严重程度", "类别", "不符合的单位数", "占已检查单位", "问题条数"]
    rows = [[r.rule, r.title, SEVERITY_LABELS.get(r.severity, r.severity), CATEGORY_LABELS.get(r.category, r.category),
             r.units, round(r.units / checked, 3), r.findings] for r in summary.rule_rows()]
    return headers, rows


def render_workbook(summary: BatchSummary) -> bytes:
    """The workbook as .xlsx bytes."""
    book = Workbook(write_only=True)
    try:
        return _write(book, summary)
    except BaseException:  # Ctrl-C or an error while the rows are made: nothing is saved
        _abandon(book)
        raise


def _abandon(book: Workbook) -> None:
    """Finish and remove the temporary files of a workbook that will not be saved (openpyxl would otherwise
    complain when its half-written sheets are collected, and keep their files until the process ends)."""
    for ws in book.worksheets:
        with contextlib.suppress(Exception):
            if not ws.closed:
                ws.close()
        with contextlib.suppress(Exception):
            if ws._writer is not None:  # noqa: SLF001 - openpyxl has no public way to drop a sheet's file
                ws._writer.cleanup()  # noqa: SLF001


def _write(book: Workbook, summary: BatchSummary) -> bytes:
    headers, rows = _ranking(summary)
    labels = {"得分", *dict(summary.category_columns()).values()}
    _sheet(book.create_sheet("单位排名"), headers, rows, len(summary),
           formats={i: "0.0" for i, h in enumerate(headers, start=1) if h in labels})
    _sheet(book.create_sheet("问题明细"), list(FINDING_COLUMNS), (row.values() for row in summary.finding_rows()),
           summary.finding_count(), fill_column=3)
    headers, rule_rows = _rules(summary)
    _sheet(book.create_sheet("规则统计"), headers, rule_rows, len(rule_rows), formats={6: "0.0%"})
    book.properties.creator = "gkcheck"
    book.properties.title = "政府信息公开工作年度报告检查汇总"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
