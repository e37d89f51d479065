"""Document facts: title, report year, issuer and its kind, publication date, document kind."""

from __future__ import annotations

import re
from datetime import date

from gkcheck.extract.normalize import norm
from gkcheck.model import Published, Source

_TITLE_WORDS = ("年度报告", "年报")
_NAVIGATION = ("当前位置", "您现在的位置", "首页", ">", "》》", "→")
_TITLE_START = re.compile(r"^[\u4e00-\u9fff（(《0-9]")
_SUBJECT = ("政府信息公开", "政务公开", "信息公开")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(
    r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|-|—)\s*((?:19|20)\d{2})?\s*年?\s*12\s*月"
)
_ISO = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
_PAGE_DATES = (
    re.compile(r"(发布日期|发布时间|公开日期|发布于)[^0-9\n]{0,10}?" + _ISO),
    re.compile(r"(来源|日期|时间)[^0-9\n]{0,40}?" + _ISO),
)
_SIGNATURE_DATE = re.compile(r"^\s*" + _ISO + r"\s*日?\s*$")
_GOV_SUFFIX = ("人民政府", "政府", "管委会", "管理委员会", "行政公署")
_DEPT_MARKS = ("局", "委", "厅", "办公室", "办公厅", "中心", "院", "署", "处", "所", "站", "办", "部", "会", "队")
_REGION_SUFFIX = ("省", "市", "县", "区", "州", "旗", "镇", "乡", "街道", "自治区", "盟", "实验区", "新区")
LEGACY_MARKS = ("概述", "收费及减免", "指标名称", "计量单位", "咨询处理情况", "历年累计", "依申请公开办理情况")


def _iso(y: str, m: str, d: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def find_title(lines: list[str], meta_title: str | None = None) -> tuple[str | None, int | None]:
    """The report title (joined over two lines when the issuer stands on its own line)."""
    for i, line in enumerate(lines[:20]):
        text = line.strip()
        if not text or len(text) > 70 or text.startswith(("根据", "现将", "按照", "本报告")):
            continue
        if any(m in text for m in _NAVIGATION) or not (_YEAR_IN_TITLE.search(text) or "年度报告" in text):
            continue
        if not _TITLE_START.match(text):
            continue  # markup, file names or list bullets: not a title
        if any(w in text for w in _TITLE_WORDS) and any(s in text for s in _SUBJECT):
            prev = lines[i - 1].strip() if i > 0 else ""
            if prev and len(prev) <= 25 and not any(w in prev for w in _TITLE_WORDS) and \
                    _YEAR_IN_TITLE.match(norm(text)):
                text = prev + text
            return re.sub(r"\s+", "", text), i + 1
    if meta_title and any(w in meta_title for w in _TITLE_WORDS) and any(s in meta_title for s in _SUBJECT):
        return re.sub(r"\s+", "", meta_title), None
    return None, None


def report_year(title: str | None, text: str) -> int | None:
    if title:
        m = _YEAR_IN_TITLE.search(title)
        if m:
            return int(m.group(1))
    m = _PERIOD.search(text)
    return int(m.group(1)) if m else None


def issuer_from_title(title: str | None) -> str | None:
    if not title:
        return None
    m = _YEAR_IN_TITLE.search(title)
    issuer = title[: m.start()] if m else ""
    issuer = issuer.strip(" ：:（(")
    return issuer or None


def issuer_kind(issuer: str | None, text: str = "") -> str:
    """government for a 人民政府 (or a bare region / zone 管委会), department for 局/委/厅/办…"""
    if not issuer:
        return "unknown"
    if issuer.endswith(_GOV_SUFFIX):
        return "government"
    if issuer.endswith(_REGION_SUFFIX) and not any(m in issuer[-6:] for m in _DEPT_MARKS[:6]):
        return "government"
    if any(m in issuer for m in _DEPT_MARKS):
        return "department"
    return "unknown"


def published_date(source: Source, lines: list[str]) -> Published | None:
    """Page metadata (发布日期/来源/日期 lines near the top), then PDF/DOCX metadata, then the signature."""
    meta = source.metadata.get("published", "")
    m = re.search(_ISO, meta)
    if m and (d := _iso(*m.groups())):
        return Published(date=d, source="page")
    for pattern in _PAGE_DATES:
        for line in lines[:25]:
            m = pattern.search(line)
            if m and (d := _iso(*m.groups()[1:])):
                return Published(date=d, source="page")
    if source.metadata.get("created"):
        return Published(date=source.metadata["created"], source=f"{source.format}_metadata")
    for line in reversed([x for x in lines[-12:] if x.strip()]):
        m = _SIGNATURE_DATE.match(line)
        if m and (d := _iso(*m.groups())):
            return Published(date=d, source="signature")
    return None


def deadline(year: int | None, kind: str, issuer_kind_: str) -> str | None:
    """Art. 49: departments by 01-31, governments by 03-31 of the following year; before 2019 all by 03-31."""
    if year is None:
        return None
    if kind == "annual_report" and issuer_kind_ == "department":
        return f"{year + 1}-01-31"
    return f"{year + 1}-03-31"
