"""Document facts: title, report year, issuer and its kind, deadline.

The title is the report's own heading line (joined when broken over two lines, read through markdown `#`,
saved-page `标题：` labels and browser print headers); the issuer is taken from the title, else from the
page's 发布机构/发文机关, the signature (落款) or the page's content source — never from a wrapper line.
"""

from __future__ import annotations

import re
from functools import lru_cache

from gkcheck.extract.garbled_date import garbled_date
from gkcheck.extract.lookalike import lookalike_class
from gkcheck.extract.normalize import lines_may_hold, norm
from gkcheck.extract.page_meta import HEAD_LINES, PageMeta, organisation, parse_date

_TITLE_WORDS = re.compile(r"年度报告|年报|年度.{0,12}工作报告$|年度.{0,16}(公开|工作)报告$")
_NAVIGATION = ("当前位置", "您现在的位置", "您的位置", "首页>", ">", "》》", "→", "上一篇", "下一篇", "相关链接",
               "相关阅读", "相关文章", "附件")
_BODY_START = ("根据", "现将", "按照", "本报告", "依据", "为贯彻", "为深入", "为进一步", "为做好", "现就", "对照")
_SUBJECTS = ("政府信息公开", "政务公开", "信息公开")
_CN_YEAR = r"[〇○零一二][〇○零一二三四五六七八九]{3}"
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2}|" + _CN_YEAR + r")\s*年")
_PERIOD = re.compile(
    r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|-|—)\s*((?:19|20)\d{2})?\s*年?\s*12\s*月"
)
_MARKUP = re.compile(r"^(?:#{1,6}\s*|>\s*|[-*+]\s+|\*\*|__)+|(?:\*\*|__)$")
_PRINT_STAMP = re.compile(  # a browser's print header: 2025/1/10 10:15 before the page title
    r"^\s*(?:19|20)\d{2}[/-]\d{1,2}[/-]\d{1,2}\s*(?:(?:上午|下午)?\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*")
_CONTROL = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x1f\x7f-\x9f]")
_WIDE_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_QUOTES = "《》“”\"'「」『』【】[]"
_GOV_SUFFIX = ("人民政府", "政府", "管委会", "管理委员会", "行政公署")
_DEPT_MARKS = ("局", "委", "厅", "办公室", "办公厅", "中心", "院", "署", "处", "所", "站", "办", "部", "会", "队")
_REGION_SUFFIX = ("省", "市", "县", "区", "州", "旗", "镇", "乡", "街道", "自治区", "盟", "实验区", "新区", "开发区",
                  "高新区", "示范区", "试验区", "合作区")
_ORG_END = _GOV_SUFFIX + _DEPT_MARKS + _REGION_SUFFIX + ("委员会", "办事处", "公司", "集团", "学校", "大学", "馆",
                                                         "社", "台", "所", "场", "园")
LEGACY_MARKS = ("概述", "收费及减免", "指标名称", "计量单位", "咨询处理情况", "历年累计", "依申请公开办理情况")


@lru_cache(maxsize=16384)  # pure; page menus and headings repeat within and across pages
def clean_heading(text: str) -> str:
    """A line as a heading: no markdown marks, print timestamps, quotes, site-name tails or spaces."""
    text = _MARKUP.sub("", _CONTROL.sub("", text).strip())
    text = _PRINT_STAMP.sub("", text)
    text = _MARKUP.sub("", text.strip())
    text = re.sub(r"[\s\u200b]+", "", text)
    return text.strip(_QUOTES + "•·●◆■-—|*#")


@lru_cache(maxsize=16384)  # pure; page menus and headings repeat within and across pages
def is_report_title(text: str) -> bool:
    """An annual-report title: subject, report word, year or 年度, title-shaped, not a look-alike heading."""
    n = norm(text)
    if not 8 <= len(n) <= 70 or n.startswith(_BODY_START) or any(m in n for m in _NAVIGATION):
        return False
    if any(p in n for p in (",", "。", ";", ":", "!", "?")):
        return False
    if not any(s in n for s in _SUBJECTS) or not _TITLE_WORDS.search(n):
        return False
    if not (_YEAR_IN_TITLE.search(n) or "年度" in n):
        return False
    return lookalike_class(n) is None


@lru_cache(maxsize=16384)  # pure; page menus and headings repeat within and across pages
def looks_like_org(text: str) -> bool:
    """A short organisation name (人民政府, 局, 办公室, 管委会, a bare region …) without dates or subjects."""
    n = norm(text)
    return 3 <= len(n) <= 30 and n.endswith(_ORG_END) and not re.search(r"\d", n) \
        and not any(s in n for s in _SUBJECTS) and not any(m in n for m in _NAVIGATION) \
        and lookalike_class(n) is None


def _starts_with_year(text: str) -> bool:
    return bool(re.match(r"(?:关于)?(?:(?:19|20)\d{2}|" + _CN_YEAR + r")年", norm(text)))


def _title_candidates(lines: list[str], page: PageMeta | None) -> list[tuple[str, int]]:
    """Report titles among the top lines: single lines, two-line joins, issuer lines above a year-first title."""
    label_lines = page.label_lines if page else set()
    titles = {f.line: f.value for f in (page.all("title") if page else []) if f.origin == "text"}
    before_labels = page.title_text if page else {}
    heads: list[tuple[str, int]] = []  # (cleaned text, line index) of lines that may be part of a title
    top = lines[: page.head if page else HEAD_LINES]
    for i in _title_region(top, titles):
        line = top[i]
        if i in label_lines:
            if i in titles:
                heads.append((_site_part(clean_heading(titles[i])), i))
            continue
        text = clean_heading(before_labels.get(i, line))
        if text and len(text) <= 80:
            heads.append((text, i))
        elif text:
            heads.append(("", i))  # a body line breaks a title
    found: list[tuple[str, int]] = []
    for k, (text, i) in enumerate(heads):
        if not text:
            continue
        nxt = heads[k + 1][0] if k + 1 < len(heads) and heads[k + 1][1] - i <= 2 else ""
        prev = heads[k - 1][0] if k > 0 and i - heads[k - 1][1] <= 2 else ""
        title = None
        if is_report_title(text):
            title = text
        elif nxt and len(text) <= 45 and len(nxt) <= 45 and not is_report_title(nxt) \
                and not looks_like_org(text) and is_report_title(text + nxt):
            title = text + nxt  # broken over two lines
        if title is None:
            continue
        if prev and _starts_with_year(title) and looks_like_org(prev) and is_report_title(prev + title):
            title = prev + title  # the issuer on its own line above
        found.append((title, i))
    return found


def _title_region(lines: list[str], titles: dict[int, str]) -> list[int]:
    """The lines a title may be read from: four lines above to two below each line that may hold 报 (every
    report title has it) or a title stated by a label. Each of those lines then has the same neighbours among
    the title parts as among all lines, and a title needs 报 in itself or in the line joined to it."""
    found = lines_may_hold("报", lines)
    if len(found) == len(lines):
        return found
    near: set[int] = set()
    for i in set(found).union(titles):
        near.update(range(max(0, i - 4), min(len(lines), i + 3)))
    return sorted(near)


def _site_part(title: str) -> str:
    """`报告标题_网站名`: the part that is a report title."""
    parts = re.split(r"[_|｜]|[-—–]{1,2}(?=[^0-9])", title)
    return next((p for p in parts if is_report_title(p)), title) if len(parts) > 1 else title


def _meta_titles(page: PageMeta | None, meta_title: str | None) -> list[str]:
    """Titles stated by the page itself: 标题 in its metadata table, ArticleTitle, then the <title> parts."""
    out = [clean_heading(f.value) for f in (page.all("title") if page else []) if f.origin != "text"]
    out += [clean_heading(p) for p in re.split(r"[_|｜]|\s[-—–]\s", meta_title or "")]
    return [t for t in out if t]


def find_title(lines: list[str], meta_title: str | None = None,
               page: PageMeta | None = None) -> tuple[str | None, int | None]:
    """The report title and its 1-based line (None when taken from page metadata)."""
    candidates = _title_candidates(lines, page)
    stated = [norm(t) for t in _meta_titles(page, meta_title)]
    for title, i in candidates:
        if any(norm(title) in s or s in norm(title) for s in stated if len(s) >= 8):
            return title, i + 1  # the line the page's own metadata names as its title
    if candidates:
        return candidates[0][0], candidates[0][1] + 1
    for title in _meta_titles(page, meta_title):
        if is_report_title(title):
            return title, None
    return None, None


def _year_value(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    digits = ["〇一二三四五六七八九".find(c) if c not in "○零" else 0 for c in text]
    return None if -1 in digits else int("".join(map(str, digits)))


def report_year(title: str | None, text: str) -> int | None:
    if title:
        m = _YEAR_IN_TITLE.search(norm(title))
        if m:
            return _year_value(m.group(1))
    m = _PERIOD.search(text)
    return int(m.group(1)) if m else None


def issuer_from_title(title: str | None) -> str | None:
    """The issuer as the title names it: before the year, or between a leading year and the subject."""
    if not title:
        return None
    n = re.sub(r"\s+", "", title).translate(_WIDE_DIGITS)  # as printed: full-width brackets stay
    m = _YEAR_IN_TITLE.search(n)
    issuer = n[: m.start()] if m else ""
    issuer = re.sub(r"关于$", "", issuer.strip(" ：:（(" + _QUOTES))
    if not issuer or any(s in issuer for s in _SUBJECTS):
        rest = n[m.end():] if m and not issuer else (issuer or n)
        rest = re.sub(r"^度", "", rest)
        cut = min((p for p in (rest.find(s) for s in _SUBJECTS) if p >= 0), default=-1)
        issuer = rest[:cut] if cut > 0 else ""
        issuer = issuer + "政府" if issuer.endswith("人民") else issuer
        issuer = re.sub(r"(关于|的)$", "", issuer)
    issuer = _trim_brackets(issuer.strip(" ：:" + _QUOTES))
    return issuer if issuer and len(issuer) <= 40 else None


def _trim_brackets(text: str) -> str:
    """Drop brackets left open or unopened at either end: `（示例局` → `示例局`, but `甲（乙）` stays."""
    while text and text[-1] in "（(" or text and text[-1] in "）)" and text.count(text[-1]) > \
            text.count("（" if text[-1] == "）" else "("):
        text = text[:-1]
    while text and text[0] in "）)" or text and text[0] in "（(" and text.count(text[0]) > \
            text.count("）" if text[0] == "（" else ")"):
        text = text[1:]
    return text


_SIGNATURE_DATE = re.compile(
    r"^\s*(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"|[〇○零一二][〇○零一二三四五六七八九]{3}\s*年\s*[一二三四五六七八九十]{1,2}\s*月\s*[一二三四五六七八九十]{1,3}\s*日)\s*$"
)


def signature(lines: list[str]) -> tuple[str | None, str | None, int | None]:
    """The 落款 at the end: (organisation, ISO date, 0-based line of the date)."""
    tail: list[tuple[int, str]] = []  # the last 15 non-empty lines
    for i in range(len(lines) - 1, -1, -1):
        if text := lines[i].strip():
            tail.append((i, text))
            if len(tail) == 15:
                break
    tail.reverse()
    for k in range(len(tail) - 1, -1, -1):
        i, text = tail[k]
        org_inline = None
        m = _SIGNATURE_DATE.match(text)
        if not m:
            parts = re.split(r"\s{1,}", text)
            if len(parts) >= 2 and looks_like_org(parts[0]) and _SIGNATURE_DATE.match("".join(parts[1:])):
                org_inline, m = parts[0], _SIGNATURE_DATE.match("".join(parts[1:]))
        if not m:
            day = garbled_date(text)  # 2020326: a date whose separators were lost, read only when unambiguous
            if day and k > 0 and looks_like_org(tail[k - 1][1]):
                return norm(tail[k - 1][1]), day, i
            continue
        found = parse_date(m.group(0))
        if not found:
            continue
        org = org_inline or (tail[k - 1][1] if k > 0 and looks_like_org(tail[k - 1][1]) else None)
        return (re.sub(r"\s+", "", org) if org else None), found, i
    return None, None, None


def find_issuer(title: str | None, page: PageMeta, lines: list[str],
                with_signature: bool = True) -> tuple[str | None, str | None]:
    """(issuer, where from): the title, the page's 发布机构/发文机关, the 落款 (unless the last 落款 may close a
    quoted document), the page's content source."""
    issuer = issuer_from_title(title)
    if issuer:
        return issuer, "title"
    for f in page.all("issuer"):
        org = organisation(f.value)
        if org and looks_like_org(org):
            return org, "page"
    org, _, _ = signature(lines) if with_signature else (None, None, None)
    if org:
        return org, "signature"
    for f in page.all("issuer_hint") + page.all("source"):
        org = organisation(f.value)
        if org and looks_like_org(org):
            return org, "page"
    return None, None


def issuer_kind(issuer: str | None, text: str = "") -> str:
    """government for a 人民政府 (or a bare region / zone 管委会), department for 局/委/厅/办公室…"""
    if not issuer:
        return "unknown"
    if issuer.endswith(_GOV_SUFFIX):
        return "government"
    if issuer.endswith(_REGION_SUFFIX) and not any(m in issuer[-6:] for m in _DEPT_MARKS[:6]):
        return "government"
    if any(m in issuer for m in _DEPT_MARKS):
        return "department"
    return "unknown"


def deadline(year: int | None, kind: str, issuer_kind_: str) -> str | None:
    """Art. 49: departments by 01-31, governments by 03-31 of the following year; before 2019 all by 03-31."""
    if year is None:
        return None
    if kind == "annual_report" and issuer_kind_ == "department":
        return f"{year + 1}-01-31"
    return f"{year + 1}-03-31"
