"""Word (.docx) reader (python-docx): paragraphs and tables in body order; merged cells expanded.

The ZIP container is inspected before python-docx opens it (size, compression ratio, member count, DTDs),
so zip bombs and entity payloads are refused with a clear message instead of exhausting the machine.
Tables that contain other tables are treated as layout: only innermost tables become grids.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import datetime

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from gkcheck.causes import cause_text
from gkcheck.errors import GkError, ReadError
from gkcheck.model import Grid, Source

MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
RATIO_MIN_BYTES = 10 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_SPAN = 64  # a larger gridSpan is clamped: Word itself allows at most 63 columns
MAX_GRID_CELLS = 200_000
_SCAN_CHUNK = 1024 * 1024

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_T, _TAB, _BR, _CR, _HYPHEN = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")
_GRAPHICS = (qn("w:drawing"), qn("w:pict"), qn("w:object"))
_PICTURE_DATA = (
    "{http://schemas.openxmlformats.org/drawingml/2006/main}blip",
    "{http://schemas.openxmlformats.org/drawingml/2006/chart}chart",
    "{urn:schemas-microsoft-com:vml}imagedata",
)
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Not part of the visible paragraph text: deleted revisions, text boxes, compatibility duplicates.
_SKIP_TEXT = {qn("w:del"), qn("w:txbxContent"), qn("w:pPr"), qn("w:rPr"), _FALLBACK}
_WRAPPERS = {_SDT, _SDT_CONTENT, _CUSTOM_XML}
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)


# ---- container checks -------------------------------------------------------------------------------


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError(f"Word 文档（.docx）已损坏或被截断，无法读取（{cause_text(exc)}）") from exc


def _check_members(zf: zipfile.ZipFile) -> None:
    """Refuse zip bombs and containers that are not Word documents, from the ZIP directory alone."""
    members = zf.infolist()
    if len(members) > MAX_MEMBERS:
        raise ReadError(
            f"Word 文档包含的文件过多（{len(members)} 个，上限 {MAX_MEMBERS}），疑似恶意构造的文件"
        )
    total = sum(m.file_size for m in members)
    if total > MAX_TOTAL_BYTES:
        mb = 1024 * 1024
        limit = MAX_TOTAL_BYTES // mb
        raise ReadError(f"Word 文档解压后过大（{total // mb} MB，上限 {limit} MB），疑似压缩炸弹")
    for m in members:
        if m.file_size > RATIO_MIN_BYTES and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise ReadError(f"Word 文档中的“{m.filename}”压缩比异常（超过 {MAX_RATIO}:1），疑似压缩炸弹")
    if "word/document.xml" not in {m.filename for m in members}:
        raise ReadError("不是有效的 Word 文档：缺少正文部分 word/document.xml")


def _has_dtd(zf: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether an XML part declares a DTD or entities (Word never writes them; they only serve attacks)."""
    tail = b""
    with zf.open(member) as stream:
        while chunk := stream.read(_SCAN_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _DTD_MARKERS):
                return True
            tail = window[-32:]
    return False


def _check_xml_parts(zf: zipfile.ZipFile) -> None:
    for member in zf.infolist():
        if member.filename.lower().endswith((".xml", ".rels")) and _has_dtd(zf, member):
            raise ReadError(
                f"Word 文档中的“{member.filename}”含有 DOCTYPE/实体声明（正常的 Word 文档不会有），"
                "疑似恶意构造的文件，已拒绝读取"
            )


def _check_container(data: bytes) -> None:
    with _open_zip(data) as zf:
        _check_members(zf)
        try:
            _check_xml_parts(zf)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
            raise ReadError(f"Word 文档（.docx）已损坏或被截断，无法读取（{cause_text(exc)}）") from exc


# ---- text -----------------------------------------------------------------------------------------


def _runs_text(node: etree._Element) -> Iterator[str]:
    """The visible text under `node`, in order; line breaks as "\\n"."""
    stack: list[etree._Element] = [node]
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag in _SKIP_TEXT:
            continue
        if tag == _T:
            yield el.text or ""
        elif tag == _TAB:
            yield "\t"
        elif tag in (_BR, _CR):
            yield "\n"
        elif tag == _HYPHEN:
            yield "-"
        else:
            stack.extend(reversed([c for c in el if isinstance(c.tag, str)]))


def _clean_lines(text: str) -> list[str]:
    """Split on line breaks, collapse spaces (U+3000 included), drop empty lines."""
    lines = (_SPACES.sub(" ", part).strip() for part in text.split("\n"))
    return [line for line in lines if line]


def _count_images(node: etree._Element) -> int:
    """Pictures and charts (w:drawing, VML w:pict, embedded w:object); text boxes and shapes do not count."""
    count = 0
    for el in node.iter(*_GRAPHICS):
        if any(a.tag in _GRAPHICS or a.tag == _FALLBACK for a in el.iterancestors()):
            continue
        if next(el.iter(*_PICTURE_DATA), None) is not None:
            count += 1
    return count


def _unwrap(node: etree._Element, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """Children of `node` with one of `tags`, looking through content controls and custom-XML wrappers."""
    for child in node:
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _unwrap(child, tags)


def _cell_text(tc: etree._Element) -> str:
    lines: list[str] = []
    for p in _unwrap(tc, (_P,)):
        lines.extend(_clean_lines("".join(_runs_text(p))))
    return "\n".join(lines)


# ---- tables ---------------------------------------------------------------------------------------


def _int_attr(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return max(0, min(MAX_SPAN, int(el.get(qn("w:val"), default))))
    except ValueError:
        return default


def _row_slots(tr: etree._Element, above: list[str], above_ids: list[int],
               next_id: int) -> tuple[list[str], list[int], int]:
    """One row's slots and source-cell ids: gridSpan repeated, vMerge continuations take the slot above."""
    before = _int_attr(tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}"), 0)
    row, ids = [""] * before, [-1] * before
    for tc in _unwrap(tr, (_TC,)):
        tc_pr = tc.find(qn("w:tcPr"))
        span = max(1, _int_attr(None if tc_pr is None else tc_pr.find(qn("w:gridSpan")), 1))
        vmerge = None if tc_pr is None else tc_pr.find(qn("w:vMerge"))
        col = len(row)
        if vmerge is not None and vmerge.get(qn("w:val"), "continue") != "restart" and col < len(above):
            text, cell_id = above[col], above_ids[col]
        else:
            text, cell_id = _cell_text(tc), next_id
            next_id += 1
        row.extend([text] * span)
        ids.extend([cell_id] * span)
    return row, ids, next_id


def expand_table(tbl: etree._Element) -> tuple[list[list[str]], list[list[int]]]:
    """Expand a <w:tbl> into a rectangular grid, repeating merged cells in every slot they cover;
    also returns, per slot, the id of the source cell covering it (-1: no cell)."""
    rows: list[list[str]] = []
    anchors: list[list[int]] = []
    cells = next_id = 0
    for tr in _unwrap(tbl, (_TR,)):
        row, ids, next_id = _row_slots(tr, rows[-1] if rows else [], anchors[-1] if anchors else [], next_id)
        cells += len(row)
        if cells > MAX_GRID_CELLS:
            raise ReadError("Word 文档中的表格过大（单元格数超过上限），疑似恶意构造的文件")
        rows.append(row)
        anchors.append(ids)
    width = max((len(r) for r in rows), default=0)
    if width * len(rows) > MAX_GRID_CELLS:  # the padded grid, not only the filled slots, is bounded
        raise ReadError("Word 文档中的表格过大（行数乘列数超过上限），疑似恶意构造的文件")
    return ([r + [""] * (width - len(r)) for r in rows], [a + [-1] * (width - len(a)) for a in anchors])


# ---- body walk ------------------------------------------------------------------------------------


class _Body:
    """Collects lines and grids while walking block content in document order."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.tables: list[Grid] = []

    def walk(self, container: etree._Element) -> None:
        for block in _unwrap(container, (_P, _TBL)):
            if block.tag == _P:
                self.lines.extend(_clean_lines("".join(_runs_text(block))))
            else:
                self.table(block)

    def table(self, tbl: etree._Element) -> None:
        if any(True for _ in tbl.iterdescendants(_TBL)):
            for tr in _unwrap(tbl, (_TR,)):  # a layout table: read its cells as body content
                for tc in _unwrap(tr, (_TC,)):
                    self.walk(tc)
            return
        rows, anchors = expand_table(tbl)
        self.tables.append(Grid(rows=rows, index=len(self.tables) + 1, line=len(self.lines),
                                images=_count_images(tbl), anchors=anchors))


# ---- entry point ----------------------------------------------------------------------------------


def _iso(value: object) -> str | None:
    return value.date().isoformat() if isinstance(value, datetime) else None


def _has_core_properties(document: DocxDocument) -> bool:
    """python-docx invents core properties (title "Word Document", modified now) when the file has none."""
    return any(rel.reltype == RT.CORE_PROPERTIES for rel in document.part.package.rels.values())


def _metadata(document: DocxDocument) -> dict[str, str]:
    meta: dict[str, str] = {}
    try:
        if not _has_core_properties(document):
            return meta
        props = document.core_properties
        created, modified, title = props.created, props.modified, props.title
    except (ValueError, TypeError, AttributeError, KeyError):
        return meta
    for key, value in (("created", _iso(created)), ("modified", _iso(modified))):
        if value:
            meta[key] = value
    if title and title.strip():
        meta["title"] = title.strip()
    return meta


def _open_document(data: bytes) -> DocxDocument:
    try:
        return docx.Document(io.BytesIO(data))
    except ValueError as exc:
        if "content type" in str(exc):
            raise ReadError(
                "不是普通的 Word 文档（可能是模板或启用宏的文档）：请另存为 .docx 后再检查"
            ) from exc
        raise ReadError(f"Word 文档（.docx）已损坏，无法读取（{cause_text(exc)}）") from exc
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"Word 文档中的 XML 已损坏，无法读取（{cause_text(exc)}）") from exc
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise ReadError(f"Word 文档（.docx）已损坏或被截断，无法读取（{cause_text(exc)}）") from exc


def read_docx(data: bytes, path: str) -> Source:
    """Read a .docx into a Source: paragraph lines, expanded tables, image count, core-property dates."""
    _check_container(data)
    document = _open_document(data)
    try:
        body_el = document.element.body
        body = _Body()
        if body_el is not None:
            body.walk(body_el)
        images = 0 if body_el is None else _count_images(body_el)
    except GkError:
        raise
    except (AttributeError, TypeError, ValueError) as exc:
        raise ReadError(f"Word 文档结构异常，无法读取（{cause_text(exc)}）") from exc
    return Source(
        path=path, format="docx", lines=body.lines, tables=body.tables, images=images,
        metadata=_metadata(document),
    )
