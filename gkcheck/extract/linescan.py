"""Finding the few lines a per-line step has to look at, with one scan of the joined text.

Most lines of a page (menu items, body sentences) can be ruled out by a character or a word they lack. A
step that looks at every line in Python scans the text once for what its lines need instead, and looks only
at the lines where that was found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def lines_with(patterns: Iterable[re.Pattern[str]], lines: list[str], text: str | None = None) -> list[int]:
    """Indexes of the lines in which any of `patterns` finds a match, in order.

    A pattern must not match a line break (write `[^\\S\\n]` for a space) and is compiled with `re.M` when it
    uses `^` or `$`; `text` is `"\\n".join(lines)` when the caller has it. When a line itself holds a line
    break, every line is returned."""
    if text is None:
        text = "\n".join(lines)
    if text.count("\n") != len(lines) - 1:
        return list(range(len(lines)))
    found: set[int] = set()
    for pattern in patterns:
        line = pos = 0
        for m in pattern.finditer(text):
            start = m.start()
            line += text.count("\n", pos, start)
            pos = start
            found.add(line)
    return sorted(found)
