"""table_complete: every template cell of a present table is filled with a readable number."""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.rulepack import Rule
from gkcheck.templates import TABLE_TITLES

KIND = "table_complete"
FIELDS = frozenset({"cells", "count", "problem", "table_title"})
PROBLEMS = (("blank", "为空白（或“—”“/”“无”）"), ("unreadable", "无法识别为数字"), ("missing", "未找到"))
MAX_LISTED = 12


def check(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for name in rule.params.get("tables", ["t2", "t3", "t4"]):
        if not ctx.present(name):
            continue
        by_status: dict[str, list[str]] = {"blank": [], "unreadable": [], "missing": []}
        for address in ctx.table(name).addresses:
            cell = ctx.report.cells.get(address)
            status = "missing" if cell is None else cell.status
            if cell is not None and cell.source.get("uncertain"):
                continue  # reported by the rule that explains the uncertainty (table_note)
            if status in by_status:
                by_status[status].append(address)
        for status, text in PROBLEMS:
            cells = by_status[status]
            if not cells:
                continue
            shown = "、".join(cells[:MAX_LISTED]) + (f" 等{len(cells)}个" if len(cells) > MAX_LISTED else "")
            out.append(ctx.finding(rule, {"table_title": TABLE_TITLES[name], "count": len(cells),
                                          "problem": text, "cells": shown}, cells=cells))
    return out
