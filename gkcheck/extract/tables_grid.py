"""Mapping native tables (HTML/DOCX grids) onto the template tables."""

from __future__ import annotations

from collections.abc import Iterable

from gkcheck.extract.cells import detect_version, label_deviation, make_cell, match_row
from gkcheck.extract.column_mapping import (
    UNCERTAIN_NOTE,
    Header,
    Reading,
    RowChoice,
    absent_cells,
    choose,
    own_cells,
    readings,
    t3_row_ok,
    t3_violations,
    t4_violations,
    trailing_values,
)
from gkcheck.extract.normalize import matches, norm
from gkcheck.extract.numbers import parse_number
from gkcheck.extract.tables_text import TextTable
from gkcheck.model import CellValue, Grid
from gkcheck.templates import Row, TableDef, load_template, tables_by_version

T4_GROUPS = (("复议后起诉", "litigation_after_review"), ("直接起诉", "litigation_direct"),
             ("未经复议", "litigation_direct"), ("行政复议", "review"))
T4_COLUMNS = (("维持", "upheld"), ("纠正", "corrected"), ("其他", "other"), ("尚未", "pending"),
              ("审结", "pending"), ("总计", "total"), ("合计", "total"))


def _joined(rows: Iterable[list[str]]) -> str:
    """The text of grid rows, cell after cell."""
    return "".join(map("".join, rows))


def classify(grid: Grid) -> str | None:
    """Which template table a grid holds: t2, t3, t4 or None."""
    text = norm(_joined(grid.rows))
    if "本年新收" in text or "上年结转" in text or "予以公开" in text and "不予公开" in text:
        return "t3"
    if "结果维持" in text or "行政复议" in text and "行政诉讼" in text and "尚未审结" in text:
        return "t4"
    if "第二十条" in text or "信息内容" in text or "行政许可" in text and "行政处罚" in text:
        return "t2"
    return None


def _is_value(cell: str) -> bool:
    return parse_number(cell)[1] != "unreadable"


def _distinct(cells: list[str]) -> list[str]:
    out: list[str] = []
    for c in cells:
        if c and (not out or out[-1] != c):
            out.append(c)
    return out


def _t3_columns(rows: list[list[str]], first_data: int, keys: TableDef) -> dict[int, str]:
    found: dict[int, str] = {}
    labels = [(col.key, norm(col.label)) for col in keys.columns.values()]
    named: dict[str, list[str]] = {}  # header cell text → the columns it names (merged cells repeat their text)
    for r in range(first_data):
        for c, cell in enumerate(rows[r]):
            if cell not in named:
                named[cell] = _named_columns(norm(cell), labels, keys)
            for key in named[cell]:
                found.setdefault(c, key)
    return found


def _named_columns(text: str, labels: list[tuple[str, str]], keys: TableDef) -> list[str]:
    """The columns a (normalised) header cell names: by template label, then by an optional column's words."""
    named = [key for key, label in labels if text == label or key != "other_org" and text.endswith(label)]
    return named + [col.key for col in keys.optional.values() if text and matches(text, col.match)]


def _t3(grids: list[Grid], year_default: str) -> TextTable:
    rows = [(g, r, row) for g in grids for r, row in enumerate(g.rows)]
    version = detect_version(_joined(row for _, _, row in rows), tables_by_version("t3"), year_default)
    table = load_template(version).tables["t3"]
    first_data = next((i for i, (_, _, row) in enumerate(rows) if _row_label(row, table)[1]), len(rows))
    columns = _t3_columns([row for _, _, row in rows], first_data, table)
    if len(set(columns.values())) < 7:  # headers unreadable: take the last 7 columns in template order
        width = max((len(row) for _, _, row in rows), default=0)
        columns = {width - 7 + i: k for i, k in enumerate(table.columns)} if width >= 8 else {}
    keys = _t3_keys(columns, table)
    header = Header.of(columns)
    result = TextTable(version=version)
    choices: list[RowChoice] = []
    chosen_rows: set[str] = set()  # the template rows read so far (each is read from its first grid row)
    for grid, r, row in rows[first_data:]:
        own = own_cells(grid, r)
        trail = trailing_values(own)
        if trail and len(trail) < len(own):
            label_cells = [t for _, t in own[:len(own) - len(trail)]]
        else:
            first = min(columns) if columns else len(row)
            label_cells = [c for i, c in enumerate(row) if i < first]
        labels = _distinct(label_cells)
        match = None
        for label in reversed(labels):
            match = match_row(label, table)
            if match:
                break
        if match is None or match.key in chosen_rows:
            continue
        chosen_rows.add(match.key)
        _note_deviation(result, label, match, {"table": grid.index, "row": r + 1})
        if match.key == "other":
            result.notes.append("other_single_row")
        candidates, aligned = readings(trail, header, keys, row, absent_cells(grid, r))
        choices.append(RowChoice(match.key, candidates, aligned, {"table": grid.index, "row": r + 1}))
    chosen = choose(choices, t3_row_ok, t3_violations)
    for rc in choices:
        reading = chosen[rc.key]
        if reading is None:
            _uncertain(result, [f"t3.{rc.key}.{k}" for k in keys], rc)
            continue
        prefix, table_no, row_no = f"t3.{rc.key}.", rc.location["table"], rc.location["row"]
        for key, raw, c in reading.values:
            result.cells[prefix + key] = make_cell(raw, {"table": table_no, "row": row_no, "col": c + 1})
    return result


def _t3_keys(columns: dict[int, str], table: TableDef) -> list[str]:
    """The value columns in template order; an added column where the header places it among them."""
    keys = list(table.columns)
    position = {k: c for c, k in sorted(columns.items(), reverse=True)}
    for key in table.optional:
        if key in position:
            keys.insert(sum(1 for k in keys if position.get(k, -1) < position[key]), key)
    return keys


def _uncertain(result: TextTable, addresses: list[str], rc: RowChoice) -> None:
    """Cells whose column cannot be determined: unreadable, never a guessed number."""
    if UNCERTAIN_NOTE not in result.notes:
        result.notes.append(UNCERTAIN_NOTE)
    raw = " ".join(t for _, t, _ in rc.candidates[0].values) if rc.candidates else ""
    for address in addresses:
        result.cells[address] = CellValue(value=None, raw=raw, source={**rc.location, "uncertain": "column_mapping"},
                                          status="unreadable")


def _t4(grids: list[Grid], year_default: str) -> TextTable:
    table = load_template(year_default).tables["t4"]
    keys = [a.split(".", 1)[1] for a in table.cells()]
    result = TextTable(version=year_default)
    for grid in grids:
        data_rows = [r for r, row in enumerate(grid.rows) if r > 0 and (
            all(_is_value(c) for c in row) or len(trailing_values(own_cells(grid, r))) >= 15)]
        if not data_rows:
            if _t4_by_group(grid, keys, result):
                break
            continue
        r = data_rows[0]
        row = grid.rows[r]
        header = grid.rows[:r]
        mapping: dict[int, str] = {}
        for c in range(len(row)):
            text = norm("".join(h[c] for h in header if c < len(h)))
            last = norm(header[-1][c]) if header and c < len(header[-1]) else ""
            group = next((g for k, g in T4_GROUPS if k in text), None)
            col = next((k2 for k, k2 in T4_COLUMNS if k in last), None)
            if group and col:
                mapping.setdefault(c, f"{group}.{col}")
        if len(set(mapping.values())) < 15:
            mapping = {}
        candidates, aligned = readings(trailing_values(own_cells(grid, r)), Header.of(mapping), keys, row)
        if not candidates:  # neither 15 cells nor a readable header: the last 15 grid slots
            values = [c for c, cell in enumerate(row) if _is_value(cell)][-15:]
            if len(values) == 15:
                candidates = [Reading(tuple((k, row[c], c) for k, c in zip(keys, values)), "tail")]
        rc = RowChoice("t4", candidates, aligned, {"table": grid.index, "row": r + 1})
        reading = choose([rc], lambda _, v: t4_violations(v) == 0, lambda v: t4_violations(v.get("t4", {})))["t4"]
        if reading is None:
            _uncertain(result, table.cells(), rc)
        else:
            for key, raw, c in reading.values:
                result.cells.setdefault(f"t4.{key}", make_cell(raw, {**rc.location, "col": c + 1}))
        break
    return result


def _t4_by_group(grid: Grid, keys: list[str], result: TextTable) -> bool:
    """表四 laid out as one row per group (行政复议 / 未经复议直接起诉 / 复议后起诉), five numbers each."""
    parts = [k.split(".", 1)[1] for k in keys[:5]]
    found: dict[str, tuple[int, list[tuple[int, str]]]] = {}
    for r, _ in enumerate(grid.rows):
        own = own_cells(grid, r)
        trail = trailing_values(own)
        label = norm("".join(t for _, t in own[:len(own) - len(trail)]))
        group = next((g for k, g in T4_GROUPS if k in label), None)
        if group and len(trail) == 5 and group not in found:
            found[group] = (r, trail)
    if len(found) < 3:
        return False
    for group, (r, trail) in found.items():
        order = parts
        for header in reversed(grid.rows[:min(r for r, _ in found.values())]):
            named = [next((k2 for k, k2 in T4_COLUMNS if k in norm(header[c])), None) if c < len(header) else None
                     for c, _ in trail]
            if len(set(named) - {None}) == 5:
                order = named
                break
        for part, (c, raw) in zip(order, trail):
            result.cells[f"t4.{group}.{part}"] = make_cell(raw, {"table": grid.index, "row": r + 1, "col": c + 1})
    return True


def _t2(grids: list[Grid], year_default: str) -> TextTable:
    versions = tables_by_version("t2")
    version = detect_version(_joined(row for g in grids for row in g.rows), versions, year_default)
    table = versions[version]
    result = TextTable(version=version)
    header: dict[int, str] = {}
    column_labels = [(k, norm(col.label)) for k, col in table.columns.items()]
    for grid in grids:
        for r, row in enumerate(grid.rows):
            cells = [norm(c) for c in row]
            labels = {c: k for c, cell in enumerate(cells) if cell for k, label in column_labels if label in cell}
            if labels and not any(_is_value(c) and c for c in row[1:]):
                header = {}
                for c, k in labels.items():
                    header.setdefault(c, k)
                continue
            label, match = _row_label(row, table)
            if match is None:
                continue
            _note_deviation(result, label, match, {"table": grid.index, "row": r + 1})
            trail = trailing_values(own_cells(grid, r)[1:])
            filled = [cell for cell in trail if cell[1].strip()]
            if len(match.columns) == 1 and len(filled) == 1:
                trail = filled  # one number in a row of empty cells (a merged cell exported as several)
            if len(trail) == len(match.columns):  # the row's own cells, one per template column
                for key, (c, v) in zip(match.columns, trail):
                    result.cells[f"t2.{match.key}.{key}"] = make_cell(
                        v, {"table": grid.index, "row": r + 1, "col": c + 1})
                continue
            seen: set[str] = set()
            for c, key in sorted(header.items()):
                if key in match.columns and key not in seen and c < len(row):
                    seen.add(key)
                    result.cells[f"t2.{match.key}.{key}"] = make_cell(
                        row[c], {"table": grid.index, "row": r + 1, "col": c + 1})
            if not seen:  # no header seen: values in template order after the label
                values = [(c, v) for c, v in enumerate(row[1:], start=1)]
                for key, (c, v) in zip(match.columns, _dedupe(values)):
                    result.cells[f"t2.{match.key}.{key}"] = make_cell(
                        v, {"table": grid.index, "row": r + 1, "col": c + 1})
    return result


def _row_label(row: list[str], table: TableDef) -> tuple[str, Row | None]:
    """The template row a grid row is labelled with: its first cell, else (a leading 序号 or empty column)
    the last text cell before its numbers."""
    if not row:
        return "", None
    match = match_row(row[0], table)
    if match is not None:
        return row[0], match
    label = ""
    for cell in row:
        if _is_value(cell):
            if label:
                break
            continue
        label = cell
    return label, match_row(label, table) if label else None


def _note_deviation(result: TextTable, label: str, row: Row, location: dict) -> None:
    found = label_deviation(label.replace("\n", ""), row)
    if found:
        result.label_deviations.append({"row": row.key, "found": found, "expected": row.label, "location": location})


def _dedupe(values: list[tuple[int, str]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for c, v in values:
        if not out or out[-1][1] != v or not v:
            out.append((c, v))
    return out


MAX_LINES_BETWEEN_PARTS = 2  # text between the two parts of a split table ("续表", a page number)
MIN_CONTINUED_ROWS = 3


def _first_row(grid: Grid) -> str:
    return norm("".join(grid.rows[0])) if grid.rows else ""


def _continues(grid: Grid, kind: str, before: Grid, groups: dict[str, list[Grid]], year_default: str) -> bool:
    """Whether an unclassified grid is the rest of the table just before it, split by a page break: it
    repeats that table's first header row, or (表三) several of its rows carry the template's row labels."""
    if grid.index != before.index + 1 or grid.line - before.line > MAX_LINES_BETWEEN_PARTS:
        return False
    first = _first_row(groups[kind][0])
    if first and _first_row(grid) == first:
        return True
    if kind != "t3":
        return False
    table = load_template(year_default).tables["t3"]
    return sum(1 for row in grid.rows if _row_label(row, table)[1] is not None) >= MIN_CONTINUED_ROWS


def map_grids(grids: list[Grid], year_default: str) -> tuple[dict[str, TextTable], list[Grid]]:
    """Map classified grids to template tables; returns the tables and the grids given only as images."""
    groups: dict[str, list[Grid]] = {}
    images: list[Grid] = []
    previous: tuple[str, Grid] | None = None  # the last classified grid, when it was the grid just before
    for grid in grids:
        kind = classify(grid)
        if kind is None and previous is not None and _continues(grid, *previous, groups, year_default):
            kind = previous[0]
        previous = (kind, grid) if kind else None
        if kind:
            groups.setdefault(kind, []).append(grid)
        elif grid.images and not any(c.strip() for row in grid.rows for c in row):
            images.append(grid)
    found: dict[str, TextTable] = {}
    if "t2" in groups:
        found["t2"] = _t2(groups["t2"], year_default)
    if "t3" in groups:
        found["t3"] = _t3(groups["t3"], year_default)
    if "t4" in groups:
        found["t4"] = _t4(groups["t4"], year_default)
    for key, table in list(found.items()):
        if not table.cells:
            del found[key]
        else:
            first = groups[key][0]
            table.start = table.end = first.line
    return found, images

