"""Extract stage: `Source` → `Report` (document facts, sections, template cells, table status)."""

from __future__ import annotations

import re

from gkcheck.errors import ReadError
from gkcheck.extract import metadata as meta
from gkcheck.extract.doc_kind import QUOTING, KindInput, classify, own_issuer, own_title
from gkcheck.extract.legacy_table import add_legacy_table
from gkcheck.extract.linescan import lines_containing
from gkcheck.extract.normalize import norm
from gkcheck.extract.page_meta import read_page_meta
from gkcheck.extract.pubdate import published_date
from gkcheck.extract.sections import find_sections
from gkcheck.extract.tables_grid import map_grids
from gkcheck.extract.tables_text import TextTable, rebuild_tables
from gkcheck.model import Attachment, CellValue, Document, Report, Section, Source, TableInfo
from gkcheck.templates import default_version, load_template, template_versions

TABLES = ("t2", "t3", "t4")
MIN_TEXT = 40  # characters of text below which a document with scanned pages counts as image-only
_ATTACH = re.compile(r"^\s*(附件|附表)\s*[0-9一二三四五六]*\s*[:：.、]?")
_ITEM = re.compile(r"^\s*[0-9]\s*[.、．]")
_TABLE_WORDS = {"t2": ("主动公开",), "t3": ("收到和处理", "申请情况"), "t4": ("行政复议", "行政诉讼")}


def _attachments(lines: list[str], joined: str) -> list[Attachment]:
    found: list[Attachment] = []
    after = -10
    named = lines_containing(("附件", "附表"), lines, joined)  # a list of attachments starts at a line naming one
    for i, line in enumerate(lines[named[0]:] if named else [], start=named[0] if named else 0):
        text = line.strip()
        if _ATTACH.match(text):
            after = i
        elif not (_ITEM.match(text) and i - after <= 3):
            continue
        else:
            after = i
        body = _ATTACH.sub("", text)
        table = next((t for t, words in _TABLE_WORDS.items() if any(w in body for w in words)), None)
        if table or "表" in body:
            found.append(Attachment(text=text, line=i + 1, table=table, present=False))
    return found


def _status(table: TextTable | None) -> str:
    if table is None:
        return "absent"
    return "blank" if all(c.status == "blank" for c in table.cells.values()) else "present"


def extract(source: Source) -> Report:
    """Build the report data model from a read document."""
    if source.data is not None:
        report = Report.from_dict(source.data)
        report.file = source.path
        return report
    lines = source.lines
    text = "\n".join(lines)
    if source.image_pages and len(norm(text)) < MIN_TEXT:
        raise ReadError(f"PDF 共 {len(source.image_pages)} 页均为扫描图像、没有文字层：无法识别报告内容，"
                        "表格数据无法核验（本工具不做文字识别），请提供带文字层的版本", source.path)
    page = read_page_meta(source)
    title, title_line = meta.find_title(lines, source.metadata.get("title"), page)
    year = meta.report_year(title, text)
    year_default = default_version(year)
    grid_tables, image_grids = map_grids(source.tables, year_default)
    text_tables = rebuild_tables(lines, year_default) if len(grid_tables) < 3 else {}
    tables = {t: grid_tables.get(t) or text_tables.get(t) for t in TABLES}
    sections, others, gaps = find_sections(lines, load_template(year_default).sections)
    found = {t: tb for t, tb in tables.items() if tb is not None}
    issuer, _ = meta.find_issuer(title, page, lines)
    verdict = classify(KindInput(title, title_line, year, issuer, sum(1 for s in sections if s.heading_number),
                                 {t: _status(tb) for t, tb in found.items()}, lines, page))
    kind, reason = verdict.kind, verdict.reason
    own_signature = verdict.basis not in QUOTING
    if kind == "not_annual_report":  # only what the document states of itself, never a quoted report's facts
        title = own_title(verdict, title)
        year = meta.report_year(title, "")
        issuer = own_issuer(title, verdict) or meta.find_issuer(None, page, lines, own_signature)[0]
    ikind = meta.issuer_kind(issuer)
    versions = {t: tb.version for t, tb in found.items() if t != "t4"}
    distinct = set(versions.values())
    overall = distinct.pop() if len(distinct) == 1 else ("mixed" if distinct else None)
    attachments = _attachments(lines, text)
    report = Report(
        file=source.path,
        format=source.format,
        document=Document(kind=kind, year=year, issuer=issuer, issuer_kind=ikind, template=overall, title=title,
                          published=published_date(source, lines, page, year, own_signature), kind_reason=reason),
        sections=sections,
        other_headings=others,
        numbering_gaps=gaps,
        text=text,
        page_starts=list(source.page_starts),
    )
    t4_version = overall if overall in template_versions() else year_default  # 表四 is the same in both
    for name in TABLES:
        table = tables[name]
        if table is not None:
            report.tables[name] = _found_table(table, t4_version if name == "t4" else table.version,
                                               "grid" if table is grid_tables.get(name) else "text")
            report.cells.update(table.cells)
        else:
            report.tables[name] = _missing_table(name, source, sections, attachments, bool(image_grids))
    _complete_cells(report, year_default)
    for a in attachments:
        a.present = a.table is not None and report.tables[a.table].status in ("present", "blank")
    report.attachments = attachments
    if kind == "legacy_annual_report":
        add_legacy_table(report, lines)
    return report


def _found_table(table: TextTable, version: str, origin: str) -> TableInfo:
    return TableInfo(status=_status(table), template=version, source=origin, location={"line": table.start + 1},
                     notes=table.notes, label_deviations=table.label_deviations)


def _missing_table(name: str, source: Source, sections: list[Section], attachments: list[Attachment],
                   image_grids: bool) -> TableInfo:
    """Why a table is not there: given as an image, only referenced as an attachment, or simply absent."""
    if image_grids or source.image_pages or _images_in_sections(source, sections, name):
        return TableInfo(status="image")
    refs = [a for a in attachments if a.table == name]
    if refs:
        return TableInfo(status="referenced", reference=refs[0].text)
    return TableInfo(status="absent")


def _images_in_sections(source: Source, sections: list[Section], table: str) -> bool:
    """An image placed inside the section that should hold the table (a table pasted as a picture)."""
    number = {"t2": 2, "t3": 3, "t4": 4}[table]
    starts = {s.number: s.line for s in sections if s.heading_number}
    if number not in starts:
        return False
    later = [ln for n, ln in starts.items() if ln > starts[number]]
    end = min(later) if later else len(source.lines) + 1
    return any(starts[number] - 1 <= i <= end - 1 for i in source.image_lines)


def _complete_cells(report: Report, year_default: str) -> None:
    """Every template cell gets an entry: cells not found (or of tables not found) are `missing`."""
    cells = report.cells
    for name, info in report.tables.items():
        for address in load_template(info.template or year_default).tables[name].addresses:
            if address not in cells:
                cells[address] = CellValue(value=None, raw="", source={}, status="missing")
