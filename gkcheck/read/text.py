"""Plain-text reader: scraped page text, text exported from a PDF/Word file, or converted text (markdown).

Markdown is text: heading marks (`## 三、…`) and emphasis (`**…**`) are removed so that headings and titles
read as written; pipe tables are kept line for line and laid out for the table rebuild by
`gkcheck.extract.markdown`.
"""

from __future__ import annotations

import re

from gkcheck.model import Source
from gkcheck.read.decode import decode_bytes

_HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s+")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def plain_line(line: str) -> str:
    """A line without markdown heading marks and emphasis."""
    line = _HEADING_MARK.sub("", line)
    return _EMPHASIS.sub(r"\2", line) if "**" in line or "__" in line else line


def read_text(data: bytes, path: str) -> Source:
    text, encoding = decode_bytes(data)
    lines = [plain_line(line.rstrip()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return Source(path=path, format="text", lines=lines, metadata={"encoding": encoding})
