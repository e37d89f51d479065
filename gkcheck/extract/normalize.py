"""Text normalisation for label matching: width, spaces, numbering punctuation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from gkcheck.extract.linescan import lines_containing, lines_with, scan_pays

_WS = re.compile(r"\s+")
_NUM_PUNCT = re.compile(r"(?<![0-9])([0-9]{1,2})[、,，．]")
CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


# Runs of characters whose NFKC form is their own alone, whatever stands around them (none combines or reorders
# with a neighbour, none maps to a combining mark): ASCII, no-break space, middle dot, general punctuation, CJK
# punctuation (not the tone marks), CJK ideographs, full-width forms. In text of these alone only the characters
# NFKC changes are replaced, many times faster than `unicodedata.normalize`.
_PLAIN = ("\x00-\x7f\xa0\xb7\u2010-\u2016\u2018-\u2027\u2030-\u203d\u203f-\u205e\u3000-\u3029\u3030-\u303f"
          "\u4e00-\u9fff\uff01-\uff5e")
PLAIN_NFKC = re.compile(f"[{_PLAIN}]*")
_NOT_PLAIN = re.compile(f"[^{_PLAIN}]")
_NFKC_CHANGES = {ch: form for ch in map(chr, [0xA0, *range(0x2010, 0x2060), *range(0x3000, 0x3040),
                                              *range(0xFF01, 0xFF5F)])
                 if (form := unicodedata.normalize("NFKC", ch)) != ch}
_NFKC_CHANGED = re.compile("[" + "".join(map(re.escape, _NFKC_CHANGES)) + "]")


def _nfkc_form(match: re.Match[str]) -> str:
    return _NFKC_CHANGES[match.group()]


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`."""
    if PLAIN_NFKC.fullmatch(text):
        return _NFKC_CHANGED.sub(_nfkc_form, text)
    return unicodedata.normalize("NFKC", text)


# what `norm` may put in place of other characters: NFKC forms of the characters above, `1.`'s dot
_NORM_MADE = "".join(_NFKC_CHANGES.values()) + "."


def lines_may_hold(chars: str, lines: list[str], text: str | None = None) -> list[int]:
    """Indexes of the lines whose `norm` may contain one of `chars`: the lines that contain one, and those with a
    character outside PLAIN_NFKC (whose NFKC form might hold one); every line when `norm` makes one of `chars`
    from plain characters too, or when a scan does not pay (`scan_pays`). `text` is `"\\n".join(lines)` when
    the caller has it."""
    text = "\n".join(lines) if text is None else text
    if any(ch in _NORM_MADE for ch in chars) or not scan_pays(lines, text):
        return list(range(len(lines)))
    found = lines_containing(chars, lines, text)
    if PLAIN_NFKC.fullmatch(text):
        return found
    return sorted(set(found).union(lines_with((_NOT_PLAIN,), lines, text)))


def _normalised(text: str) -> str:
    text = nfkc(text)
    text = _WS.sub("", text)
    return _NUM_PUNCT.sub(r"\1.", text)


# Lines and labels repeat within and across reports: many are kept. A whole text or section is asked for a few
# times while its report is checked, then never again: only the last few are kept (a worker checks hundreds).
_norm_short = lru_cache(maxsize=16384)(_normalised)
_norm_long = lru_cache(maxsize=16)(_normalised)
LONG_TEXT = 400  # characters


def norm(text: str) -> str:
    """NFKC (full → half width), no whitespace, `1、`/`1，` → `1.`."""
    return _norm_short(text) if len(text) <= LONG_TEXT else _norm_long(text)


@lru_cache(maxsize=4096)
def needles(patterns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[re.Pattern[str], ...]]:
    """A pattern list as its normalised words and its compiled regular expressions (those starting with ^)."""
    return (tuple(norm(p) for p in patterns if not p.startswith("^")),
            tuple(re.compile(p) for p in patterns if p.startswith("^")))


def matches(text: str, patterns: tuple[str, ...]) -> bool:
    """True when normalised `text` contains a pattern; patterns starting with ^ are regular expressions."""
    words, regexes = needles(patterns)
    for word in words:
        if word in text:
            return True
    return bool(regexes) and any(regex.search(text) for regex in regexes)


def from_cn(text: str) -> int | None:
    """一 → 1 … 十九 → 19 (enough for heading numbers)."""
    if not text or any(ch not in CN_DIGITS for ch in text):
        return None
    if len(text) == 1:
        return CN_DIGITS[text]
    if text[0] == "十":
        return 10 + CN_DIGITS[text[1]] if len(text) == 2 else None
    if len(text) == 2 and text[1] == "十":
        return CN_DIGITS[text[0]] * 10
    if len(text) == 3 and text[1] == "十":
        return CN_DIGITS[text[0]] * 10 + CN_DIGITS[text[2]]
    return None


def to_cn(n: int) -> str:
    """1..99 as Chinese numerals (3 → 三, 12 → 十二); other values as digits."""
    digits = "零一二三四五六七八九"
    if 0 < n < 10:
        return digits[n]
    if 10 <= n < 100:
        tens, ones = divmod(n, 10)
        return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")
    return str(n)
