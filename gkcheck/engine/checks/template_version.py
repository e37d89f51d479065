"""template_version: each table uses the layout the report year requires (2021 tables from 2021 on)."""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.rulepack import Rule
from gkcheck.templates import TABLE_TITLES, load_template

KIND = "template_version"
FIELDS = frozenset({"detail", "expected", "expected_title", "found", "table_title", "year"})


def expected_version(rule: Rule, year: int | None) -> str | None:
    if year is None:
        return None
    for item in rule.params.get("expect", []):
        years = item["years"]
        if years.get("min", -1) <= year <= years.get("max", 9999):
            return item["template"]
    return None


def check(rule: Rule, ctx: Context) -> list[Finding]:
    year = ctx.report.document.year
    expected = expected_version(rule, year)
    if expected is None:
        return []
    out: list[Finding] = []
    for name in rule.params.get("tables", ["t2", "t3"]):
        info = ctx.report.tables.get(name)
        if not info or info.status not in ("present", "blank") or info.template in (None, expected):
            continue
        out.append(ctx.finding(rule, {
            "table_title": TABLE_TITLES[name], "found": info.template, "expected": expected, "year": year,
            "detail": f"（{ctx.table(name).layout}）" if ctx.table(name).layout else "",
            "expected_title": load_template(expected).title,
        }, location=info.location))
    return out
