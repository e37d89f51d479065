"""Strings every match of a pattern must contain, to skip text a pattern cannot match without running it.

`required(pattern)` reads a pattern written in a plain subset of the syntax (literal characters, escaped
punctuation, character classes, groups, alternation, quantifiers, anchors and lookarounds) and returns sets of
strings: every match holds at least one string of each set. A pattern that uses anything else (inline flags,
back-references, `\\p{…}`, fuzzy matching, a `{` that is not a quantifier …) gets no sets, and so does a pattern
compiled with flags under which a character may match other than as written (e.g. IGNORECASE): no text is
then skipped. `longest(pattern)` gives the most characters a match can span, when that is bounded. Nothing
here is evaluated; the reading is linear in the pattern.
"""

from __future__ import annotations

import re

Need = tuple[frozenset[str], ...]  # each set: a match holds at least one of its strings

_CLASS_ESCAPES = frozenset("dDwWsSbBAZzG")  # escapes that stand for no one character
_ZERO_WIDTH = frozenset("bBAZzG")  # of those, the ones that match no character
_QUANTIFIER = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")


class _Unsupported(Exception):
    """The pattern uses syntax outside the subset read here."""


Part = tuple[Need, "int | None"]  # what a part of a pattern requires, and its longest match (None: unbounded)


class _Reader:
    """Recursive descent over one pattern; each method returns what its part requires and the most characters
    it can match, and moves `at` past it."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.at = 0

    def peek(self) -> str:
        return self.pattern[self.at] if self.at < len(self.pattern) else ""

    def alternation(self) -> Part:
        """Branches up to a `)` or the end: a string of each branch's best set must be there."""
        branches = [self.sequence()]
        while self.peek() == "|":
            self.at += 1
            branches.append(self.sequence())
        lengths = [length for _, length in branches]
        longest = None if None in lengths else max(lengths)  # type: ignore[type-var]
        if len(branches) == 1:
            return branches[0][0], longest
        if not all(need for need, _ in branches):
            return (), longest
        return (frozenset().union(*(_best(need) for need, _ in branches)),), longest

    def sequence(self) -> Part:
        """Items up to a `|`, a `)` or the end; runs of single literal characters are joined into strings."""
        needs: list[frozenset[str]] = []
        run = ""
        total: int | None = 0
        while self.peek() not in ("", "|", ")"):
            literal, need, length = self.atom()
            repeat = self.quantifier()
            low, high = repeat if repeat else (1, 1)
            if total is not None and length != 0:
                total = None if length is None or high is None else total + length * high
            if literal is not None and repeat is None:
                run += literal
                continue
            if run:
                needs.append(frozenset({run}))
                run = ""
            if low >= 1:
                needs.extend((frozenset({literal}),) if literal is not None else need)
        if run:
            needs.append(frozenset({run}))
        return tuple(needs), total

    def atom(self) -> tuple[str | None, Need, int | None]:
        """One item: its literal character or None, what it requires and its longest match (None: unbounded)."""
        ch = self.peek()
        self.at += 1
        if ch == "(":
            return None, *self.group()
        if ch == "[":
            return None, self.char_class(), 1
        if ch == "\\":
            literal = self.escape()
            return literal, (), 0 if literal is None and self.pattern[self.at - 1] in _ZERO_WIDTH else 1
        if ch in "^$":
            return None, (), 0
        if ch == ".":
            return None, (), 1
        if ch in "*+?{":
            raise _Unsupported(ch)
        return ch, (), 1
    def group(self) -> Part:
        """A group after its `(`: capturing, (?:…), (?P<name>…), atomic, or a lookaround (requires and matches
        nothing)."""
        rest = self.pattern[self.at:]
        lookaround = rest.startswith(("?=", "?!", "?<=", "?<!"))
        if lookaround or rest.startswith(("?:", "?>")):
            self.at += 3 if rest.startswith(("?<=", "?<!")) else 2
        elif rest.startswith("?P<"):
            end = rest.find(">")
            if end < 0 or not rest[3:end].isidentifier():
                raise _Unsupported("group name")
            self.at += end + 1
        elif rest.startswith("?"):
            raise _Unsupported("group kind")
        part = self.alternation()
        if self.peek() != ")":
            raise _Unsupported("unbalanced")
        self.at += 1
        return ((), 0) if lookaround else part

    def char_class(self) -> Need:
        """A set after its `[`: a set of plain characters requires one of them; other sets require nothing."""
        chars: set[str] = set()
        plain = not self.pattern.startswith("^", self.at)
        self.at += 0 if plain else 1
        first = True
        while True:
            ch = self.peek()
            if ch == "":
                raise _Unsupported("unterminated set")
            self.at += 1
            if ch == "]" and not first:
                break
            if ch == "[" and self.peek() == ":":
                raise _Unsupported("POSIX class")
            if ch == "\\":
                plain = False
                self.at += 1
            elif ch == "-" and not first and self.peek() != "]":
                plain = False
            chars.add(ch)
            first = False
        return (frozenset(chars),) if plain else ()

    def escape(self) -> str | None:
        """An escape after its backslash: the punctuation character it stands for, or None for \\d, \\b …"""
        ch = self.peek()
        self.at += 1
        if ch in _CLASS_ESCAPES:
            return None
        if ch.isascii() and not ch.isalnum() and ch:
            return ch
        raise _Unsupported(f"\\{ch}")

    def quantifier(self) -> tuple[int, int | None] | None:
        """The least and most repeat counts (None: no limit) of the quantifier that follows an item, or None."""
        ch = self.peek()
        if ch in ("?", "*", "+"):
            self.at += 1
            low, high = (1 if ch == "+" else 0), (1 if ch == "?" else None)
        elif ch == "{":
            found = _QUANTIFIER.match(self.pattern, self.at)
            if not found or not (found.group(1) or found.group(3)):
                raise _Unsupported("brace")
            self.at = found.end()
            low = int(found.group(1) or 0)
            high = low if not found.group(2) else int(found.group(3)) if found.group(3) else None
        else:
            return None
        if self.peek() in ("?", "+"):  # lazy or possessive
            self.at += 1
        if self.peek() in ("?", "*", "+", "{"):
            raise _Unsupported("repeated quantifier")
        return low, high


def _best(need: Need) -> frozenset[str]:
    """The set that rules out the most text: the longest shortest string, then the fewest strings."""
    return max(need, key=lambda s: (min(map(len, s)), -len(s)))


def _read(pattern: str) -> Part | None:
    reader = _Reader(pattern)
    try:
        part = reader.alternation()
    except (_Unsupported, RecursionError):  # groups nested deeper than this reader goes are left unread
        return None
    return part if reader.at == len(pattern) else None  # not at the end: a stray `)`


def required(pattern: str) -> Need:
    """Sets of strings, a string of each present in every match of `pattern` (compiled with default flags)."""
    part = _read(pattern)
    return () if part is None else tuple(s for s in part[0] if "" not in s)


def longest(pattern: str) -> int | None:
    """The most characters a match of `pattern` can span (lookarounds not counted); None when unbounded or
    unknown."""
    part = _read(pattern)
    return None if part is None else part[1]
