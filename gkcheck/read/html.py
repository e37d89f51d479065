"""HTML reader (lxml): full pages or bare fragments; tables expanded into full grids.

No entity resolution and no network access; scripts, styles and comments are dropped. Tables that contain
other tables are treated as layout: only innermost tables become grids.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree, html

from gkcheck.causes import cause_text
from gkcheck.errors import ReadError
from gkcheck.model import Grid, Source
from gkcheck.read.decode import declared_charset, decode_bytes

MAX_SPAN = 64  # a larger rowspan/colspan is clamped: real report tables never need more
MAX_GRID_CELLS = 20_000

_BLOCK = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "table", "tr", "td", "th", "caption", "ul", "center", "title",
}
_BREAKS = ("br", "p", "div")  # a line break inside a table cell
_DROP = {"script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg", "math"}
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
# Private-use characters that mark tables, images, rows, cells and cell fields in the page text the stylesheet
# below writes. A page's own marks (as characters or as character references) are removed before it is parsed.
_MARKS = _TABLE_MARK, _IMAGE_MARK, _ROW_MARK, _CELL_MARK, _FIELD_MARK = tuple("\ue000\ue001\ue002\ue003\ue004")
_MARK_REFERENCE = "&#(?:[xX]0*[eE]00[0-4]|0*5734[4-8])"  # a mark written as a character reference
_MARK_REFERENCES = re.compile(_MARK_REFERENCE)
_ANY_MARK = re.compile(f"[\ue000-\ue004]|{_MARK_REFERENCE};?")
# <meta> tags that state page facts (publication date, issuer, title, site): kept as `meta:<name>` metadata
PAGE_META_TAGS = (
    "pubdate", "publishdate", "firstpublishedtime", "articlepublishdate", "publishtime", "article:published_time",
    "contentsource", "articletitle", "title", "sitename", "columnname", "maketime",
)


def _parser() -> etree.HTMLParser:
    """lxml's HTML parser without lxml.html's element classes (their per-element lookup costs a sixth of
    the reading time, and nothing here needs them)."""
    return etree.HTMLParser(
        recover=True, no_network=True, remove_comments=True, remove_pis=True, default_doctype=False
    )


def _span(value: str) -> int:
    if not value or value == "1":
        return 1
    try:
        return max(1, min(MAX_SPAN, int(value.strip() or 1)))
    except ValueError:
        return 1


def _clean(text: str) -> str:
    """Runs of spaces (incl. no-break and ideographic) as one space, each line trimmed, no blank ends."""
    text = text.strip("\n")  # a cell's text often starts with the break of the <p> that holds it
    if text.isalnum():  # the common cell: a number or a label without spaces or punctuation
        return text
    if "\n" not in text:
        return _SPACES.sub(" ", text).strip()
    return "\n".join(_SPACES.sub(" ", p).strip() for p in text.split("\n")).strip()


def _too_large(cells: int) -> None:
    if cells > MAX_GRID_CELLS:
        raise ReadError("表格过大（单元格数超过上限），疑似恶意构造的文件")


def expand_table(rows: list[list[tuple[str, str, str]]]) -> tuple[list[list[str]], list[list[int]]]:
    """Expand a table's rows of cells (rowspan, colspan, text) into a rectangular grid, repeating merged cells
    in every slot they cover; also returns, per slot, the id of the source cell covering it (-1: no cell)."""
    grid: list[list[str | None]] = [[] for _ in rows]
    ids: list[list[int]] = [[] for _ in rows]
    filled = 0
    cell_id = -1
    for r, row in enumerate(rows):
        line, line_ids = grid[r], ids[r]
        c = 0
        for rowspan, colspan, raw in row:
            while c < len(line) and line[c] is not None:
                c += 1
            text = _clean(raw) if raw else ""
            cell_id += 1
            if not rowspan and not colspan and c == len(line):  # the common case: a plain cell
                filled += 1
                line.append(text)
                line_ids.append(cell_id)
                c += 1
                continue
            _too_large(filled)
            rs, cs = _span(rowspan), _span(colspan)
            rs = min(rs, len(rows) - r)
            filled += rs * cs
            _too_large(filled)
            for below, below_ids in zip(grid[r:r + rs], ids[r:r + rs], strict=True):
                if len(below) < c + cs:
                    below.extend([None] * (c + cs - len(below)))
                    below_ids.extend([-1] * (c + cs - len(below_ids)))
                below[c:c + cs] = [text] * cs
                below_ids[c:c + cs] = [cell_id] * cs
            c += cs
        _too_large(filled)
    width = max((len(line) for line in grid), default=0)
    if width * len(grid) > MAX_GRID_CELLS:  # the padded grid, not only the filled slots, is bounded
        raise ReadError("表格过大（行数乘列数超过上限），疑似恶意构造的文件")
    return ([[v if v is not None else "" for v in line] + [""] * (width - len(line)) for line in grid],
            [line + [-1] * (width - len(line)) for line in ids])


def _page_metadata(root: etree._Element, encoding: str) -> dict[str, str]:
    """The page title and the `<meta>` tags that state page facts."""
    title = root.findtext(".//title") or ""
    meta = {"encoding": encoding}
    if title.strip():
        meta["title"] = title.strip()
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        content = (m.get("content") or "").strip()
        if name in PAGE_META_TAGS and content and f"meta:{name}" not in meta:
            meta[f"meta:{name}"] = content[:300]
    return meta


# The page as text, written by libxslt in one pass (a walk in Python over a portal's navigation costs more than
# parsing it): a line break at every block boundary; an image mark where an image stands; each innermost table
# between two table marks as its image count, then per own row a row mark and per cell a cell mark, rowspan,
# field mark, colspan, field mark and the cell's text (a line break where a <br>, <p> or <div> starts inside it).
# Scripts and the like are removed from the tree beforehand; what follows the root element is not the page's.
_STYLESHEET = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="/"><xsl:apply-templates select="*[1]"/></xsl:template>
<xsl:template match="{'|'.join(sorted(_BLOCK))}">
  <xsl:text>&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;</xsl:text>
</xsl:template>
<xsl:template match="img"><xsl:text>{_IMAGE_MARK}</xsl:text><xsl:apply-templates/></xsl:template>
<xsl:template match="table[not(.//table)]">
  <xsl:text>{_TABLE_MARK}</xsl:text><xsl:value-of select="count(.//img)"/>
  <xsl:for-each select="tr|thead/tr|tbody/tr|tfoot/tr">
    <xsl:text>{_ROW_MARK}</xsl:text>
    <xsl:for-each select="td|th">
      <xsl:text>{_CELL_MARK}</xsl:text><xsl:value-of select="@rowspan"/>
      <xsl:text>{_FIELD_MARK}</xsl:text><xsl:value-of select="@colspan"/>
      <xsl:text>{_FIELD_MARK}</xsl:text><xsl:apply-templates mode="cell"/>
    </xsl:for-each>
  </xsl:for-each>
  <xsl:text>{_TABLE_MARK}</xsl:text>
</xsl:template>
<xsl:template match="{'|'.join(_BREAKS)}" mode="cell">
  <xsl:text>&#10;</xsl:text><xsl:apply-templates mode="cell"/>
</xsl:template>
</xsl:stylesheet>"""


@lru_cache(maxsize=1)
def _page_text() -> etree.XSLT:
    """The compiled stylesheet above (no file or network access)."""
    return etree.XSLT(etree.XML(_STYLESHEET), access_control=etree.XSLTAccessControl.DENY_ALL)


def _table_rows(chunk: str) -> tuple[int, list[list[tuple[str, str, str]]]]:
    """A table written by the stylesheet: its image count and its rows of (rowspan, colspan, text)."""
    images, *rows = chunk.split(_ROW_MARK)
    cells = [[tuple(cell.split(_FIELD_MARK, 2)) for cell in row.split(_CELL_MARK)[1:]] for row in rows]
    return int(images), cells  # type: ignore[return-value]


def _add_lines(text: str, lines: list[str], image_lines: list[int]) -> None:
    """The non-empty lines of a stretch of page text; where each image mark stands, the line count so far."""
    parts = map(str.strip, _SPACES.sub(" ", text).split("\n"))
    if _IMAGE_MARK not in text:
        lines.extend(p for p in parts if p)
        return
    for part in parts:
        if _IMAGE_MARK in part:
            image_lines.extend([len(lines)] * part.count(_IMAGE_MARK))
            part = _SPACES.sub(" ", part.replace(_IMAGE_MARK, "")).strip()
        if part:
            lines.append(part)


def read_html(data: bytes, path: str) -> Source:
    text, encoding = decode_bytes(data, declared_charset(data))
    if not text.strip():
        raise ReadError("文件内容为空")
    if any(mark in text for mark in _MARKS) or _MARK_REFERENCES.search(text):
        text = _ANY_MARK.sub("", text)
    try:
        root = html.fromstring(text, parser=_parser())
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"无法解析 HTML：{cause_text(exc)}") from exc
    if root is None:
        raise ReadError("无法解析 HTML：没有内容")
    meta = _page_metadata(root, encoding)
    if root.tag in _DROP:
        return Source(path=path, format="html", metadata=meta)
    etree.strip_elements(root, *_DROP, with_tail=False)
    lines: list[str] = []
    tables: list[Grid] = []
    image_lines: list[int] = []
    images = 0
    for k, chunk in enumerate(str(_page_text()(root)).split(_TABLE_MARK)):
        if k % 2 == 0:
            _add_lines(chunk, lines, image_lines)
            continue
        n_img, rows = _table_rows(chunk)
        grid, anchors = expand_table(rows)
        images += n_img
        tables.append(Grid(rows=grid, index=len(tables) + 1, line=len(lines), images=n_img, anchors=anchors))
    return Source(path=path, format="html", lines=lines, tables=tables, images=images + len(image_lines),
                  image_lines=image_lines, metadata=meta)
