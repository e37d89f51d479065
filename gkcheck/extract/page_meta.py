"""Labelled page metadata: the 信息公开目录 header of government pages and the header saved-page tools add.

A government page states its own facts (索引号, 发布机构/发文机关, 成文日期, 公开日期/发布日期, 文号, 标题) as a
`<table>`, as `label：value` lines or as `<meta>` tags. Crawlers, browsers and archive tools add their own
header (采集时间, 保存时间, 打印时间, a source URL, `标题：`/`单位：` lines): those fields are recognised as
wrappers so that they are never taken for the publication date or the issuer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from gkcheck.extract.linescan import lines_with
from gkcheck.model import Grid, Source

HEAD_LINES = 60  # page metadata and saved-page headers stand above the report text
MAX_LABEL_LINE = 200

# role -> labels as printed (letter spacing and a trailing colon are tolerated when matching)
LABELS: dict[str, tuple[str, ...]] = {
    "published": ("公开日期", "发布日期", "发布时间", "公开时间", "信息发布日期", "上网日期", "上网时间",
                  "首发日期", "首发时间", "发布于", "发稿时间", "发稿日期"),
    "written": ("成文日期", "成文时间", "生成日期", "生成时间", "发文日期", "印发日期", "制发日期", "签发日期"),
    "issuer": ("发布机构", "发文机关", "发布单位", "发文单位", "公开机构", "公开单位", "公开主体", "制发机关",
               "制发单位", "发布部门", "信息发布机构", "发文机构", "责任单位", "责任部门"),
    "title": ("标题", "文件名称", "信息名称", "名称", "题名", "文章标题", "公文标题"),
    "docno": ("发文字号", "文号", "文件编号"),
    "index": ("索引号", "信息索引号"),
    "source": ("来源", "信息来源", "文章来源", "稿件来源", "来源单位"),
    "date": ("日期", "时间", "更新时间", "更新日期", "修改时间", "修改日期", "录入时间", "编辑时间"),
    "wrapper_date": ("采集时间", "采集日期", "抓取时间", "抓取日期", "保存时间", "保存日期", "下载时间",
                     "下载日期", "打印时间", "打印日期", "访问时间", "访问日期", "快照时间", "存档时间",
                     "归档时间", "入库时间", "爬取时间", "收录时间", "导出时间", "截取时间", "备份时间"),
    "wrapper": ("单位", "采集单位", "所属单位", "原文链接", "原文地址", "原始链接", "原文网址", "网址", "链接",
                "页面地址", "来源网址", "来源链接", "来源地址", "URL", "采集来源", "站点", "网站", "采集人"),
    "other": ("主题分类", "信息分类", "分类", "体裁分类", "组配分类", "主题词", "关键词", "关键字", "服务对象",
              "有效性", "时效性", "效力状态", "公开方式", "公开范围", "公开时限", "公开形式", "浏览次数", "访问量",
              "点击数", "点击量", "阅读次数", "浏览量", "字号", "字体", "责任编辑", "编辑", "作者", "审核", "校对",
              "内容概述", "内容概要", "摘要", "所属主题", "栏目", "文种", "发布状态", "实施日期", "废止日期",
              "有效期", "主办单位", "承办单位", "协办单位", "网站标识码"),  # site footers name the site owner
}
ROLE_OF = {label: role for role, labels in LABELS.items() for label in labels}
# meta tag name (lower case) -> role
META_TAGS = {
    "pubdate": "published", "publishdate": "published", "firstpublishedtime": "published",
    "articlepublishdate": "published", "publishtime": "published", "article:published_time": "published",
    "contentsource": "issuer_hint", "articletitle": "title", "title": "title", "sitename": "site",
    "columnname": "column", "maketime": "written",
}
_META_NAMES = {"pubdate": "PubDate", "publishdate": "PublishDate", "articlepublishdate": "ArticlePublishDate",
               "publishtime": "PublishTime", "contentsource": "ContentSource", "articletitle": "ArticleTitle",
               "sitename": "SiteName", "columnname": "ColumnName", "maketime": "MakeTime"}

_SEP = "[\\s\u200b]*"
_LABEL_ALT = "|".join(_SEP.join(map(re.escape, lab)) for lab in sorted(ROLE_OF, key=len, reverse=True))
# a label: not inside a longer word, then a colon, a date, or a closing bracket ([发布日期] 2021-01-25); the
# lookahead for a label's first character spares trying every label at every position
_LABEL_RE = re.compile(
    r"(?<![\u4e00-\u9fffA-Za-z])(?=[" + re.escape("".join(sorted({label[0] for label in ROLE_OF}))) + r"])("
    + _LABEL_ALT + r")" + _SEP
    + r"(?:[:：]|[\]】][:：]?|(?=[\s\u200b]*(?:19|20)\d{2}\s*[-/.年]))"
)
# a label alone (spaces removed): in brackets or not, with or without a colon
_BARE_LABELS = {f"{before}{label}{after}{colon}": label for label in ROLE_OF for before in ("", "[", "【")
                for after in ("", "]", "】") for colon in ("", ":", "：")}
# what must follow a label somewhere in a line for `_LABEL_RE` to find it: a colon, a bracket or a date
_AFTER_LABEL = re.compile(r"[:：\]】]|(?:19|20)\d{2}\s*[-/.年]")
# what a line holding a label has: what `_AFTER_LABEL` needs, or (a label alone, `_bare_label`) a label's last
# character ending the line, before spaces and bullets at most; `[^\S\n]` is a space within the line
_MAY_LABEL = (re.compile(r"[:：\]】]"), re.compile(r"(?:19|20)\d{2}[^\S\n]*[-/.年]"),
              re.compile("[" + re.escape("".join(sorted({label[-1] for label in ROLE_OF})))
                         + r"](?:[^\S\n]|[\u200b•·●◆■□▪▶►|])*$", re.M))
_MID_LINE = re.compile(r"[\s|｜\]】)）]$")  # what may stand before a label that does not start its line
_BARE_DATE = re.compile(r"^\s*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
                        r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?[\s|]*$")
_SPACES = re.compile(r"[\s\u200b]+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                      r"\s*([一二三四五六七八九十]{1,3})\s*日")
_CN = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}
_BULLETS = "•·●◆■□▪▶►-—|【】[]（）()<>《》\"'"
_WEBSITE = ("网站", "门户", "本网", "本站", "网页", "客户端", "公众号", "微信", "微博", "新闻网", "在线", ".cn",
            ".com", "http")


@dataclass
class Field:
    """One labelled value found on the page."""

    role: str
    label: str  # as printed, spaces removed (or the <meta> name)
    value: str
    line: int | None  # 0-based index into Source.lines; None for <meta> tags
    origin: str  # text | table | meta


@dataclass
class PageMeta:
    """Every labelled field of the page header, in page order, and the lines they occupy."""

    fields: list[Field] = field(default_factory=list)
    label_lines: set[int] = field(default_factory=set)  # lines that are label:value lines (not title text)
    title_text: dict[int, str] = field(default_factory=dict)  # the text before labels sharing a line with them
    head: int = HEAD_LINES  # lines of the page head (where titles and page metadata stand)

    def first(self, role: str) -> Field | None:
        return next((f for f in self.fields if f.role == role and f.value), None)

    def all(self, role: str) -> list[Field]:
        return [f for f in self.fields if f.role == role and f.value]


def parse_date(text: str) -> str | None:
    """The first calendar date in `text` (2020-03-31, 2020/3/31, 2020年3月31日, 20200331, 二〇二〇年三月三十一日)."""
    for pattern in (_DATE, _CN_DATE, _DATE_COMPACT):
        m = pattern.search(text)
        if m:
            parts = [_cn_int(g) if pattern is _CN_DATE else int(g) for g in m.groups()]
            try:
                return date(*parts).isoformat() if None not in parts else None  # type: ignore[misc]
            except ValueError:
                continue
    return None


def _cn_int(text: str) -> int | None:
    """〇/一…九 digit strings (二〇二〇) and 1–31 written with 十 (三十一)."""
    if "十" not in text:
        digits = [_CN.get(c) for c in text]
        return None if None in digits else int("".join(map(str, digits)))
    tens, _, ones = text.partition("十")
    return (_CN.get(tens, 0) if tens else 1) * 10 + (_CN.get(ones, 0) if ones else 0)


def date_at_start(value: str) -> str | None:
    """A date standing at the start of a labelled value (`2021-06-09 08:48`, `：2020年3月31日`)."""
    value = value.lstrip(" \t:：[]【】()（）")
    m = _DATE.match(value) or _CN_DATE.match(value) or _DATE_COMPACT.match(value)
    return parse_date(m.group(0)) if m else None


def organisation(value: str) -> str | None:
    """An organisation name from a labelled value: the first token, unless it is a website or a URL."""
    value = _URL.sub(" ", value).strip(" \t:：" + _BULLETS)
    token = _SPACES.split(value, maxsplit=1)[0] if value else ""
    token = token.strip(_BULLETS + "，,;；。")
    if len(token) < 2 or len(token) > 40 or any(w in token for w in _WEBSITE) or _DATE.search(token):
        return None
    if not re.search(r"[\u4e00-\u9fff]{2}", token):
        return None
    return token


def split_fields(text: str, line: int | None, origin: str) -> list[Field]:
    """Every `label：value` pair of one line (several may share it)."""
    if len(text) > MAX_LABEL_LINE:
        return []
    found = list(_LABEL_RE.finditer(text))
    out: list[Field] = []
    for i, m in enumerate(found):
        label = _SPACES.sub("", m.group(1))
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        value = text[m.end():end].strip(" \t|[]【】\u3000")
        out.append(Field(ROLE_OF[label], label, value, line, origin))
    return out


def _label_only(field_: Field) -> bool:
    return not field_.value.strip(" \t:：|" + _BULLETS)


def label_start(text: str) -> int | None:
    """Where the first label of a line starts: at its beginning (after bullets), or after a title and a space."""
    if len(text) > MAX_LABEL_LINE or not _AFTER_LABEL.search(text):
        return None
    m = _LABEL_RE.search(text)
    if not m:
        return None
    before = text[: m.start()]
    if not before.strip(" \t" + _BULLETS):
        return 0
    return m.start() if _MID_LINE.search(before) and len(text) <= 120 else None


@lru_cache(maxsize=4096)  # pure; table cells and short lines (template labels, menus) repeat across pages
def _bare_label(text: str) -> str | None:
    return _BARE_LABELS.get(_SPACES.sub("", text.strip(" \t•·●◆■□▪▶►|")))


def _grid_lines(grid: Grid) -> list[str]:
    """Rows of a small table as `label：value | label：value` lines (merged cells once, bare labels get a colon);
    a row of labels over a row of values is read column by column."""
    rows: list[list[str]] = []
    for row in grid.rows:
        cells: list[str] = []
        for cell in row:
            text = cell.strip()
            if not text or (cells and cells[-1].rstrip("：") == text.rstrip(":：")):
                continue
            bare = _bare_label(text)
            cells.append(bare + "：" if bare else text)
        rows.append(cells)

    def labels_only(cells: list[str]) -> bool:
        return len(cells) > 1 and all(c.endswith("：") and _bare_label(c) for c in cells)

    out: list[str] = []
    for r, cells in enumerate(rows):
        below = rows[r + 1] if r + 1 < len(rows) else []
        if labels_only(cells) and len(below) == len(cells) and not any(_bare_label(c) for c in below):
            out.append(" | ".join(a + b for a, b in zip(cells, below)))
        elif not (r > 0 and labels_only(rows[r - 1]) and len(rows[r - 1]) == len(cells)):
            out.append(" | ".join(cells))
    return out


def head_end(lines: list[str], wanted: int = HEAD_LINES, cap: int = 400) -> int:
    """The end of the page head: `wanted` lines of substance (menu items and other short lines do not count)."""
    seen = 0
    for i, line in enumerate(lines[:cap]):
        if len(line) > 12 and len(line.strip()) > 12:  # most lines are short: no copy made of them
            seen += 1
            if seen >= wanted:
                return i + 1
    return min(len(lines), cap)


def read_page_meta(source: Source) -> PageMeta:
    """Labelled fields from `<meta>` tags, small header tables and the label lines at the top of the page."""
    page = PageMeta()
    for key, value in source.metadata.items():
        if key.startswith("meta:") and value.strip():
            name = key[5:]
            if name in META_TAGS:
                page.fields.append(Field(META_TAGS[name], _META_NAMES.get(name, name), value.strip(), None, "meta"))
    lines = source.lines
    page.head = limit = head_end(lines)
    for grid in source.tables:
        if len(grid.rows) > 12 or grid.line > limit:
            continue
        for text in _grid_lines(grid):
            page.fields.extend(split_fields(text, grid.line, "table"))
    skip_to = 0  # lines before it were read as the value of a label above them
    for i in lines_with(_MAY_LABEL, lines[:limit]):
        if i >= skip_to:
            skip_to = _read_line(page, lines, i)
    return page


def _read_line(page: PageMeta, lines: list[str], i: int) -> int:
    """The label fields of line `i` (with the next line when it holds a label's value); returns the next line
    to read."""
    text = lines[i]
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    bare = _bare_label(text) if len(text) <= 24 else None
    if bare and nxt.strip() and label_start(nxt) is None and len(nxt) <= 80:
        # a label alone on its line (a table cell or block of its own), its value on the next line
        page.fields.append(Field(ROLE_OF[bare], bare, nxt.strip(), i, "text"))
        page.label_lines.update((i, i + 1))
        return i + 2
    start = label_start(text)
    if start is None:
        return i + 1
    found = split_fields(text[start:], i, "text")
    if start and _BARE_DATE.match(text[:start]):
        # an info bar led by an unlabelled date: `2021-01-29 16:30  来源：示例局`
        found.insert(0, Field("date", "日期", text[:start].strip(), i, "text"))
        page.label_lines.add(i)
    elif start:
        page.title_text[i] = text[:start]
    else:
        page.label_lines.add(i)
    page.fields.extend(found)
    if found and _label_only(found[-1]) and nxt.strip() and label_start(nxt) is None and len(nxt) <= 80:
        found[-1].value = nxt.strip()
        page.label_lines.add(i + 1)
        return i + 2
    return i + 1
