"""Document kind: a post-2019 annual report, a pre-2019 one, or a document that only looks like a report."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from gkcheck.extract import metadata as meta
from gkcheck.extract.lookalike import CHECKER_WORDS, REASONS, lookalike_class
from gkcheck.extract.normalize import lines_may_hold, norm
from gkcheck.extract.page_meta import PageMeta

_SENTENCE = re.compile("[。，,；]")
_NUMBERED = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]|第[一二三四五六七八九十\d]{1,3}[部章节条])")
_FIELD_LINE = re.compile(r"^[^：:]{1,8}[：:]")  # `类型：…`, `模板：…`: a field of some listing, not a heading
_QUOTED = re.compile(r"《([^《》]{8,70})》")
# the title of a collection names the collection, not one unit's report
_COLLECTIVE = re.compile(r"汇编|汇总|选编|合集|目录|清单|一览|名录|列表|索引|所属|^各"
                         r"|各(?:部门|单位|地|区|县|市|乡|镇|街道|级)")
QUOTING = ("collection", "quotes", "checker")  # bases of a not-report verdict that rest on reports it quotes


class Kind(NamedTuple):
    """The kind decision: kind, one-line reason in Chinese, and what it rests on (a REASONS key for look-alikes,
    `title` or `content` otherwise)."""

    kind: str
    reason: str
    basis: str


@dataclass
class KindInput:
    """What the kind decision rests on."""

    title: str | None
    title_line: int | None  # 1-based
    year: int | None
    issuer: str | None
    sections_found: int  # template sections found with a heading number
    table_status: dict[str, str]  # status of each table found: present | blank
    lines: list[str]
    page: PageMeta


def find_heading(lines: list[str], page: PageMeta) -> tuple[str | None, int | None]:
    """The first look-alike heading among the top lines (or the page's stated title): text and 1-based line."""
    for f in page.all("title"):
        if f.origin != "text" and lookalike_class(meta.clean_heading(f.value)):
            return meta.clean_heading(f.value), None
    for i, line in enumerate(lines[: page.head]):
        if i in page.label_lines:
            f = next((x for x in page.all("title") if x.line == i and x.origin == "text"), None)
            text = meta.clean_heading(f.value) if f else ""
        else:
            text = meta.clean_heading(page.title_text.get(i, line))
        if len(text) > 90 or _SENTENCE.search(text):
            break  # the body has begun
        if text and lookalike_class(text) and not text.endswith(("：", ":")) and not _NUMBERED.match(text) \
                and not _FIELD_LINE.match(text):
            return text, i + 1
    return None, None


def _full_report(inp: KindInput) -> bool:
    """The report's own body: template sections and filled statistics tables."""
    present = sum(1 for s in inp.table_status.values() if s == "present")
    return inp.sections_found >= 4 and present >= 2


def _quoted_reports(lines: list[str]) -> list[str]:
    """Distinct report titles (by year and issuer) quoted or standing as lines anywhere in the document."""
    seen: dict[tuple[int | None, str | None], str] = {}
    for i in lines_may_hold("报", lines):  # every report title has it
        line = lines[i]
        texts = _QUOTED.findall(line) if "《" in line else []
        if len(line) <= 80:
            texts.append(meta.clean_heading(line))
        for text in texts:
            if meta.is_report_title(text):
                key = (meta.report_year(text, ""), meta.issuer_from_title(text))
                seen.setdefault(key, text)
    return list(seen.values())


MANY_UNITS = 3  # reports of this many different units in one document: a collection or comparison, not a report


def _checker_output(inp: KindInput) -> tuple[str, str] | None:
    """A comparison or audit of reports: checker vocabulary together with several distinct reports quoted, or
    without any report title of its own; or, in any language, the reports of several different units without a
    report body of its own (a page's links to its own unit's other years never count). Returns (reason key,
    what to name)."""
    quoted = _quoted_reports(inp.lines)
    units = {meta.issuer_from_title(t) for t in quoted} - {None}
    if len(units) >= MANY_UNITS and not _full_report(inp):
        return "collection", "、".join(quoted[:2])
    if len(quoted) < 2 and (inp.title is not None or "present" in inp.table_status.values()):
        return None  # neither verdict below can apply, whatever words the text uses
    text = "\n".join(inp.lines)
    words = [w for w in CHECKER_WORDS if w in text]
    if len(words) < 3:
        return None
    if len(quoted) >= 2:
        return "quotes", "、".join(quoted[:2])
    if inp.title is None and "present" not in inp.table_status.values():
        return "checker", "”“".join(words[:3])  # a report that lost its title still has its filled tables
    return None


def classify(inp: KindInput) -> Kind:
    """The document's kind, why, and what the verdict rests on."""
    heading, heading_line = find_heading(inp.lines, inp.page)
    cls = lookalike_class(heading) if heading else None
    title_first = inp.title_line is not None and heading_line is not None and inp.title_line < heading_line
    if cls and not title_first:
        keep = _full_report(inp) and cls in ("letter", "work_points", "budget")
        if not keep:
            return Kind("not_annual_report", REASONS[cls].format(h=heading), cls)
    checker = _checker_output(inp)
    if checker:
        return Kind("not_annual_report", REASONS[checker[0]].format(h=checker[1]), checker[0])
    statuses = list(inp.table_status.values())
    if statuses and all(s == "blank" for s in statuses) and inp.issuer is None:
        return Kind("not_annual_report", REASONS["blank"], "blank")
    return _by_content(inp)


def _by_content(inp: KindInput) -> Kind:
    if inp.title:
        if inp.year is not None and inp.year <= 2018:
            return Kind("legacy_annual_report",
                        f"标题为{inp.year}年度报告，属于2019年修订《条例》施行前的旧格式年报", "title")
        return Kind("annual_report", f"标题为「{inp.title}」", "title")
    if inp.table_status or inp.sections_found >= 4:
        return Kind("annual_report", "未找到年度报告标题，但包含年度报告模板的章节或表格", "content")
    text = "\n".join(inp.lines)
    if inp.sections_found >= 3 and sum(1 for m in meta.LEGACY_MARKS if m in text) >= 2:
        return Kind("legacy_annual_report", "未找到标题，但章节与附表具有2019年前旧格式年报的特征", "content")
    return Kind("not_annual_report", "没有“政府信息公开工作年度报告”标题，也没有年度报告模板的章节或统计表格",
                "content")


def own_title(kind: Kind, title: str | None) -> str | None:
    """The report title found, when it is the document's own: for a look-alike, report titles in its text are
    quoted material. A letter, notice, budget, work-points or audit document is headed by its look-alike
    heading, so a report title in it names some report it is about; a collection or comparison quotes
    several reports, and a title of one unit's report is one of them — only a title naming the collection
    itself (汇编, 目录, 各部门 …) is its own. A blank template's report title is its own heading."""
    if kind.kind != "not_annual_report" or kind.basis == "blank":
        return title
    if kind.basis in ("collection", "quotes") and title and _COLLECTIVE.search(norm(title)):
        return title
    return None


def own_issuer(title: str | None, kind: Kind) -> str | None:
    """The issuer a look-alike's own title states (a collection's title may name only a group: 各部门)."""
    issuer = meta.issuer_from_title(title)
    if issuer and kind.basis in QUOTING and not meta.looks_like_org(issuer):
        return None
    return issuer
