"""Reading figures in the report text: compacted text with line numbers, sentences, numbers with units.

PDF text layers wrap lines mid-sentence, so the text is compacted (all whitespace removed) and every
character keeps the line it came from. Numbers may be written with digits (`3,119`, `17.83万`) or Chinese
numerals (`三`, `十七`, `一百零五`); each parsed number carries the tolerance its written precision implies.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from gkcheck.engine.literals import Need, longest, required
from gkcheck.engine.patterns import BoundedPattern, compile_pattern, holds
from gkcheck.extract.normalize import nfkc

MAX_FIGURE_CHARS = 18
SENTENCE_END = "。；;！!？?"
MAX_SENTENCE = 400  # characters a sentence may run before and after a figure (bounds the work per figure)
CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
NUMBER = rf"(?:[0-9][0-9,]*(?:\.[0-9]+)?万?|[{CN_NUMERAL}]+)"  # ASCII digits only (text is NFKC)
FIGURE_CHARS = frozenset("0123456789,." + CN_NUMERAL + "余多")  # every character a figure may hold
FIGURE_FIRST = frozenset("0123456789" + CN_NUMERAL)  # the characters a figure may begin with
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}


@dataclass(frozen=True)
class Figure:
    """A number written in the text: its value and how far the true value may lie from it (rounding)."""

    value: float
    tolerance: float
    written: str

    def agrees(self, other: float) -> bool:
        return abs(other - self.value) <= self.tolerance + 1e-9


@dataclass
class Text:
    """The report text without whitespace, with the 1-based line number each character comes from."""

    compact: str
    starts: list[int]  # where each line that keeps a character begins in `compact`
    numbers: list[int]  # the line number of each of those lines
    held: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)  # `may_match`'s look-ups

    def may_match(self, need: Need) -> bool:
        """False when the text lacks every string of one of the sets in `need` (no match is then possible).
        Whether the text holds a string is looked up once per text (patterns share their words and units)."""
        held = self.held
        for strings in need:
            for string in strings:
                found = held.get(string)
                if found is None:
                    found = held[string] = string in self.compact
                if found:
                    break
            else:
                return False
        return True

    def matches(self, pattern: BoundedPattern | PhrasePattern) -> Iterator[re.Match[str]]:
        """The pattern's matches in the compacted text; none, without running it, when `may_match` rules it out."""
        return pattern.finditer(self.compact) if self.may_match(pattern.need) else iter(())

    def line_at(self, index: int) -> int:
        """The line of the character at `index` (the last character's past the end; 1 in an empty text)."""
        if not self.compact:
            return 1
        return self.numbers[bisect_right(self.starts, min(index, len(self.compact) - 1)) - 1]

    def sentence_start(self, index: int) -> int:
        """Index just after the sentence end (。；！？) before `index` (at most MAX_SENTENCE back)."""
        floor = max(0, index - MAX_SENTENCE)
        best = floor - 1
        for mark in SENTENCE_END:
            best = max(best, self.compact.rfind(mark, floor, index))
        return best + 1

    def sentence_end(self, index: int) -> int:
        """Index just after the next sentence end (at most MAX_SENTENCE ahead)."""
        ceiling = min(len(self.compact), index + MAX_SENTENCE)
        ends = [p for p in (self.compact.find(m, index, ceiling) for m in SENTENCE_END) if p >= 0]
        return min(ends) + 1 if ends else ceiling


_SPACE = re.compile(r"[^\S\n]+")  # \s is exactly str.isspace()


@lru_cache(maxsize=8)
def compact(text: str) -> Text:
    """Remove whitespace (NFKC-normalised: full-width digits and punctuation become half-width). NFKC keeps
    every line break and makes none, so the text is normalised and stripped in one pass each."""
    kept = _SPACE.sub("", nfkc(text)).split("\n")
    starts: list[int] = []
    numbers: list[int] = []
    at = 0
    for number, line in enumerate(kept, start=1):
        if line:
            starts.append(at)
            numbers.append(number)
            at += len(line)
    return Text("".join(kept), starts, numbers)


def cn_to_int(text: str) -> int | None:
    """Chinese numerals to an integer: 三 → 3, 十七 → 17, 一百零五 → 105, 两千 → 2000, 1万-style not here."""
    if not text or any(ch not in _CN_DIGIT and ch not in _CN_UNIT and ch not in "万亿" for ch in text):
        return None
    if all(ch in _CN_DIGIT for ch in text) and len(text) > 1:  # 二〇二四: digit by digit
        return int("".join(str(_CN_DIGIT[ch]) for ch in text))
    total = section = 0
    digit: int | None = None
    for ch in text:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            section += (1 if digit is None else digit) * _CN_UNIT[ch]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            total = (total + section) * (10_000 if ch == "万" else 100_000_000)
            section, digit = 0, None
    return total + section + (digit or 0)


def parse_figure(written: str) -> Figure | None:
    """`3,119` → 3119 (exact); `17.83万` → 178300 ± 50; `十七` → 17; None when not a number."""
    text = written.replace(",", "")
    if len(text) > MAX_FIGURE_CHARS:  # no report figure is that long (and int() refuses 4 300+ digits)
        return None
    scale = 1
    if text.endswith("万") and text[:-1] and text[-2].isdigit():
        text, scale = text[:-1], 10_000
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        decimals = len(text.split(".")[1]) if "." in text else 0
        value = float(text) * scale
        tolerance = 0.5 * 10 ** -decimals * scale if scale > 1 or decimals else 0.0
        return Figure(value=value, tolerance=tolerance, written=written)
    number = cn_to_int(text)
    if number is None:
        return None
    return Figure(value=float(number * scale), tolerance=0.0, written=written)


@dataclass(frozen=True)
class PhrasePattern:
    """A rule's phrase pattern with its figure expanded (`expand_pattern`)."""

    bounded: BoundedPattern
    units: tuple[str, ...] | None  # the units, when the phrase begins with its figure
    after: tuple[Need, int] | None = None  # then, when known: the strings the rest of the phrase must hold (see
    # `literals.required`) and the most characters it spans after the unit

    @property
    def need(self) -> Need:
        return self.bounded.need

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The pattern's matches; a phrase that begins with its figure is tried only where figure characters
        stand right before a unit (elsewhere it cannot match: most text is not a figure) that the rest of the
        phrase can follow."""
        return self.bounded.finditer(text, figure_starts(text, self.units, self.after) if self.units else None)


def figure_starts(text: str, units: tuple[str, ...], after: tuple[Need, int] | None = None) -> list[int]:
    """Ascending positions where a figure followed by one of `units` may begin: a digit or Chinese numeral in the
    run of figure characters (digits, separators, Chinese numerals, 余/多) that ends right before a unit. With
    `after` (need, span), only units followed within `span` characters by a string of every set in `need`."""
    ends: set[int] = set()
    for unit in units:
        at = text.find(unit)
        while at >= 0:
            if after is None or _followed(text, at + len(unit), after):
                ends.add(at)
            at = text.find(unit, at + 1)
    starts: list[int] = []
    floor = 0  # runs already walked are not walked again: linear in the text
    for end in sorted(ends):
        begin = end
        while begin > floor and text[begin - 1] in FIGURE_CHARS:
            begin -= 1
        starts.extend(i for i in range(begin, end) if text[i] in FIGURE_FIRST)
        floor = end
    return starts


def _followed(text: str, begin: int, after: tuple[Need, int]) -> bool:
    need, span = after
    return holds(text[begin:begin + span], need)


# flags under which a unit might match other than as written, or a match be tried other than from its start
_OTHER_MATCHING = regex.IGNORECASE | regex.FULLCASE | regex.VERBOSE | regex.REVERSE | regex.VERSION1 \
    | regex.BESTMATCH | regex.ENHANCEMATCH


def _one_branch(pattern: str) -> bool:
    """No alternation at the top level of `pattern` (escapes, sets and groups skipped)."""
    depth, in_set, i = 0, False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 1
        elif in_set:
            in_set = ch != "]"
        elif ch == "[":
            in_set = True
            i += 1 if pattern[i + 1:i + 2] == "^" else 0
            i += 1 if pattern[i + 1:i + 2] == "]" else 0  # a `]` first in a set is a character
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            return False
        i += 1
    return True


@lru_cache(maxsize=1024)
def expand_pattern(pattern: str, units: tuple[str, ...]) -> PhrasePattern:
    """A rule's phrase pattern with `{n}` standing for a number (with an optional 余/多) and one of the units."""
    unit = "(?P<unit>" + "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True)) + ")"
    bounded = compile_pattern(pattern.replace("{n}", f"(?P<n>{NUMBER})(?P<about>余|多)?{unit}"))
    rest = pattern[3:]
    leading = pattern.startswith("{n}") and all(units) and not rest.startswith(("?", "*", "+", "{")) \
        and _one_branch(rest) and "\\G" not in rest and not bounded.compiled.flags & _OTHER_MATCHING
    if not leading:
        return PhrasePattern(bounded, None)
    need, span = required(rest), longest(rest)
    return PhrasePattern(bounded, units, (need, span) if need and span is not None else None)
