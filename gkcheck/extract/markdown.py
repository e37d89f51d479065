"""Converted text: markdown pipe tables and page markers laid out as the lines the table rebuild reads.

Reports converted from PDF by common tools, or transcribed by OCR, arrive as text with markdown pipe tables
(`| 规章 | 0 | 0 | 5 |`, separator rows `|---|`), often one small table per row group, with header rows of
placeholders (`数据1 … 数据6`) and page markers (`— 4 —`) between rows. A pipe row becomes what a PDF text
layer would show: header cells and group labels each on their own line, a data row as its last label followed
by its numbers (an empty cell between numbers is a blank cell). Every produced line keeps the number of the
document line it came from, so findings point into the document as written.
"""

from __future__ import annotations

import re

from gkcheck.extract.numbers import parse_number

PAGE_MARKER = re.compile(
    r"""^\s*(?:
        [-－—–―~～·•]+\s*\d{1,4}\s*[-－—–―~～·•]+     # - 4 -   — 4 —
      | 第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?  # 第 4 页 / 第4页 共6页
    )\s*$""",
    re.X,
)
_SEPARATOR = re.compile(r"^\s*\|?(\s*:?-{2,}:?\s*\|)+\s*(:?-{2,}:?)?\s*$")
_BREAK = re.compile(r"<br\s*/?>", re.I)
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
MAX_CONTINUATION = 8  # lines a pipe row may be broken over (a cell with a line break)


def split_cells(row: str) -> list[str]:
    """The cells of a pipe row, outer pipes removed, `\\|` unescaped, `<br>` as a space."""
    text = row.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return [_BREAK.sub(" ", c).replace("\\|", "|").strip() for c in _UNESCAPED_PIPE.split(text)]


def _values(cell: str) -> list[str] | None:
    """The numbers (or blank markers) a cell holds — several when a converter merged cells — else None."""
    tokens = cell.split()
    if tokens and all(parse_number(t)[1] != "unreadable" for t in tokens):
        return tokens
    return None


def _distinct(cells: list[str]) -> list[str]:
    out: list[str] = []
    for c in cells:
        if c and c not in out:
            out.append(c)
    return out


def row_lines(cells: list[str]) -> list[str]:
    """One pipe row as text-layer lines (see the module docstring)."""
    cells = [c for c in cells if not PAGE_MARKER.match(c)]
    holds = [k for k, c in enumerate(cells) if c and _values(c) is not None]
    if not holds:
        return _distinct(cells)
    first, last = holds[0], holds[-1]
    labels = _distinct(cells[:first])
    numbers: list[str] = []
    for cell in cells[first:last + 1]:
        numbers.extend(_values(cell) or (["-"] if not cell else [cell]))
    data = " ".join(labels[-1:] + numbers)
    return labels[:-1] + [data]


def expand(lines: list[str]) -> tuple[list[str], list[int]]:
    """Lines for the table rebuild and, for each, the index of the document line it came from."""
    out: list[str] = []
    origin: list[int] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if PAGE_MARKER.match(stripped) or _SEPARATOR.match(stripped) and "|" in stripped:
            out.append("")
            origin.append(i)
            i += 1
            continue
        if stripped.startswith("|"):
            j, text = i, stripped
            while not text.endswith("|") and j + 1 < len(lines) and j - i < MAX_CONTINUATION:
                j += 1
                text += " " + lines[j].strip()
            if text.endswith("|") and text.count("|") >= 2:
                produced = row_lines(split_cells(text)) or [""]
                out.extend(produced)
                origin.extend([i] * len(produced))
                i = j + 1
                continue
        out.append(line)
        origin.append(i)
        i += 1
    return out, origin
