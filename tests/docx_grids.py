"""Word tables written cell by cell, the way Word stores misaligned grids.

A template table (`synth.Table`) becomes rows of `Tc` — one <w:tc> each, with its gridSpan and vMerge — and
row properties (gridBefore, gridAfter, a repeated header row). Reshaping functions edit those rows the way
Word leaves them after editing and conversion; `replace_table` puts the result into a python-docx document
in place of the template table.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import docx
from docx.oxml import parse_xml
from synth import Table, positions

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass
class Tc:
    """One <w:tc>: its text, how many grid columns it spans, and its vertical merge (restart/continue)."""

    text: str
    span: int = 1
    vmerge: str | None = None
    hmerge: str | None = None  # legacy horizontal merge (restart/continue) instead of gridSpan


@dataclass
class Tr:
    """One <w:tr>: its cells and the grid columns left empty before and after them."""

    cells: list[Tc]
    before: int = 0
    after: int = 0
    header: bool = False
    extra: list[str] = field(default_factory=list)  # further <w:trPr> children, as XML


def word_rows(table: Table) -> list[Tr]:
    """The template table as Word writes it: merged cells as gridSpan, rowspans as vMerge restart/continue."""
    starts = {(r, c): cell for r, c, cell in positions(table)}
    covered: dict[tuple[int, int], int] = {}
    for (r, c), cell in starts.items():
        for dr in range(1, cell.rowspan):
            covered[(r + dr, c)] = cell.colspan
    width = max(c + cell.colspan for (_, c), cell in starts.items())
    rows: list[Tr] = []
    for r in range(len(table.rows)):
        cells: list[Tc] = []
        c = 0
        while c < width:
            if (r, c) in starts:
                cell = starts[(r, c)]
                cells.append(Tc(cell.text, cell.colspan, "restart" if cell.rowspan > 1 else None))
                c += cell.colspan
            elif (r, c) in covered:
                cells.append(Tc("", covered[(r, c)], "continue"))
                c += covered[(r, c)]
            else:
                c += 1
        rows.append(Tr(cells))
    return rows


def legacy_hmerge(tr: Tr) -> None:
    """Write the row's multi-column cells as legacy horizontal merges: one cell per grid column."""
    cells: list[Tc] = []
    for tc in tr.cells:
        if tc.span > 1 and tc.vmerge is None:
            cells.append(Tc(tc.text, 1, None, "restart"))
            cells.extend(Tc("", 1, None, "continue") for _ in range(tc.span - 1))
        else:
            cells.append(tc)
    tr.cells = cells


def _tc_xml(tc: Tc) -> str:
    props = ""
    if tc.span > 1:
        props += f'<w:gridSpan w:val="{tc.span}"/>'
    if tc.vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif tc.vmerge == "continue":
        props += "<w:vMerge/>"
    if tc.hmerge == "restart":
        props += '<w:hMerge w:val="restart"/>'
    elif tc.hmerge == "continue":
        props += "<w:hMerge/>"
    runs = f"<w:r><w:t>{escape(tc.text)}</w:t></w:r>" if tc.text else ""
    return f"<w:tc><w:tcPr><w:tcW w:w=\"{600 * tc.span}\" w:type=\"dxa\"/>{props}</w:tcPr><w:p>{runs}</w:p></w:tc>"


def _tr_xml(tr: Tr) -> str:
    props = "".join(tr.extra)
    if tr.before:
        props += f'<w:gridBefore w:val="{tr.before}"/>'
    if tr.after:
        props += f'<w:gridAfter w:val="{tr.after}"/>'
    if tr.header:
        props += "<w:tblHeader/>"
    return f"<w:tr>{f'<w:trPr>{props}</w:trPr>' if props else ''}{''.join(_tc_xml(tc) for tc in tr.cells)}</w:tr>"


def table_xml(rows: list[Tr]) -> str:
    width = max(tr.before + sum(tc.span for tc in tr.cells) + tr.after for tr in rows)
    grid = "".join('<w:gridCol w:w="600"/>' for _ in range(width))
    return (f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(_tr_xml(tr) for tr in rows)}</w:tbl>")


def page_break_xml() -> str:
    return f'<w:p xmlns:w="{W_NS}"><w:r><w:br w:type="page"/></w:r></w:p>'


def replace_table(data: bytes, marker: str, parts: list[list[Tr]]) -> bytes:
    """The document with the table containing `marker` replaced by `parts`: one Word table each, a paragraph
    holding a page break between two parts."""
    document = docx.Document(io.BytesIO(data))
    target = next(t for t in document.tables if marker in "".join(c.text for row in t.rows for c in row.cells))
    anchor = target._tbl
    for i, part in enumerate(parts):
        if i:
            brk = parse_xml(page_break_xml())
            anchor.addnext(brk)
            anchor = brk
        element = parse_xml(table_xml(part))
        anchor.addnext(element)
        anchor = element
    target._tbl.getparent().remove(target._tbl)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
