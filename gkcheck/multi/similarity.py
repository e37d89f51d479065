"""Copied text across reports: shingled character n-grams, MinHash signatures and LSH banding.

1. Each compared section is split into sentences. Sentences of the template itself (section titles, table
   labels) and sentences found in at least `boilerplate_share` of the reports are boilerplate and dropped, so
   shared template wording never counts as copying (digits count as one symbol when sentences are compared).
2. The rest is cut into character n-grams ("shingles"), hashed once each (CRC-32), and summarised by a
   one-permutation MinHash signature of 64 bins (with rotation densification for empty bins).
3. LSH: 16 bands of 4 values; sections sharing a band value become candidate pairs (sorting per band, so
   memory stays linear). Very large buckets are paired as a star, not all pairs: the work stays well under
   quadratic even when hundreds of reports share a paragraph.
4. Every candidate pair is verified with the exact Jaccard similarity of its shingle sets, so the result
   does not depend on hashing luck near the threshold.
"""

from __future__ import annotations

import re
import zlib
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from gkcheck.multi.digest import Digest
from gkcheck.templates import load_template, template_versions

BINS, BANDS = 64, 16
ROWS = BINS // BANDS
SHIFT = 6  # log2(BINS)
EMPTY = 0xFFFFFFFF
MAX_BUCKET = 40  # larger buckets are paired as a star around their first member
PARTS = 16  # the sentence counts are sorted in this many parts
CACHED_SETS = 256  # shingle sets kept while candidate pairs are verified

_SPLIT = re.compile(r"[。！？；!?;\n]+")
_KEEP = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff]+")
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Settings:
    threshold: float = 0.8
    shingle: int = 5
    sections: tuple[int, ...] = (1, 5, 6)
    min_chars: int = 80
    boilerplate_share: float = 0.5
    boilerplate_min_reports: int = 6

    @classmethod
    def from_profile(cls, multi: dict) -> Settings:
        given = dict(multi.get("similarity") or {})
        if "sections" in given:
            given["sections"] = tuple(given["sections"])
        return cls(**given)


@dataclass(frozen=True)
class Pair:
    """Two reports whose section `section` is at least `threshold` similar (exact Jaccard of shingles)."""

    a: int  # index into the digests
    b: int
    section: int
    similarity: float


def sentences(text: str) -> list[str]:
    """Sentences as compared: letters, digits and Chinese characters only."""
    out = []
    for part in _SPLIT.split(text):
        kept = _KEEP.sub("", part)
        if kept:
            out.append(kept)
    return out


def sentence_key(sentence: str) -> str:
    return _DIGITS.sub("#", sentence)


@cache
def template_sentences() -> frozenset[str]:
    """Keys of the template's own wording: section titles, table row and column labels."""
    keys: set[str] = set()
    for version in template_versions():
        template = load_template(version)
        for section in template.sections:
            keys.update(sentence_key(s) for s in sentences(section["title"]))
        for table in template.tables.values():
            for row in table.rows:
                keys.update(sentence_key(s) for s in sentences(row.label))
            for column in table.columns.values():
                keys.update(sentence_key(s) for s in sentences(column.label))
    return frozenset(k for k in keys if len(k) >= 4)


def key_hash(sentence: str) -> int:
    """The compared form of a sentence, as a number (boilerplate is counted on these, not on the text)."""
    return hash(sentence_key(sentence))


class SentenceCounts:
    """In how many reports each sentence key occurs (step 1), gathered one report at a time, e.g. as the reports
    of a batch arrive, so that finding the boilerplate needs no pass over the texts at the end.

    Each report's distinct key hashes are appended to flat arrays (8 bytes each, split by hash into parts) and
    counted by sorting one part at a time, so the count needs far less memory than a dictionary of every
    sentence."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.reports = 0
        self._parts = [array("q") for _ in range(PARTS)]

    def add(self, sections: dict[int, str]) -> None:
        """Count one report (its sections by number; only the compared ones are read)."""
        self.add_sentences(s for n in self.settings.sections for s in sentences(sections.get(n, "")))

    def add_sentences(self, report_sentences: Iterable[str]) -> None:
        self.reports += 1
        for k in {key_hash(s) for s in report_sentences}:
            self._parts[k & (PARTS - 1)].append(k)

    def boilerplate(self) -> frozenset[int]:
        """Key hashes of template sentences, plus of sentences found in at least `boilerplate_share` of the
        reports counted (only once there are `boilerplate_min_reports` of them). The counts are used up."""
        keys = {hash(k) for k in template_sentences()}
        if self.reports >= self.settings.boilerplate_min_reports:
            limit = self.settings.boilerplate_share * self.reports
            for n, part in enumerate(self._parts):
                ordered = sorted(part)
                self._parts[n] = array("q")
                start = 0
                for end in range(1, len(ordered) + 1):
                    if end < len(ordered) and ordered[end] == ordered[start]:
                        continue
                    if end - start >= limit:
                        keys.add(ordered[start])
                    start = end
        return frozenset(keys)


def shingles(text: str, size: int) -> set[int]:
    """CRC-32 of every character n-gram (the whole text when shorter than n); the text is encoded once
    (UTF-32, four bytes a character) and each n-gram is a slice of it."""
    if len(text) <= size:
        return {zlib.crc32(text.encode("utf-32-le"))} if text else set()
    data, width = text.encode("utf-32-le"), 4 * size
    crc = zlib.crc32
    return {crc(data[i:i + width]) for i in range(0, len(data) - width + 4, 4)}


def signature(hashes: set[int]) -> array:
    """One-permutation MinHash: the minimum of each of 64 bins; empty bins borrow from the next full one.

    A hash is (value << 6 | bin); within one bin, ordering by hash is ordering by value, so writing the hashes
    from largest to smallest leaves each bin's minimum."""
    lowest = {h & (BINS - 1): h >> SHIFT for h in sorted(hashes, reverse=True)}
    sig = array("I", [lowest.get(b, EMPTY) for b in range(BINS)])
    if len(lowest) < BINS and lowest:
        full = sorted(lowest)
        filled = array("I", sig)
        for i in range(BINS):
            if sig[i] == EMPTY:
                step = next(((j - i) % BINS for j in full if j > i), (full[0] - i) % BINS)
                filled[i] = (sig[(i + step) % BINS] + step * (1 << (32 - SHIFT))) & 0xFFFFFFFF
        sig = filled
    return sig


def jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def _clean_text(report_sentences: list[str], common: frozenset[int]) -> str:
    return "".join(s for s in report_sentences if key_hash(s) not in common)


def find_copies(digests: list[Digest], settings: Settings = Settings(),
                texts: Callable[[int], dict[int, str]] | None = None,
                counts: SentenceCounts | None = None) -> list[Pair]:
    """Pairs of reports with a section at least `threshold` similar, each pair once (a < b).

    `texts(i)` gives the sections of digest i (default: `digests[i].sections`); it is called one report at a
    time, once per report (twice without `counts`) and again for the reports of candidate pairs, so the texts
    can stay on disk. `counts`, when given, has counted exactly these digests' sentences already."""
    read = texts or (lambda i: digests[i].sections)

    def split(index: int) -> dict[int, list[str]]:
        found = read(index)
        return {n: sentences(found.get(n, "")) for n in settings.sections}

    if counts is None:
        counts = SentenceCounts(settings)
        for per in map(split, range(len(digests))):
            counts.add_sentences(s for n in per.values() for s in n)
    if counts.reports != len(digests):
        raise ValueError("the sentence counts are not those of these digests")
    common = counts.boilerplate()
    items: list[tuple[int, int]] = []  # (digest index, section)
    sigs = array("I")
    for index in range(len(digests)):
        per = split(index)
        for number in settings.sections:
            text = _clean_text(per[number], common)
            if len(text) < settings.min_chars:
                continue
            items.append((index, number))
            sigs.extend(signature(shingles(text, settings.shingle)))
    candidates: set[tuple[int, int]] = set()
    for band in range(BANDS):
        keyed = sorted((hash((items[i][1], band, *sigs[i * BINS + band * ROWS: i * BINS + (band + 1) * ROWS])), i)
                       for i in range(len(items)))
        start = 0
        for end in range(1, len(keyed) + 1):
            if end < len(keyed) and keyed[end][0] == keyed[start][0]:
                continue
            group = [i for _, i in keyed[start:end]]
            start = end
            if len(group) < 2:
                continue
            if len(group) <= MAX_BUCKET:
                candidates.update((x, y) for k, x in enumerate(group) for y in group[k + 1:])
            else:
                candidates.update((group[0], y) for y in group[1:])
    pairs: list[Pair] = []
    cache_sets: dict[int, set[int]] = {}

    def shingle_set(item: int) -> set[int]:
        if item not in cache_sets:
            if len(cache_sets) > CACHED_SETS:
                cache_sets.clear()
            index, number = items[item]
            cache_sets[item] = shingles(_clean_text(split(index)[number], common), settings.shingle)
        return cache_sets[item]

    for x, y in sorted(candidates):
        (ia, section), (ib, _) = items[x], items[y]
        if ia == ib:
            continue
        value = jaccard(shingle_set(x), shingle_set(y))
        if value >= settings.threshold:
            pairs.append(Pair(min(ia, ib), max(ia, ib), section, round(value, 4)))
    return pairs
