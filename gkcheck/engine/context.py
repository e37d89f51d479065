"""What every check receives (`Context`) and produces (`Finding`, `Equation`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from gkcheck.engine.patterns import Lines
from gkcheck.extract.legacy_table import TABLE as LEGACY_TABLE
from gkcheck.extract.legacy_table import table_of as legacy_table_of
from gkcheck.extract.normalize import norm
from gkcheck.labels import TABLE_SHORT_NAMES
from gkcheck.model import Report
from gkcheck.rulepack import Rule
from gkcheck.templates import TableDef, default_version, load_template, template_versions

_FIELD = re.compile(r"\{([a-z_]+)\}")


def fill(template: str, values: dict[str, Any]) -> str:
    """Substitute {name} fields; no attribute access, no expressions (rule text is never evaluated)."""
    if "{" not in template:
        return template
    return _FIELD.sub(lambda m: _show(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


@dataclass
class Finding:
    rule: str
    title: str
    severity: str
    category: str
    message: str
    cells: list[str] = field(default_factory=list)
    location: dict[str, Any] | None = None
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Equation:
    """One instance of a sum identity: Σlhs = Σrhs (blank cells as 0)."""

    rule: str
    lhs: list[str]
    rhs: list[str]
    residual: float  # Σlhs − Σrhs

    @property
    def holds(self) -> bool:
        return abs(self.residual) < 1e-6

    def cells(self) -> list[str]:
        return self.lhs + self.rhs


@dataclass
class Context:
    report: Report
    equations: list[Equation] = field(default_factory=list)
    memo: dict[Any, Any] = field(default_factory=dict)  # per-report values several checks need
    thresholds: dict[str, float] = field(default_factory=dict)  # the scoring profile's named thresholds

    def table(self, name: str) -> TableDef:
        """The template definition matching the layout the report actually used for this table."""
        if name == LEGACY_TABLE:
            return legacy_table_of(self.report.cells)
        info = self.report.tables.get(name)
        version = (info.template if info and info.template else None) or self.default_version()
        return load_template(version).tables[name]

    def default_version(self) -> str:
        doc = self.report.document
        return doc.template if doc.template in template_versions() else default_version(doc.year)

    def extra_cells(self, name: str, table: TableDef) -> tuple[str, ...]:
        """The report's cells of table `name` that the template table does not have (added columns)."""
        key = ("extra_cells", name, id(table))
        if key not in self.memo:
            known = table.address_set
            self.memo[key] = tuple(a for a in self.cells_of(frozenset({name})) if a not in known)
        return self.memo[key]

    def addresses(self) -> tuple[str, ...]:
        """The report's cell addresses, in its order (made once per report)."""
        found = self.memo.get("addresses")
        if found is None:
            found = self.memo["addresses"] = tuple(self.report.cells)
        return found

    def cells_of(self, tables: frozenset[str]) -> tuple[str, ...]:
        """The report's cell addresses in `tables` (names without a dot), in the report's order; made once per
        report and set of tables."""
        key = ("cells_of", tables)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = _in_tables(self.addresses(), tables)
        return found

    def lines(self) -> Lines:
        """The report's lines, normalised (`norm`): made once for all the checks that read them line by line."""
        found = self.memo.get("lines")
        if found is None:
            found = self.memo["lines"] = Lines([norm(raw) for raw in self.report.text.split("\n")])
        return found

    def present(self, name: str) -> bool:
        info = self.report.tables.get(name)
        return bool(info and info.status == "present")

    def finding(self, rule: Rule, values: dict[str, Any], cells: list[str] | None = None,
                location: dict[str, Any] | None = None) -> Finding:
        return Finding(
            rule=rule.id,
            title=rule.title,
            severity=rule.severity,
            category=rule.category,
            message=fill(rule.message, values),
            cells=cells or [],
            location=location,
            suggestion=fill(rule.suggestion, values) if rule.suggestion else None,
        )

    def cell_label(self, address: str) -> str:
        return cell_label(address, self.table(address.split(".", 1)[0]))


@lru_cache(maxsize=256)
def _in_tables(addresses: tuple[str, ...], tables: frozenset[str]) -> tuple[str, ...]:
    """The addresses in `tables`; reports of one layout have the same addresses, so this is mostly a look-up."""
    prefixes = tuple(f"{t}." for t in tables)  # `t.` begins an address exactly when its table is t
    return tuple(a for a in addresses if a.startswith(prefixes) or a in tables)


def cell_label(address: str, table: TableDef) -> str:
    """Human label of a cell address: 表三「一、本年新收…」/「总计」."""
    name, row_key, col_key = address.split(".")
    row = next((r for r in table.rows if r.key == row_key), None)
    col = table.columns.get(col_key)
    row_label = row.label if row else row_key
    col_label = col.label if col else col_key
    return f"{TABLE_SHORT_NAMES[name]}「{row_label}」/「{col_label}」"
