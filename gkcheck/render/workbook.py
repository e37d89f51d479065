"""scorecard.xlsx: the batch as a workbook a supervisor can sort, filter and hand on.

Sheets 单位排名 (ranking with category scores and each unit's main problems), 问题明细 (one row per finding)
and 规则统计 (per rule, how many units fail it); Chinese headers, frozen header row, filters, column widths.
Every text is stored as text (never as a formula), whatever it starts with.
"""

from __future__ import annotations

import io
import unicodedata
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gkcheck.labels import SEVERITY_LABELS
from gkcheck.render.summary import CATEGORY_LABELS, FINDING_COLUMNS, BatchSummary

HEADER_FILL = PatternFill("solid", fgColor="DDE4EA")
ERROR_FILL = PatternFill("solid", fgColor="FDECEA")
WARNING_FILL = PatternFill("solid", fgColor="FEF5E7")
MAX_WIDTH = {"主要问题": 60, "问题": 70, "修改建议": 50, "文件": 40, "说明": 40, "规则名称": 30}
WRAPPED = {"主要问题", "问题", "修改建议", "说明"}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _put(ws: Worksheet, row: int, col: int, value: Any) -> None:
    cell = ws.cell(row=row, column=col)
    if value is None or value == "":
        return
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, even when the text starts with "="


def _sheet(ws: Worksheet, headers: list[str], rows: list[list[Any]]) -> None:
    for col, header in enumerate(headers, start=1):
        _put(ws, 1, col, header)
        cell = ws.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    wrapped = {c for c, h in enumerate(headers, start=1) if h in WRAPPED}
    model = ws.cell(row=1, column=len(headers) + 1)  # styled once; its style array is copied (no style lookups)
    model.alignment = Alignment(wrap_text=True, vertical="top")
    wrap_style = copy(model._style)
    ws._cells.pop((1, len(headers) + 1), None)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            _put(ws, r, c, value)
            if c in wrapped:
                ws.cell(row=r, column=c)._style = copy(wrap_style)
    ws.freeze_panes = "B2" if headers[:2] in (["排名", "单位"], ["单位", "文件"]) else "A2"
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
    for col, header in enumerate(headers, start=1):
        longest = max([_width(header)] + [_width(str(v[col - 1])) for v in rows[:500] if v[col - 1] is not None])
        ws.column_dimensions[get_column_letter(col)].width = min(MAX_WIDTH.get(header, 24), max(6, longest + 2))


def _ranking(summary: BatchSummary) -> tuple[list[str], list[list[Any]]]:
    categories = summary.category_columns()
    headers = (["排名", "单位", "类型", "年度", "得分"] + [label for _, label in categories]
               + ["错误数", "警告数", "提示数", "主要问题", "是否按时", "发布日期", "文件", "说明"])
    rows = []
    for unit in summary.unit_rows():
        note = "；".join(n for n in (unit.error and f"无法检查：{unit.error}", unit.reason, unit.note,
                                     unit.dismissed and f"{unit.dismissed} 项问题已按复核决定排除") if n)
        rows.append([int(unit.rank) if unit.rank else None, unit.unit, unit.kind, unit.year, unit.score]
                    + [unit.categories.get(key) for key, _ in categories]
                    + [unit.counts["error"], unit.counts["warning"], unit.counts["info"],
                       "；".join(unit.problems), unit.timeliness, unit.published, unit.file, note])
    return headers, rows


def _rules(summary: BatchSummary) -> tuple[list[str], list[list[Any]]]:
    checked = summary.totals()["checked"] or 1
    headers = ["规则编号", "规则名称", "严重程度", "类别", "不符合的单位数", "占已检查单位", "问题条数"]
    rows = [[r.rule, r.title, SEVERITY_LABELS.get(r.severity, r.severity), CATEGORY_LABELS.get(r.category, r.category),
             r.units, round(r.units / checked, 3), r.findings] for r in summary.rule_rows()]
    return headers, rows


def render_workbook(summary: BatchSummary) -> bytes:
    """The workbook as .xlsx bytes."""
    book = Workbook()
    ranking = book.active
    ranking.title = "单位排名"
    headers, rows = _ranking(summary)
    _sheet(ranking, headers, rows)
    labels = {"得分", *dict(summary.category_columns()).values()}
    scores = [i for i, h in enumerate(headers, start=1) if h in labels]
    for r in range(2, len(rows) + 2):
        for c in scores:
            ranking.cell(row=r, column=c).number_format = "0.0"
    details = book.create_sheet("问题明细")
    rows = [row.values() for row in summary.finding_rows]
    _sheet(details, list(FINDING_COLUMNS), rows)
    for r, row in enumerate(summary.finding_rows, start=2):
        fill = {"error": ERROR_FILL, "warning": WARNING_FILL}.get(row.severity)
        if fill is not None:
            details.cell(row=r, column=3).fill = fill
    rules = book.create_sheet("规则统计")
    headers, rule_rows = _rules(summary)
    _sheet(rules, headers, rule_rows)
    for r in range(2, len(rule_rows) + 2):
        rules.cell(row=r, column=6).number_format = "0.0%"
    book.properties.creator = "gkcheck"
    book.properties.title = "政府信息公开工作年度报告检查汇总"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
