"""HTML reader (lxml): full pages or bare fragments; tables expanded into full grids.

No entity resolution and no network access; scripts, styles and comments are dropped. Tables that contain
other tables are treated as layout: only innermost tables become grids.
"""

from __future__ import annotations

import re

from lxml import etree, html

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


def _span(value: str | None) -> int:
    if value is None or value == "1":
        return 1
    try:
        return max(1, min(MAX_SPAN, int(str(value).strip() or 1)))
    except ValueError:
        return 1


def _clean(text: str) -> str:
    """Runs of spaces (incl. no-break and ideographic) as one space, each line trimmed, no blank ends."""
    if "\n" not in text:
        return _SPACES.sub(" ", text).strip()
    return "\n".join(_SPACES.sub(" ", p).strip() for p in text.split("\n")).strip()


def _cell_text(cell: etree._Element) -> str:
    if len(cell) == 0:  # the common case: text only
        return _clean(cell.text or "")
    text = cell.text
    parts: list[str] = [text] if text else []
    for node in cell.iterdescendants():
        tag = node.tag
        if tag in _BREAKS and parts:
            parts.append("\n")
        if tag.__class__ is str and tag not in _DROP:  # not a comment or processing instruction
            text = node.text
            if text:
                parts.append(text)
        tail = node.tail
        if tail:
            parts.append(tail)
    return _clean("".join(parts))


def _own_rows(table: etree._Element) -> list[etree._Element]:
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if r.tag == "tr")
    return rows


def expand_table(table: etree._Element) -> tuple[list[list[str]], list[list[int]]]:
    """Expand a <table> into a rectangular grid, repeating merged cells in every slot they cover;
    also returns, per slot, the id of the source cell covering it (-1: no cell)."""
    rows = _own_rows(table)
    grid: list[list[str | None]] = [[] for _ in rows]
    ids: list[list[int]] = [[] for _ in rows]
    filled = 0
    cell_id = -1
    for r, tr in enumerate(rows):
        line = grid[r]
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while c < len(line) and line[c] is not None:
                c += 1
            text = _cell_text(cell)
            cell_id += 1
            rowspan, colspan = cell.get("rowspan"), cell.get("colspan")
            if rowspan is None and colspan is None and c == len(line):  # the common case: a plain cell
                filled += 1
                if filled > MAX_GRID_CELLS:
                    raise ReadError("表格过大（单元格数超过上限），疑似恶意构造的文件")
                line.append(text)
                ids[r].append(cell_id)
                c += 1
                continue
            rs, cs = _span(rowspan), _span(colspan)
            rs = min(rs, len(rows) - r)
            filled += rs * cs
            if filled > MAX_GRID_CELLS:
                raise ReadError("表格过大（单元格数超过上限），疑似恶意构造的文件")
            for below, below_ids in zip(grid[r:r + rs], ids[r:r + rs], strict=True):
                if len(below) < c + cs:
                    below.extend([None] * (c + cs - len(below)))
                    below_ids.extend([-1] * (c + cs - len(below_ids)))
                below[c:c + cs] = [text] * cs
                below_ids[c:c + cs] = [cell_id] * cs
            c += cs
    width = max((len(line) for line in grid), default=0)
    if width * len(grid) > MAX_GRID_CELLS:  # the padded grid, not only the filled slots, is bounded
        raise ReadError("表格过大（行数乘列数超过上限），疑似恶意构造的文件")
    return ([[v if v is not None else "" for v in line] + [""] * (width - len(line)) for line in grid],
            [line + [-1] * (width - len(line)) for line in ids])


def _is_leaf_table(node: etree._Element) -> bool:
    return node.tag == "table" and node.find(".//table") is None


def read_html(data: bytes, path: str) -> Source:
    text, encoding = decode_bytes(data, declared_charset(data))
    if not text.strip():
        raise ReadError("文件内容为空")
    try:
        root = html.fromstring(text, parser=_parser())
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"无法解析 HTML：{exc}") from exc
    if root is None:
        raise ReadError("无法解析 HTML：没有内容")
    lines: list[str] = []
    tables: list[Grid] = []
    current: list[str] = []
    images = 0
    image_lines: list[int] = []

    def flush() -> None:  # called only when `current` holds text
        line = _SPACES.sub(" ", "".join(current)).strip()
        current.clear()
        if line:
            lines.extend(part.strip() for part in line.split("\n") if part.strip())

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, node in walker:
        tag = node.tag
        if tag.__class__ is not str:  # comments and processing instructions
            tag = ""
        if event == "start":
            if tag in _DROP:
                walker.skip_subtree()
                continue
            if tag == "img":
                images += 1
                image_lines.append(len(lines))
            if current and tag in _BLOCK:
                flush()
            if tag == "table" and _is_leaf_table(node):
                grid, anchors = expand_table(node)
                n_img = len(node.findall(".//img"))
                images += n_img
                tables.append(Grid(rows=grid, index=len(tables) + 1, line=len(lines), images=n_img,
                                   anchors=anchors))
                walker.skip_subtree()
                continue
            if tag:
                text = node.text
                if text:
                    current.append(text)
        else:
            if current and tag in _BLOCK:
                flush()
            tail = node.tail
            if tail and node is not root:
                current.append(tail)
    if current:
        flush()
    title = root.findtext(".//title") or ""
    meta = {"encoding": encoding}
    if title.strip():
        meta["title"] = title.strip()
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        content = (m.get("content") or "").strip()
        if name in PAGE_META_TAGS and content and f"meta:{name}" not in meta:
            meta[f"meta:{name}"] = content[:300]
    return Source(
        path=path, format="html", lines=lines, tables=tables, images=images, image_lines=image_lines, metadata=meta
    )
