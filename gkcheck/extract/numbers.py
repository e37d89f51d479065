"""Parsing table cell text into numbers; blank markers are blank, not zero."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

BLANK_MARKERS = {"", "-", "—", "——", "－", "/", "／", "无", "空", "\\", "―", "–", "…"}
_UNITS = re.compile(r"(万元|元|件|个|条|项|次|人次|宗|起)$")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


@lru_cache(maxsize=65536)
def parse_number(raw: str) -> tuple[int | float | None, str]:
    """Return (value, status) with status ok | blank | unreadable (cached: cell texts repeat a lot)."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    text = re.sub(r"\s+", "", text).replace("\u3000", "")
    if text in BLANK_MARKERS:
        return None, "blank"
    text = _UNITS.sub("", text).replace(",", "")
    if text.startswith("+"):
        text = text[1:]
    if not _NUMBER.match(text):
        return None, "unreadable"
    value = float(text)
    if "." not in text:
        return int(text), "ok"
    return (int(value) if value.is_integer() and text.endswith(".0") else value), "ok"
