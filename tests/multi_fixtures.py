"""Synthetic reports for the checks across reports: consistent figures, and narrative text of our own per seed
(so that two units share a section only when a test makes them)."""

from __future__ import annotations

import html
import random
from pathlib import Path
from typing import Any

from synth import APPLICANTS, build_html, document_blocks, synth_values

WORDS = (
    "深化", "政务公开", "标准化", "规范化", "基层", "网站", "专栏", "解读", "回应", "关切", "申请", "答复", "办理",
    "流程", "制度", "培训", "考核", "督查", "整改", "台账", "平台", "数据", "开放", "政策", "文件", "清理", "发布",
    "听证", "征求意见", "重点领域", "财政预决算", "乡村振兴", "营商环境", "社会救助", "教育", "卫生健康", "生态环境",
    "统筹", "推进", "落实", "完善", "健全", "优化", "加强", "提升", "拓展", "丰富", "创新", "保障", "监督", "群众",
    "企业", "窗口", "热线", "新媒体", "图解", "视频", "问答", "年度", "季度", "专项", "常态化", "长效", "机制",
)


def narrative(seed: int, sentences: int = 6) -> str:
    """Invented Chinese sentences, different for every seed."""
    rng = random.Random(seed)
    return "".join("".join(rng.choice(WORDS) for _ in range(rng.randint(8, 14))) + "。" for _ in range(sentences))


def page(values: dict[str, Any], *, year: int, issuer: str, seed: int, section5: str | None = None,
         published: str | None = None, version: str = "2021") -> str:
    """An HTML report whose narrative paragraphs are replaced by text of `seed` (section 5 by `section5`)."""
    published = published or f"{year + 1}-01-20"
    text = build_html(version, values, year=year, issuer=issuer, published=published)
    section = 0
    for n, (kind, payload) in enumerate(document_blocks(version, values, year=year, issuer=issuer,
                                                        published=published)):
        if kind == "heading":
            section += 1
        if kind != "para":
            continue
        own = section5 if section == 5 and section5 is not None else narrative(seed * 1000 + n)
        text = text.replace(html.escape(payload, quote=False), html.escape(own, quote=False))
    return text


def year_pair(seed: int = 1) -> tuple[dict[str, Any], dict[str, Any]]:
    """Figures of one unit for two consecutive years with A5 holding in every column: this year's 上年结转 is
    last year's 结转下年度 (this year's 新收 adjusted so that A1 still holds)."""
    before = synth_values("2021", seed=seed)
    after = dict(synth_values("2021", seed=seed + 100))
    for col in (*APPLICANTS, "total"):
        carried = before[f"t3.carried_forward.{col}"]
        delta = carried - after[f"t3.carried_over.{col}"]
        after[f"t3.carried_over.{col}"] = carried
        after[f"t3.new_received.{col}"] -= delta
        if after[f"t3.new_received.{col}"] < 0:
            raise ValueError("seed gives a negative count")
    for row in ("regulations", "normative_documents"):
        after[f"t2.{row}.in_force"] = (before[f"t2.{row}.in_force"] + after[f"t2.{row}.issued"]
                                       - after[f"t2.{row}.repealed"])
    return before, after


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
