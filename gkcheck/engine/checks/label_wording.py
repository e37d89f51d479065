"""label_wording: a table row label worded unlike the template (still mapped to its row)."""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.labels import TABLE_SHORT_NAMES
from gkcheck.rulepack import Rule

KIND = "label_wording"
FIELDS = frozenset({"expected", "found", "location", "row", "table_title"})


def check(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for name, info in ctx.report.tables.items():
        for dev in info.label_deviations:
            out.append(ctx.finding(rule, {"table_title": TABLE_SHORT_NAMES[name], **dev},
                                   location=dev.get("location")))
    return out
