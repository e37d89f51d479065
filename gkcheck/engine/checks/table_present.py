"""table_present: each statistics table is in the text — not missing, not only referenced, not an image."""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.rulepack import Rule
from gkcheck.templates import TABLE_TITLES

KIND = "table_present"
FIELDS = frozenset({"status", "status_text", "table_title"})
STATUS_TEXT = {
    "absent": "报告中没有这张表，相关数据无法核验。",
    "referenced": "只在「{reference}」中作为附件引用，正文没有该表，数据无法核验。",
    "image": "以图片形式提供（或所在页面只有图像），无法核验其中的数据。",
    "blank": "表格未填写（所有数值单元格均为空）。",
}


def check(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for name in rule.params.get("tables", ["t2", "t3", "t4"]):
        info = ctx.report.tables.get(name)
        status = info.status if info else "absent"
        if status == "present":
            continue
        text = STATUS_TEXT[status].replace("{reference}", (info.reference or "") if info else "")
        out.append(ctx.finding(rule, {"table_title": TABLE_TITLES[name], "status_text": text, "status": status},
                               location=info.location if info else None))
    return out
