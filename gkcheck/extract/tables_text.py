"""Rebuilding the template tables from flattened text.

Handles PDF text layers (a table row is one line: label then numbers, labels wrapped over several lines,
numbers sometimes printed before their label) and scraped page text where every cell stands on its own
line. Rows are anchored on the template's row labels; numbers are assigned in the template's column order.
Converted text is read the same way: markdown pipe tables are first laid out as text-layer lines
(`gkcheck.extract.markdown`), and numbers that no recognised label claims are placed by the template's row
order where that is certain (`gkcheck.extract.row_order`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gkcheck.extract.cells import detect_version, label_deviation, make_cell, match_row
from gkcheck.extract.markdown import expand
from gkcheck.extract.normalize import norm
from gkcheck.extract.numbers import parse_number
from gkcheck.extract.row_order import Unplaced, by_line, detached_blocks, place_unlabelled
from gkcheck.model import CellValue
from gkcheck.templates import TableDef, load_template, tables_by_version

_SECTION = re.compile(r"^[一二三四五六七八九十]+[、.．]\S{2,}")
MAX_T3_LINES = 900  # a table with every cell on its own line and blank lines between them
_T4_HEADER = ("结果维持", "行政复议", "复议后起诉", "直接起诉")
_T4_START = ("结果维持", "尚未审结", "维持纠正", "行政复议行政诉讼", "复议后起诉")
ROW_ORDER_NOTE = "row_order_uncertain"
ROW_ORDER_REASON = "row_order"
_GARBLED = re.compile(r"^(?=.*\d)[0-9OoIl|]+$")
MAX_LOOSE_LABEL = 12  # a 表二 row label standing alone with its numbers
DETACHED_SPAN = 80
_SECOND_LABEL = re.compile(r"^(?:二[、.．]?)?上年结转")  # the second 表三 row label, starting its line
MAX_CANDIDATES = 20  # lines between the first 表三 label and its numbers when labels are written apart


@dataclass
class Token:
    kind: str  # label | num | text
    value: str
    line: int
    row: str | None = None


@dataclass
class TextTable:
    version: str
    cells: dict[str, CellValue] = field(default_factory=dict)
    start: int = 0
    end: int = 0
    notes: list[str] = field(default_factory=list)
    label_deviations: list[dict] = field(default_factory=list)


def _is_num(token: str) -> bool:
    """A number (with thousands separators, full-width digits or a unit) or a blank marker such as —; also
    a token of digits that cannot be read (other scripts, superscripts, ④, too many digits): it still fills
    its column, as an unreadable cell, so that the numbers after it keep their columns."""
    return parse_number(token)[1] != "unreadable" or _digits_only(token)


def _digits_only(token: str) -> bool:
    return any(ch.isdigit() for ch in token) and all(ch.isdigit() or ch in ",.，" for ch in token)


def split_line(line: str) -> tuple[str, list[str]]:
    """Split a line into its label text and the trailing run of numeric tokens."""
    parts = line.replace("\u3000", " ").split()
    cut = len(parts)
    while cut and _is_num(parts[cut - 1]):  # linear: the run is found first, then sliced off once
        cut -= 1
    parts, nums = parts[:cut], parts[cut:]
    if nums and all(parse_number(t)[1] == "blank" for t in nums) and parts:
        return line.strip(), []  # a dash at the end of a sentence is not a blank row
    return " ".join(parts), nums


def _split(line: str) -> tuple[str, list[str]]:
    """`split_line`, with numbers misread by OCR (`1O`, `l2`) just before the numbers kept as (unreadable)
    cells of the row rather than read as part of its label."""
    label, nums = split_line(line)
    if nums and label:
        parts = label.split()
        k = len(parts)
        while k and _GARBLED.match(parts[k - 1]):
            k -= 1
        if k < len(parts):
            return " ".join(parts[:k]), parts[k:] + nums
    return label, nums


def _tokens(lines: list[str], start: int, end: int, table: TableDef) -> list[Token]:
    tokens: list[Token] = []
    for i in range(start, end):
        label, nums = _split(lines[i])
        if label:
            row = match_row(label, table)
            tokens.append(Token("label" if row else "text", label, i, row.key if row else None))
        tokens.extend(Token("num", n, i) for n in nums)
    return tokens


@dataclass
class Assignment:
    """Numbers per template row, and rows whose numbers cannot be placed with certainty (key → line)."""

    rows: dict[str, list[Token]]
    uncertain: dict[str, int] = field(default_factory=dict)


def _assign(tokens: list[Token], table: TableDef) -> Assignment:
    """Anchor number runs on row labels: numbers follow their label, or precede it when the label's
    cell was vertically centred (the PDF text then prints the numbers first). Label columns written out
    apart from their numbers, and numbers after labels that match no row, are placed by template order."""
    widths = {r.key: len(table.row_columns(r)) for r in table.rows}
    order = [r.key for r in table.rows]
    placed = detached_blocks(tokens, order, widths)
    rows: dict[str, list[Token]] = dict(placed.rows)
    first_line: dict[str, int] = {}
    lines_with_numbers = {t.line for t in tokens if t.kind == "num"}
    text_lines = {t.line: t.value for t in tokens if t.kind == "text"}
    unplaced: list[Unplaced] = []
    current: str | None = None
    orphans: list[Token] = []

    def drop_orphans() -> None:
        for group in by_line([t for t in orphans if t.line in text_lines]):
            unplaced.append(Unplaced(group[0].line, text_lines[group[0].line], group))
        orphans.clear()

    for i, tok in enumerate(tokens):
        if i in placed.consumed:
            continue
        if tok.kind == "label":
            if tok.row == current or tok.row in rows or tok.row in placed.uncertain:
                continue  # a wrapped label line matching the same row again
            first_line[tok.row] = tok.line
            width = widths[tok.row]
            if len(orphans) >= width and tok.line not in lines_with_numbers:
                rows[tok.row] = orphans[:width]
                del orphans[:width]
                current = None
            else:
                drop_orphans()  # a label with numbers on its own line: earlier numbers are not its
                rows[tok.row] = []
                current = tok.row
        elif tok.kind == "num":
            if current is not None and len(rows[current]) < widths[current]:
                rows[current].append(tok)
                if len(rows[current]) == widths[current]:
                    current = None
            else:
                orphans.append(tok)
        elif len(norm(tok.value)) > 2:
            drop_orphans()  # text between numbers and a label: those numbers belong to something else
    drop_orphans()
    for key, toks in placed.rows.items():
        first_line.setdefault(key, toks[0].line if toks else 0)
    uncertain = dict(placed.uncertain)
    place_unlabelled(rows, first_line, unplaced, order, widths, uncertain)
    for key in uncertain:
        rows.pop(key, None)
    return Assignment(rows, uncertain)


def _find(lines: list[str], start: int, end: int, pred) -> int | None:
    for i in range(start, min(end, len(lines))):
        if pred(norm(lines[i])):
            return i
    return None


def _has_numbers_near(lines: list[str], i: int, span: int = 6) -> bool:
    return any(split_line(lines[j])[1] for j in range(max(0, i - 1), min(len(lines), i + span)))


def _deviations(tokens: list[Token], table: TableDef) -> list[dict]:
    rows = {r.key: r for r in table.rows}
    out: list[dict] = []
    for tok in tokens:
        if tok.kind == "label" and not any(d["row"] == tok.row for d in out):
            found = label_deviation(tok.value, rows[tok.row])
            if found:
                out.append({"row": tok.row, "found": found, "expected": rows[tok.row].label,
                            "location": {"line": tok.line + 1}})
    return out


def _fill(table: TableDef, assigned: Assignment) -> dict[str, CellValue]:
    cells: dict[str, CellValue] = {}
    for row in table.rows:
        if row.key in assigned.uncertain:
            source = {"line": assigned.uncertain[row.key] + 1, "uncertain": ROW_ORDER_REASON}
            for col in table.row_columns(row):
                cells[f"{table.name}.{row.key}.{col}"] = CellValue(value=None, raw="", source=dict(source),
                                                                   status="unreadable")
            continue
        toks = assigned.rows.get(row.key)
        if toks is None:
            continue
        for col, tok in zip(table.row_columns(row), toks):
            cells[f"{table.name}.{row.key}.{col}"] = make_cell(tok.value, {"line": tok.line + 1})
    return cells


def _result(version: str, table: TableDef, tokens: list[Token], start: int, end: int) -> TextTable:
    """A rebuilt table from its tokens: cells, uncertain rows noted, label deviations."""
    assigned = _assign(tokens, table)
    result = TextTable(version=version, cells=_fill(table, assigned), start=start, end=end,
                       label_deviations=_deviations(tokens, table))
    if assigned.uncertain:
        result.notes.append(ROW_ORDER_NOTE)
    return result


def _t3(lines: list[str], year_default: str) -> TextTable | None:
    labels = [i for i, line in enumerate(lines) if "本年新收" in norm(line)]
    start = next((i for i in labels if _has_numbers_near(lines, i)), None)
    if start is None:  # a label column written apart from its numbers
        short = [i for i in labels if len(norm(lines[i])) <= 40]
        if short:
            counts = [0]  # lines with numbers before each line: one pass, however many label lines
            for line in lines:
                counts.append(counts[-1] + bool(split_line(line)[1]))
            start = next((i for i in short if counts[min(len(lines), i + DETACHED_SPAN)] > counts[max(0, i - 1)]),
                         None)
    if start is None:  # the first label misread (OCR): start from the second, with the line before it
        second = [i for i, line in enumerate(lines) if _SECOND_LABEL.match(norm(line))][:MAX_CANDIDATES]
        start = next((i for i in second if _has_numbers_near(lines, i)), None)
        if start is None:
            start = next((i for i in second if _has_numbers_near(lines, i, DETACHED_SPAN)), None)
        if start is not None and start > 0 and len(norm(lines[start - 1])) <= 60:
            start -= 1  # the misread first label, or a heading: its numbers are placed by row order
    if start is None:
        return None
    # numbers printed before the first label belong to the region too
    while start > 0 and split_line(lines[start - 1])[1] and not split_line(lines[start - 1])[0]:
        start -= 1
    anchor = load_template(year_default).tables["t3"]
    end = _find(lines, start + 1, start + MAX_T3_LINES, lambda s: "结转下年度" in s) or start + MAX_T3_LINES
    end = min(len(lines), end + 20)
    while end < len(lines) and not split_line(lines[end])[0]:
        end += 1  # number lines of a label column written apart
    stop = _find(lines, start + 1, end, lambda s: any(h in s for h in _T4_HEADER) or _SECTION.match(s) and
                 "本年度办理结果" not in s and not match_row(s, anchor))
    if stop is not None:
        end = stop
    version = detect_version("".join(lines[start:end]), tables_by_version("t3"), year_default)
    table = _with_added_column(load_template(version).tables["t3"], lines[start:end])
    tokens = _tokens(lines, start, end, table)
    result = _result(version, table, tokens, start, end)
    if version == "2019" and any(a.startswith("t3.other.") for a in result.cells):
        result.notes.append("other_single_row")
    return result


def _with_added_column(table: TableDef, region: list[str]) -> TableDef:
    """When rows carry one number more than the template has columns, the report added an optional column
    (法人或其他组织小计): place it where its value is the sum of the other organisation columns."""
    width = len(table.columns)
    rows = [nums for _, nums in map(split_line, region) if len(nums) == width + 1]
    if not table.optional or len(rows) < max(3, len(region) // 8):
        return table
    values = [[parse_number(n)[0] or 0 for n in nums] for nums in rows]
    best, hits = None, 0
    for pos in range(1, width):
        count = sum(1 for v in values if v[pos] == sum(v[1:width]) - v[pos])
        if count > hits:
            best, hits = pos, count
    if best is None or hits * 2 < len(values):
        return table
    return table.with_column(next(iter(table.optional)), best)


def _loose_t2_start(lines: list[str], limit: int) -> int | None:
    """表二 written without its captions: a column heading line, or a short row label with its numbers
    (`行政许可 97`)."""
    versions = tables_by_version("t2").values()
    headings = {norm(c.label) for t in versions for c in t.columns.values()}
    for i in range(min(limit, len(lines))):
        text = norm(lines[i])
        if text in headings:
            return i
        label, nums = split_line(lines[i])
        if nums and len(norm(label)) <= MAX_LOOSE_LABEL and any(match_row(label, t) for t in versions):
            return i
    return None


def _t2(lines: list[str], end_hint: int | None, year_default: str) -> TextTable | None:
    limit = end_hint if end_hint is not None else len(lines)
    start = _find(lines, 0, limit, lambda s: "第二十条" in s or s.startswith("信息内容"))
    if start is None:
        start = _loose_t2_start(lines, limit)
    if start is None:
        return None
    end = limit if end_hint is not None else min(len(lines), start + 200)
    stop = _find(lines, start + 1, end, lambda s: "申请人情况" in s or "收到和处理" in s)
    end = stop if stop is not None else end
    versions = tables_by_version("t2")
    version = detect_version("".join(lines[start:end]), versions, year_default)
    table = versions[version]
    return _result(version, table, _tokens(lines, start, end, table), start, end)


def _t4(lines: list[str], start_hint: int, year_default: str) -> TextTable | None:
    start = _find(lines, start_hint, len(lines),
                  lambda s: len(s) <= 40 and any(h in s for h in _T4_START))
    if start is None:
        return None
    table = load_template(year_default).tables["t4"]
    nums: list[Token] = []
    end = start
    for i in range(start, min(len(lines), start + 200)):
        label, found = _split(lines[i])
        if _SECTION.match(norm(lines[i])) and i > start:
            break
        if len(norm(label)) > 24:
            break  # narrative text: the table is over
        nums.extend(Token("num", n, i) for n in found)
        end = i + 1
        if len(nums) >= 15:
            break
    if not nums:
        return None
    cells = {}
    for addr, tok in zip(table.cells(), nums):
        cells[addr] = make_cell(tok.value, {"line": tok.line + 1})
    return TextTable(version=year_default, cells=cells, start=start, end=end)


def rebuild_tables(lines: list[str], year_default: str) -> dict[str, TextTable]:
    """Find and rebuild 表二/表三/表四 in flattened text (markdown pipe tables laid out as text lines);
    tables not found are left out. Line numbers refer to the document's lines."""
    expanded, origin = expand(lines)
    found = _rebuild(expanded, year_default)
    if len(expanded) != len(lines) or origin != list(range(len(lines))):
        for table in found.values():
            _to_document_lines(table, origin)
    return found


def _to_document_lines(table: TextTable, origin: list[int]) -> None:
    def back(i: int) -> int:
        return origin[min(max(i, 0), len(origin) - 1)] if origin else i

    table.start, table.end = back(table.start), back(table.end - 1) + 1 if table.end else 0
    for cell in table.cells.values():
        if "line" in cell.source:
            cell.source["line"] = back(cell.source["line"] - 1) + 1
    for dev in table.label_deviations:
        location = dev.get("location") or {}
        if "line" in location:
            location["line"] = back(location["line"] - 1) + 1


def _rebuild(lines: list[str], year_default: str) -> dict[str, TextTable]:
    found: dict[str, TextTable] = {}
    t3 = _t3(lines, year_default)
    if t3:
        found["t3"] = t3
    t2 = _t2(lines, t3.start if t3 else None, year_default)
    if t2 and t2.cells:
        found["t2"] = t2
    t4 = _t4(lines, t3.end if t3 else (t2.end if t2 else 0), year_default)
    if t4:
        found["t4"] = t4
    return found
