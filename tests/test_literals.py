"""Strings a pattern's matches must hold (`gkcheck.engine.literals`), used to skip lines a pattern cannot match."""

from __future__ import annotations

import inspect
import sys

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from gkcheck.engine.literals import longest, required
from gkcheck.engine.patterns import Lines, compile_pattern


def sets(pattern: str) -> list[set[str]]:
    return [set(s) for s in required(pattern)]


def test_literals_groups_and_alternatives() -> None:
    assert sets(r"(?P<year>(?:19|20)\d{2})年") == [{"19", "20"}, {"年"}]
    assert sets(r"(?:我|本)(?:局|委|厅)(?![长领])") == [{"我", "本"}, {"局", "委", "厅"}]
    assert sets(r"上(?:一)?年度?结转") == [{"上"}, {"年"}, {"结转"}]
    assert sets(r"复议[^。；;]{0,30}?(?:均|全部)维持") == [{"复议"}, {"均", "全部"}, {"维持"}]
    assert sets(r"[（(]第\.x") == [{"（", "("}, {"第.x"}]
    assert sets(r"ab+c{2,3}d") == [{"a"}, {"b"}, {"c"}, {"d"}]


def test_optional_parts_and_lookarounds_require_nothing() -> None:
    assert sets(r"(?:统计)?年?[^年]*(?=年)(?<!年)x{0,2}") == []
    assert sets(r"年|") == []
    assert sets(r"(?:年度|年)份") == [{"年度", "年"}, {"份"}]
    assert sets(r"[a-z]中[\d年]") == [{"中"}]
    assert sets(r"[0-2][-x][x-]") == [{"-", "x"}, {"x", "-"}]


@pytest.mark.parametrize("pattern", [
    r"(?i)abc", r"(?:abc){e<=1}", r"a{,}", r"\p{Han}年", r"(a)\1", r"(?P<x>a)(?P=x)", r"[[:alpha:]]年", r"\L<words>",
    r"a**", r"\x41", r"年\n", r"(?#note)年", r"(?<n>年)", r"年)", r"(年", "[年",
])
def test_syntax_outside_the_subset_requires_nothing(pattern: str) -> None:
    assert required(pattern) == ()


def test_groups_nested_deeper_than_the_reader_goes_give_no_required_strings() -> None:
    nested = "(" * 100 + "年" + ")" * 100
    assert required(nested) == (frozenset({"年"}),)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 150)  # fewer frames than 100 nested groups take
    try:
        assert required(nested) == ()
    finally:
        sys.setrecursionlimit(limit)


def test_caseless_pattern_skips_no_line() -> None:
    pattern = compile_pattern(r"(?i)abc")
    assert pattern.need == ()
    assert pattern.matching_lines(Lines(["ABC", "x"])) == {0}


def test_lines_are_ruled_out_only_when_they_lack_a_required_string() -> None:
    lines = Lines(["2023年收到申请", "没有年份", "二〇二三", "我局", "本委员会", "2023", "年"])
    assert compile_pattern(r"(?P<year>(?:19|20)\d{2})年").matching_lines(lines) == {0}
    assert compile_pattern(r"(?:我|本)(?:局|委|厅)").matching_lines(lines) == {3, 4}
    assert compile_pattern(r"(?:我|本)(?:局|委|厅)").need  # found by string search, not by the regex


ATOMS = ["a", "b", "年", "中", ".", r"\d", "[ab]", "[^a]", "[年中]", "[中-年]", "[0-2]", r"\.", "^", "$", r"\b"]
QUANTIFIERS = ["", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,}", "??", "+?", "{,1}"]


BOUNDED = [q for q in QUANTIFIERS if q not in ("*", "+", "{1,}", "+?")]


@st.composite
def patterns(draw: st.DrawFn, depth: int = 0, quantifiers: tuple[str, ...] = tuple(QUANTIFIERS)) -> str:
    items = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 5 if depth < 2 else 0))
        if kind == 0 or kind == 1:
            atom = draw(st.sampled_from(ATOMS))
        elif kind == 2:
            atom = "(?:" + "|".join(draw(st.lists(patterns(depth + 1, quantifiers), min_size=1, max_size=3))) + ")"
        elif kind == 3:
            atom = "(" + draw(patterns(depth + 1, quantifiers)) + ")"
        elif kind == 4:
            opening = draw(st.sampled_from(["(?=", "(?!", "(?<=", "(?<!", "(?>"]))
            atom = opening + draw(patterns(depth + 1, quantifiers)) + ")"
        else:
            atom = "(?P<g" + str(draw(st.integers(0, 10**6))) + ">" + draw(patterns(depth + 1, quantifiers)) + ")"
        items.append(atom + ("" if atom in ("^", "$", r"\b") else draw(st.sampled_from(quantifiers))))
    return "".join(items)


@settings(max_examples=400, deadline=None)
@given(st.one_of(patterns(), patterns(quantifiers=tuple(BOUNDED))), st.text(alphabet="ab年中.1 ", max_size=14))
def test_every_match_holds_a_string_of_each_required_set(pattern: str, text: str) -> None:
    try:
        compiled = regex.compile(pattern, regex.VERSION0)
    except regex.error:
        return
    need, most = required(pattern), longest(pattern)
    for start in range(len(text) + 1):
        match = compiled.match(text, start, timeout=1.0)
        if match:
            assert all(any(s in match.group(0) for s in strings) for strings in need), (pattern, text, need)
            assert most is None or len(match.group(0)) <= most, (pattern, text, most)


def test_longest_match() -> None:
    assert longest(r"(?:申请)?(?:顺延|结转)(?:至|到)下(?:一)?年度?") == 9
    assert longest(r"[，,]?其中(?=\d)\b") == 3
    assert longest(r"x{,3}y|\d{2}") == 4
    assert longest(r"a+") is None and longest(r"(?:ab|c)*") is None and longest(r"(?i)a") is None
