"""table_note: a remark the extraction attached to a table (e.g. its column mapping is uncertain).

The cells the remark concerns are those whose source names it (`source["uncertain"]`), listed in the message.
"""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.labels import TABLE_SHORT_NAMES
from gkcheck.rulepack import Rule
from gkcheck.templates import TABLE_TITLES

KIND = "table_note"
FIELDS = frozenset({"cells", "count", "table_name", "table_title"})
MAX_LISTED = 12


def check(rule: Rule, ctx: Context) -> list[Finding]:
    note, reason = rule.params["note"], rule.params.get("reason")
    out: list[Finding] = []
    for name in rule.params.get("tables", ["t2", "t3", "t4"]):
        info = ctx.report.tables.get(name)
        if not info or note not in info.notes:
            continue
        cells = [a for a, c in ctx.report.cells.items() if a.startswith(f"{name}.") and reason
                 and c.source.get("uncertain") == reason]
        shown = "、".join(cells[:MAX_LISTED]) + (f" 等{len(cells)}个" if len(cells) > MAX_LISTED else "")
        out.append(ctx.finding(rule, {"table_title": TABLE_TITLES[name], "table_name": TABLE_SHORT_NAMES[name],
                                      "count": len(cells), "cells": shown or "无"},
                               cells=cells, location=info.location))
    return out
