"""Placing numbers by the template's row order when text does not put them next to a recognised label.

Transcriptions (OCR, PDF-to-markdown tools) lose the link between a row label and its numbers in two ways:

- labels detached from their numbers: the label column is written out first, then the number rows, still in
  template order. The number block is placed row by row when its size is exactly that of the template rows
  from the first to the last label of the block; otherwise those rows are uncertain.
- a row label cut off or misread so that it matches no template row: its numbers are placed on the one
  template row left unfilled between the recognised rows around it (several such rows: in order, when their
  count agrees); otherwise the unfilled rows are uncertain.

Uncertain rows are read as `unreadable`, never as a guessed number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class TokenLike(Protocol):
    kind: str
    value: str
    line: int
    row: str | None


MIN_DETACHED_LABELS = 3


@dataclass
class Placement:
    """Rows read by order, rows left uncertain (key → line of their label), token indices used."""

    rows: dict[str, list[TokenLike]] = field(default_factory=dict)
    uncertain: dict[str, int] = field(default_factory=dict)
    consumed: set[int] = field(default_factory=set)


def by_line(tokens: list[TokenLike]) -> list[list[TokenLike]]:
    """Consecutive tokens grouped by the line they stand on."""
    groups: list[list[TokenLike]] = []
    for tok in tokens:
        if groups and groups[-1][-1].line == tok.line:
            groups[-1].append(tok)
        else:
            groups.append([tok])
    return groups


def detached_blocks(tokens: list[TokenLike], order: list[str], widths: dict[str, int]) -> Placement:
    """Label runs (≥3 rows, in template order, no numbers among them) followed by a block of number lines.
    The block must fill exactly the template rows from the first to the last label of the run, counting
    unrecognised label lines at either end of the run as the rows next to it."""
    place = Placement()
    index = {key: i for i, key in enumerate(order)}
    i, n = 0, len(tokens)
    while i < n:
        if tokens[i].kind != "label":
            i += 1
            continue
        j = i
        keys: list[str] = []
        while j < n and tokens[j].kind != "num":
            row = tokens[j].row
            if tokens[j].kind == "label" and row is not None and (not keys or keys[-1] != row):
                keys.append(row)
            j += 1
        k = j
        while k < n and tokens[k].kind != "label":
            k += 1
        nums = [t for t in tokens[j:k] if t.kind == "num"]
        in_order = all(index[a] < index[b] for a, b in zip(keys, keys[1:]))
        label_line = max((t.line for t in tokens[i:j]), default=-1)
        if len(keys) < MIN_DETACHED_LABELS or not in_order or not nums or nums[0].line <= label_line:
            i = j if j > i else i + 1
            continue
        first, last = index[keys[0]], index[keys[-1]]
        before = 0  # unrecognised (cut-off, misread) label lines just before the run
        while i - before - 1 >= 0 and tokens[i - before - 1].kind == "text" and before < first:
            before += 1
        last_label = max(p for p in range(i, j) if tokens[p].kind == "label")
        after = min(sum(1 for p in range(last_label + 1, j) if tokens[p].kind == "text"), len(order) - 1 - last)
        fits = [(b, a) for b in range(before + 1) for a in range(after + 1)
                if sum(widths[s] for s in order[first - b:last + a + 1]) == len(nums)]
        if len(fits) == 1:
            b, a = fits[0]
            pos = 0
            for key in order[first - b:last + a + 1]:
                place.rows[key] = nums[pos:pos + widths[key]]
                pos += widths[key]
        elif not fits and len(nums) <= widths[order[last]]:
            i = j  # the numbers of the last label only (the rows above it left empty): read as usual
            continue
        else:
            lines = {t.row: t.line for t in tokens[i:j] if t.kind == "label"}
            for key in order[first - before:last + after + 1]:
                place.uncertain[key] = lines.get(key, tokens[i].line)
        taken = nums
        used = {id(t) for t in taken}
        place.consumed.update(m for m in range(i, k) if tokens[m].kind != "num" or id(tokens[m]) in used)
        i = k
    return place


@dataclass
class Unplaced:
    """Numbers that followed a label matching no template row (a cut-off or misread label)."""

    line: int
    label: str
    tokens: list[TokenLike]


def place_unlabelled(rows: dict[str, list[TokenLike]], first_line: dict[str, int], unplaced: list[Unplaced],
                     order: list[str], widths: dict[str, int], uncertain: dict[str, int]) -> None:
    """Put numbers of unrecognised labels on the unfilled template rows between the recognised rows around them."""
    if not unplaced:
        return
    index = {key: i for i, key in enumerate(order)}
    known = sorted((line, index[key]) for key, line in first_line.items() if rows.get(key))
    groups: dict[tuple[int, int], list[Unplaced]] = {}
    for u in unplaced:
        before = [pos for line, pos in known if line < u.line]
        after = [pos for line, pos in known if line > u.line]
        groups.setdefault((before[-1] if before else -1, after[0] if after else len(order)), []).append(u)
    for (before, after), items in groups.items():
        gap = [order[p] for p in range(before + 1, after) if not rows.get(order[p]) and order[p] not in uncertain]
        if len(gap) == len(items) and all(len(u.tokens) == widths[key] for key, u in zip(gap, items)):
            for key, u in zip(gap, items):
                rows[key] = u.tokens
                first_line[key] = u.line
        else:
            for key in gap:
                uncertain[key] = items[0].line
