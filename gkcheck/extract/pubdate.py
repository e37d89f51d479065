"""Publication date: the page's own 公开日期/发布日期, else the signature (落款), else weaker evidence.

Order: a labelled publication date on the page (公开日期, 发布日期, 发布时间 …) or the page's `<meta>`
publication tag > the file's creation date (PDF/DOCX, the published file itself; not when a browser printed a
saved page) > the signature date > the page's 成文日期 > other page dates (日期:, 时间:, 来源: … 2020-03-31). Dates from
crawler/browser/archive wrappers (采集时间, 保存时间, 打印时间 …) are never used. A date before the end of the
report year cannot be its publication date; a weak date more than a year after it is more likely a later edit or
copy than the publication, so it is not used either (the date is then reported as unknown, never guessed).
"""

from __future__ import annotations

import re
from datetime import date

from gkcheck.extract.metadata import signature
from gkcheck.extract.page_meta import PageMeta, date_at_start, parse_date
from gkcheck.model import Published, Source

_BROWSER = re.compile(r"skia|chrom|mozilla|firefox|webkit|safari|wkhtmltopdf|phantom|print\s*to\s*pdf|edge|qt\s",
                      re.I)
STRONG = ("page", "page_meta")  # explicit publication dates: trusted up to any lateness


def _plausible(day: str, year: int | None, source: str) -> bool:
    if year is None:
        return True
    if day < f"{year + 1}-01-01":
        return False  # published before the year it reports on ended: another date, or another year's page
    return source in STRONG or day <= f"{year + 1}-12-31"


def _printed_by_browser(source: Source) -> bool:
    return bool(_BROWSER.search(" ".join(source.metadata.get(k, "") for k in ("producer", "creator"))))


def _candidates(source: Source, lines: list[str], page: PageMeta, with_signature: bool) -> list[Published]:
    """Every dated piece of evidence, strongest first."""
    out: list[Published] = []
    for f in sorted(page.all("published"), key=lambda f: f.origin == "meta"):  # visible labels first
        day = date_at_start(f.value) if f.origin != "meta" else parse_date(f.value)
        if day:
            out.append(Published(date=day, source="page_meta" if f.origin == "meta" else "page", label=f.label,
                                 line=None if f.line is None or f.origin == "table" else f.line + 1))
    created = source.metadata.get("created")
    if created and source.format in ("pdf", "docx") and not _printed_by_browser(source):
        out.append(Published(date=created, source=f"{source.format}_metadata", label="创建日期"))
    _, day, line = signature(lines) if with_signature else (None, None, None)
    if day:
        out.append(Published(date=day, source="signature", label="落款", line=line + 1 if line is not None else None))
    for f in page.all("written"):
        day = date_at_start(f.value) if f.origin != "meta" else parse_date(f.value)
        if day:
            out.append(Published(date=day, source="page_written", label=f.label,
                                 line=None if f.line is None or f.origin != "text" else f.line + 1))
    for f in page.all("date") + page.all("source"):
        day = date_at_start(f.value) if f.role == "date" else parse_date(f.value[:40])
        if day:
            out.append(Published(date=day, source="page_other", label=f.label,
                                 line=None if f.line is None or f.origin != "text" else f.line + 1))
    return out


def published_date(source: Source, lines: list[str], page: PageMeta, year: int | None,
                   with_signature: bool = True) -> Published | None:
    """The best-founded publication date, with the evidence it rests on; None rather than a guess. Without the
    signature when the last 落款 may close a quoted document rather than the document itself."""
    for candidate in _candidates(source, lines, page, with_signature):
        try:
            date.fromisoformat(candidate.date)
        except ValueError:
            continue
        if _plausible(candidate.date, year, candidate.source):
            return candidate
    return None
