"""The one place where regular expressions written in rule files are compiled (cached per process).

Rule files are data a user may hand over, so a pattern must not be able to stall a batch: patterns are
compiled when the rules are loaded (an invalid one is a validation problem with its line number), and every
match runs under a time limit (the `regex` package's `timeout`). A pattern that exceeds it on a document
raises `PatternTimeout`; the engine then reports that the rule could not be checked on that document.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import accumulate

import regex

from gkcheck.engine.literals import Need, required
from gkcheck.extract.linescan import lines_containing

MATCH_TIMEOUT = 1.0  # seconds for all matches of one pattern in one document
MAX_PATTERN_CHARS = 2000


class PatternTimeout(Exception):
    """A rule's pattern did not finish matching within MATCH_TIMEOUT."""


class PatternError(ValueError):
    """A rule's pattern is not a valid regular expression (message in Chinese)."""


class Lines:
    """Lines of text joined once by newlines, with where each line starts, for `matching_lines`."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.joined = "\n".join(lines)
        self.starts = list(accumulate((len(line) + 1 for line in lines), initial=0))


# flags under which a character may match other than as written (the required strings are then unknown)
_CASELESS = regex.IGNORECASE | regex.FULLCASE | regex.VERBOSE | regex.BESTMATCH | regex.ENHANCEMATCH


class BoundedPattern:
    """A compiled pattern whose matching is bounded in time."""

    def __init__(self, compiled: regex.Pattern) -> None:
        self.compiled = compiled
        self.pattern = compiled.pattern
        self.need: Need = () if compiled.flags & _CASELESS else required(self.pattern)
        # the set whose strings `matching_lines` looks up in the text: the fewest strings, then the longest
        self._looked_up = min(self.need, key=lambda strings: (len(strings), -min(map(len, strings))), default=None)
        self._lines: regex.Pattern | None = None

    def finditer(self, text: str, starts: Iterable[int] | None = None) -> Iterator[regex.Match]:
        """The matches `finditer` finds. `starts` (ascending) are the only positions where a match can begin,
        when the caller knows them: the pattern is then tried there alone (its matches are never empty)."""
        try:
            if starts is None:
                yield from self.compiled.finditer(text, timeout=MATCH_TIMEOUT)
                return
            deadline = time.monotonic() + MATCH_TIMEOUT
            end = 0
            for start in starts:
                if start >= end:
                    match = self.compiled.match(text, start, timeout=max(deadline - time.monotonic(), 1e-6))
                    if match:
                        end = match.end()
                        yield match
        except TimeoutError as exc:
            raise PatternTimeout(self.pattern) from exc

    def matching_lines(self, lines: Lines) -> set[int]:
        """Indexes of the lines where `search` may find a match: all of them, and maybe a few more. When the
        pattern's matches must hold certain strings (`literals.required`), the lines that hold them, found by
        plain string search. Otherwise one bounded pass over the lines joined by newlines (`^`/`$` at line
        ends, a match tried from every position) instead of one search per line; a pattern with `\\A`, `\\Z`
        or `\\z` rules out no line."""
        if self.need:
            return _holding(lines, self._looked_up, self.need)
        if any(anchor in self.pattern for anchor in ("\\A", "\\Z", "\\z")):
            return set(range(len(lines.lines)))
        if self._lines is None:
            self._lines = regex.compile(self.pattern, self.compiled.flags | regex.MULTILINE)
        found: set[int] = set()
        try:
            for match in self._lines.finditer(lines.joined, overlapped=True, timeout=MATCH_TIMEOUT):
                found.add(bisect_right(lines.starts, match.start()) - 1)
        except TimeoutError as exc:
            raise PatternTimeout(self.pattern) from exc
        return found

    def search(self, text: str) -> regex.Match | None:
        try:
            return self.compiled.search(text, timeout=MATCH_TIMEOUT)
        except TimeoutError as exc:
            raise PatternTimeout(self.pattern) from exc


def _holding(lines: Lines, looked_up: frozenset[str], need: Need) -> set[int]:
    """Indexes of the lines that hold a string of every set in `need`: the lines that hold a string of
    `looked_up` (one of those sets), found in the joined text, then tested for all the sets."""
    texts = lines.lines
    return {i for i in lines_containing(looked_up, texts, lines.joined) if holds(texts[i], need)}


def holds(text: str, need: Need) -> bool:
    """Whether `text` holds a string of every set in `need`."""
    for strings in need:
        for string in strings:
            if string in text:
                break
        else:
            return False
    return True


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> BoundedPattern:
    """Compile a rule's pattern; every pattern-bearing rule kind goes through here. PatternError if invalid."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternError(f"正则表达式过长（{len(pattern)} 个字符，上限 {MAX_PATTERN_CHARS}）")
    try:
        return BoundedPattern(regex.compile(pattern, regex.VERSION0))
    except (regex.error, OverflowError, RecursionError, ValueError, TypeError) as exc:
        raise PatternError(f"正则表达式无效：{str(exc)[:200]}") from exc
