"""Parsing table cell text into numbers; blank markers are blank, not zero.

Only ASCII and full-width digits count as digits: digits of other scripts (Arabic-Indic, Devanagari),
superscripts and circled numbers (④) make a cell unreadable rather than a guessed number, and so do digits
separated by spaces (`4 1 5` is not 415) and numbers longer than MAX_DIGITS digits.
"""

from __future__ import annotations

import re
from functools import lru_cache

from gkcheck.extract.normalize import nfkc

BLANK_MARKERS = {"", "-", "—", "——", "－", "/", "／", "无", "空", "\\", "―", "–", "…"}
_UNITS = re.compile(r"(万元|元|件|个|条|项|次|人次|宗|起)$")
_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
_SPACED_DIGITS = re.compile(r"[0-9]\s+[0-9]")
MAX_DIGITS = 15  # beyond this a float no longer holds the number exactly; no report figure is that long


def foreign_digits(text: str) -> bool:
    """Whether `text` holds a digit other than ASCII or full-width 0–9 (④, ², ٣, ३ …)."""
    return any(ch.isdigit() and not "０" <= ch <= "９" for ch in text if not ch.isascii())


@lru_cache(maxsize=65536)
def parse_number(raw: str) -> tuple[int | float | None, str]:
    """Return (value, status) with status ok | blank | unreadable (cached: cell texts repeat a lot)."""
    if foreign_digits(raw or ""):
        return None, "unreadable"
    text = nfkc(raw or "").strip()
    if _SPACED_DIGITS.search(text):
        return None, "unreadable"
    text = re.sub(r"\s+", "", text).replace("\u3000", "")
    if text in BLANK_MARKERS:
        return None, "blank"
    text = _UNITS.sub("", text).replace(",", "")
    if text.startswith("+"):
        text = text[1:]
    if not _NUMBER.match(text) or sum(ch.isdigit() for ch in text) > MAX_DIGITS:
        return None, "unreadable"
    value = float(text)
    if "." not in text:
        return int(text), "ok"
    return (int(value) if value.is_integer() and text.endswith(".0") else value), "ok"
