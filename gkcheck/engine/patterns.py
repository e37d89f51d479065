"""The one place where regular expressions written in rule files are compiled (cached per process).

Rule files are data a user may hand over, so a pattern must not be able to stall a batch: patterns are
compiled when the rules are loaded (an invalid one is a validation problem with its line number), and every
match runs under a time limit (the `regex` package's `timeout`). A pattern that exceeds it on a document
raises `PatternTimeout`; the engine then reports that the rule could not be checked on that document.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import regex

MATCH_TIMEOUT = 1.0  # seconds for all matches of one pattern in one document
MAX_PATTERN_CHARS = 2000


class PatternTimeout(Exception):
    """A rule's pattern did not finish matching within MATCH_TIMEOUT."""


class PatternError(ValueError):
    """A rule's pattern is not a valid regular expression (message in Chinese)."""


class BoundedPattern:
    """A compiled pattern whose matching is bounded in time."""

    def __init__(self, compiled: regex.Pattern) -> None:
        self.compiled = compiled
        self.pattern = compiled.pattern

    def finditer(self, text: str) -> Iterator[regex.Match]:
        try:
            yield from self.compiled.finditer(text, timeout=MATCH_TIMEOUT)
        except TimeoutError as exc:
            raise PatternTimeout(self.pattern) from exc

    def search(self, text: str) -> regex.Match | None:
        try:
            return self.compiled.search(text, timeout=MATCH_TIMEOUT)
        except TimeoutError as exc:
            raise PatternTimeout(self.pattern) from exc


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> BoundedPattern:
    """Compile a rule's pattern; every pattern-bearing rule kind goes through here. PatternError if invalid."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternError(f"正则表达式过长（{len(pattern)} 个字符，上限 {MAX_PATTERN_CHARS}）")
    try:
        return BoundedPattern(regex.compile(pattern, regex.VERSION0))
    except (regex.error, OverflowError, RecursionError, ValueError, TypeError) as exc:
        raise PatternError(f"正则表达式无效：{str(exc)[:200]}") from exc
