"""label_wording: a table row label worded unlike the template (still mapped to its row)."""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.rulepack import Rule
from gkcheck.templates import TABLE_TITLES

KIND = "label_wording"


def check(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for name, info in ctx.report.tables.items():
        for dev in info.label_deviations:
            out.append(ctx.finding(rule, {"table_title": TABLE_TITLES[name].split(" ")[0], **dev},
                                   location=dev.get("location")))
    return out
