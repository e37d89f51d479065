"""template_version: each table uses the layout the report year requires (2021 tables from 2021 on)."""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.rulepack import Rule
from gkcheck.templates import TABLE_TITLES, load_template

KIND = "template_version"
DETAILS = {
    ("t3", "2019"): "（“（六）其他处理”只有一行，缺少2021版的三个细分行）",
    ("t3", "2021"): "（“（六）其他处理”分为三个细分行）",
    ("t2", "2019"): "（“本年新制作数量/本年新公开数量/对外公开总数量”等2019版栏目）",
    ("t2", "2021"): "（“本年制发件数/本年废止件数/现行有效件数”等2021版栏目）",
}


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
            "detail": DETAILS.get((name, info.template), ""), "expected_title": load_template(expected).title,
        }, location=info.location))
    return out
