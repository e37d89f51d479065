"""The 附表 of pre-2019 annual reports (指标名称 / 计量单位 / 本年度 / 历年累计), read from the text.

The layout comes from the template definition rules/templates/legacy/2008.yaml. Scraped pages put every
cell on its own line (label, then the figures); PDF text layers put a row on one line. Cells are
addressed `legacy.<row>.<column>` (`legacy.received.cumulative`) like the post-2019 tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from gkcheck.extract.normalize import norm
from gkcheck.extract.numbers import parse_number
from gkcheck.model import CellValue, Report, TableInfo
from gkcheck.paths import TEMPLATES_DIR
from gkcheck.templates import Column, Row, TableDef

LEGACY_DIR = TEMPLATES_DIR / "legacy"
TABLE = "legacy"
VERSION = "legacy"
MAX_LABEL = 30  # a longer line without figures is prose: the table is over
HEADER_LINES = 8  # header cells may stand one per line


@dataclass(frozen=True)
class LegacySpec:
    title: str
    header: tuple[str, ...]
    units: tuple[str, ...]
    table: TableDef


@cache
def legacy_spec(path: Path = LEGACY_DIR / "2008.yaml") -> LegacySpec:
    import yaml  # only for reports before 2019
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = [Row(key=r["key"], label=r["label"], match=tuple(norm(m) if not m.startswith("^") else m
                                                             for m in r.get("match", [])))
            for r in data["rows"]]
    columns = {c["key"]: Column(key=c["key"], label=c["label"], match=tuple(c.get("match", [])))
               for c in data["columns"]}
    return LegacySpec(title=data["title"], header=tuple(norm(h) for h in data["header"]),
                      units=tuple(data.get("units", [])), table=TableDef(data["table"], rows, columns))


def table_of(cells: dict[str, CellValue]) -> TableDef:
    """The 附表 definition restricted to the rows and columns the report has (wildcards expand over these)."""
    spec = legacy_spec().table
    rows = {a.split(".")[1] for a in cells if a.startswith(f"{TABLE}.")}
    cols = {a.split(".")[2] for a in cells if a.startswith(f"{TABLE}.")}
    return TableDef(TABLE, [r for r in spec.rows if r.key in rows],
                    {k: c for k, c in spec.columns.items() if k in cols})


def _fragment_hit(text: str, fragment: str) -> bool:
    return bool(re.search(fragment, text)) if fragment.startswith("^") else fragment in text


def match_row(label: str, rows: list[Row]) -> Row | None:
    """The row whose longest matching fragment is the longest (否决公开答复总数 is a 不予公开 row, not 答复总数)."""
    text = norm(label)
    best: tuple[int, Row] | None = None
    for row in rows:
        hit = max((len(f) for f in row.match if _fragment_hit(text, f)), default=0)
        if hit and (best is None or hit > best[0]):
            best = (hit, row)
    return best[1] if best else None


def _columns(tokens: list[str], columns: dict[str, Column]) -> list[str]:
    found: list[str] = []
    for token in tokens:
        text = norm(token)
        key = next((k for k, c in columns.items() if any(_fragment_hit(text, norm(m) if not m.startswith("^") else m)
                                                         for m in c.match)), None)
        if key and key not in found:
            found.append(key)
    return found


def _is_figure(token: str) -> bool:
    return parse_number(token)[1] in ("ok", "blank") and token.strip() != ""


def read_legacy_table(lines: list[str]) -> tuple[TableInfo, dict[str, CellValue]] | None:
    """The 附表 after its 指标名称 header, or None when the text has none."""
    spec = legacy_spec()
    start = next((i for i, line in enumerate(lines) if any(h in norm(line) for h in spec.header)), None)
    if start is None:
        return None
    rows = spec.table.rows
    header_tokens: list[str] = []
    i = start
    while i < len(lines) and i < start + HEADER_LINES and match_row(lines[i], rows) is None:
        header_tokens += lines[i].split()
        i += 1
    columns = _columns(header_tokens, spec.table.columns) or ["year"]
    values: dict[str, list[tuple[str, int]]] = {}
    current: str | None = None
    for j in range(i, len(lines)):
        tokens = lines[j].split()
        if not tokens:
            continue
        k = len(tokens)
        while k > 0 and _is_figure(tokens[k - 1]):
            k -= 1
        label, figures = "".join(tokens[:k]), tokens[k:]
        if label:
            row = match_row(label, rows)
            if row is None:
                if norm(label) in spec.units:
                    label = ""
                elif len(norm(label)) > MAX_LABEL:
                    break
                else:
                    current = None
                    continue
            else:
                current = row.key
                values.setdefault(current, [])
        if current is not None:
            values[current] += [(f, j + 1) for f in figures if norm(f) not in spec.units]
    cells: dict[str, CellValue] = {}
    for key, found in values.items():
        for col, (raw, line) in zip(columns, found):
            value, status = parse_number(raw)
            cells[f"{TABLE}.{key}.{col}"] = CellValue(value=value, raw=raw, source={"line": line}, status=status)
    if not cells:
        return None
    info = TableInfo(status="present", template=VERSION, source="text", location={"line": start + 1})
    return info, cells


def add_legacy_table(report: Report, lines: list[str]) -> None:
    """Put the 附表 of a pre-2019 report into the report data (table `legacy`), when there is one."""
    found = read_legacy_table(lines)
    if found:
        report.tables[TABLE], cells = found
        report.cells.update(cells)
