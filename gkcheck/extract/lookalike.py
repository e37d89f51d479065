"""Headings of documents that only look like annual reports: letters, work points, budgets, templates, audits."""

from __future__ import annotations

import re
from functools import lru_cache

from gkcheck.extract.normalize import norm

# (class, pattern over the normalised heading); the first matching class names the document
_CLASSES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("audit", re.compile(r"(比对|对比|核查|核对|审核|审查|检查|评查|测评|评估|校验|复核|勾稽)"
                         r"(结果|报告|意见|情况|清单|说明|记录|表|明细)|问题清单|比对|对比分析")),
    ("template", re.compile(r"报告格式|格式模板|模板|样表|样式|范本|填报说明|参考格式|格式\(试行\)|编制说明")),
    ("budget", re.compile(r"预算|决算|三公经费")),
    ("letter", re.compile(r"^(.{0,40}关于.+的(函|复函|通知|通报|请示|批复|意见|决定|公告|通告)|印发|转发)"
                          r"|(的函|的通知|的通报|的批复)$")),
    ("work_points", re.compile(r"工作要点|要点落实|落实情况|任务分解|实施方案|工作方案|工作计划|工作总结|进展情况"
                               r"|自查报告|自查情况|整改报告|整改情况|工作汇报|情况汇报")),
)

REASONS = {
    "audit": "「{h}」是对年度报告的比对或审核结果，引用了报告内容，本身不是一份年度报告",
    "template": "「{h}」是年度报告的格式模板，不是某一机关填写的年度报告",
    "budget": "「{h}」是部门预算或决算公开材料，不是政府信息公开工作年度报告",
    "letter": "「{h}」是有关政府信息公开工作的函件或通知，不是年度报告",
    "work_points": "「{h}」是政务公开工作要点、方案或落实情况材料，不是年度报告",
    "blank": "统计表全部未填写，也没有发布机关，是未填写的年度报告格式模板",
    "checker": "文中是对年度报告的检查或比对结果（含“{h}”等核查用语），没有年度报告自己的标题，本身不是一份年度报告",
    "collection": "文中列出了多个不同机关的年度报告（{h}等），是汇编、比对或审核材料，本身不是一份年度报告",
    "quotes": "文中引用了多份不同的年度报告（{h}），并含比对、核查用语，是比对或审核材料，本身不是一份年度报告",
}

# vocabulary of a checker's comparison or audit output (a real report rarely uses three of these)
CHECKER_WORDS = ("比对", "对比", "勾稽", "不一致", "应为", "单元格", "校验", "核对结果", "问题清单", "审核意见", "疑似",
                 "错填", "漏填", "逻辑关系", "最可能出错", "检查结果")


@lru_cache(maxsize=16384)  # pure; the same headings are asked about several times
def lookalike_class(heading: str) -> str | None:
    """The look-alike class of a document heading, or None for anything else (including real report titles)."""
    text = norm(heading)
    if not text or len(text) > 90:
        return None
    for name, pattern in _CLASSES:
        if pattern.search(text):
            return name
    return None
