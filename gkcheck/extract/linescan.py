"""Finding the few lines a per-line step has to look at, with one scan of the joined text.

Most lines of a page (menu items, body sentences) can be ruled out by a character or a word they lack. A
step that looks at every line in Python scans the text once for what its lines need instead, and looks only
at the lines where that was found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SHORT_LINES = 40  # characters per line on average up to which scanning the text pays


def scan_pays(lines: list[str], text: str) -> bool:
    """Whether scanning the joined text is cheaper than looking at each line: short lines on average (menu items,
    table cells). A step looks at long lines (paragraphs) one by one faster than a scan reads all their text."""
    return len(text) <= SHORT_LINES * len(lines)


def lines_with(patterns: Iterable[re.Pattern[str]], lines: list[str], text: str | None = None) -> list[int]:
    """Indexes of the lines in which any of `patterns` finds a match, in order; every line when a scan does not
    pay (`scan_pays`).

    A pattern must not match a line break (write `[^\\S\\n]` for a space) and is compiled with `re.M` when it
    uses `^` or `$`; `text` is `"\\n".join(lines)` when the caller has it. When a line itself holds a line
    break, every line is returned."""
    text = "\n".join(lines) if text is None else text
    if not scan_pays(lines, text):
        return list(range(len(lines)))
    return _line_numbers([m.start() for p in patterns for m in p.finditer(text)], lines, text)


def lines_containing(needles: Iterable[str], lines: list[str], text: str | None = None) -> list[int]:
    """Indexes of the lines that contain any of `needles` (strings without a line break), in order; every line
    when a scan does not pay (`scan_pays`)."""
    text = "\n".join(lines) if text is None else text
    if not scan_pays(lines, text):
        return list(range(len(lines)))
    positions: list[int] = []
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            positions.append(at)
            end = text.find("\n", at)  # one position per line is enough
            at = text.find(needle, end + 1) if end >= 0 else -1
    return _line_numbers(positions, lines, text)


def _line_numbers(positions: list[int], lines: list[str], text: str) -> list[int]:
    """The distinct lines of `text` (`lines` joined by line breaks) the positions fall in, in order; every line
    when a line itself holds a line break."""
    if text.count("\n") != len(lines) - 1:
        return list(range(len(lines)))
    found: list[int] = []
    line = pos = 0
    for start in sorted(positions):
        line += text.count("\n", pos, start)
        pos = start
        if not found or found[-1] != line:
            found.append(line)
    return found
