"""Plain-text reader: scraped page text or text exported from a PDF/Word file."""

from __future__ import annotations

from gkcheck.model import Source
from gkcheck.read.decode import decode_bytes


def read_text(data: bytes, path: str) -> Source:
    text, encoding = decode_bytes(data)
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return Source(path=path, format="text", lines=lines, metadata={"encoding": encoding})
