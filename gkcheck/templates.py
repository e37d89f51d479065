"""Template definitions (rules/templates/*.yaml): table layouts, labels and canonical cell addresses."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from gkcheck import cache as user_cache
from gkcheck.paths import TEMPLATES_DIR

TABLE_TITLES = {
    "t2": "表二 主动公开政府信息情况",
    "t3": "表三 收到和处理政府信息公开申请情况",
    "t4": "表四 政府信息公开行政复议、行政诉讼情况",
}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    match: tuple[str, ...]
    columns: tuple[str, ...] = ()
    group: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: str = "count"  # count | decimal | signed
    match: tuple[str, ...] = ()


@dataclass
class TableDef:
    """One table of a template: its rows, columns and the labels that reveal the template version."""

    name: str
    rows: list[Row]
    columns: dict[str, Column]
    signatures: tuple[str, ...] = ()
    layout: str = ""  # how this version's layout shows, for messages
    optional: dict[str, Column] = field(default_factory=dict)  # columns some reports add; checked, not required

    def cells(self) -> list[str]:
        """Canonical cell addresses in reading order, as a new list (`addresses` is the shared tuple)."""
        return list(self.addresses)

    @cached_property
    def addresses(self) -> tuple[str, ...]:
        """Canonical cell addresses in reading order, made once (a table definition does not change once made)."""
        return tuple(f"{self.name}.{row.key}.{col}" for row in self.rows for col in self.row_columns(row))

    @cached_property
    def address_set(self) -> frozenset[str]:
        return frozenset(self.addresses)

    @cached_property
    def row_needles(self) -> list[tuple[Row, tuple[str, ...], tuple[re.Pattern[str], ...]]]:
        """Each row with its match patterns as normalised words and compiled expressions (`normalize.needles`)."""
        from gkcheck.extract.normalize import needles  # the extract package imports this module

        return [(row, *needles(row.match)) for row in self.rows]

    def with_column(self, key: str, position: int) -> TableDef:
        """This table with one of its optional columns inserted at `position` (0-based)."""
        keys = list(self.columns)
        keys.insert(position, key)
        merged = {**self.columns, **self.optional}
        return TableDef(self.name, self.rows, {k: merged[k] for k in keys}, self.signatures, self.layout, {})

    def row_columns(self, row: Row) -> tuple[str, ...]:
        return row.columns or tuple(self.columns)



@dataclass
class Template:
    version: str
    title: str
    first_year: int
    tables: dict[str, TableDef] = field(default_factory=dict)
    sections: list[dict] = field(default_factory=list)

    def cells(self) -> list[str]:
        return [c for t in self.tables.values() for c in t.cells()]


def _rows(items: list[dict]) -> list[Row]:
    return [
        Row(
            key=i["key"],
            label=i["label"],
            match=tuple(i.get("match", [])),
            columns=tuple(i.get("columns", [])),
            group=i.get("group"),
            caption=i.get("caption"),
        )
        for i in items
    ]


def _columns(items: list[dict]) -> dict[str, Column]:
    return {i["key"]: Column(key=i["key"], label=i["label"], match=tuple(i.get("match", []))) for i in items}


def _load_yaml(path: Path) -> dict:
    """A template file's data, kept in the per-user cache under a hash of the file: a run whose templates are
    unchanged neither parses them nor imports the YAML parser."""
    key = user_cache.fingerprint(["template"], [path])
    cached = user_cache.load_json("templates", key) if key else None
    if isinstance(cached, dict):
        return cached
    import yaml

    with path.open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    with contextlib.suppress(TypeError, ValueError):
        if key and isinstance(data, dict) and json.loads(json.dumps(data)) == data:  # only what JSON keeps as is
            user_cache.store_json("templates", key, data)
    return data


@cache
def load_template(version: str, directory: Path = TEMPLATES_DIR) -> Template:
    common = _load_yaml(directory / "common.yaml")
    spec = _load_yaml(directory / f"{version}.yaml")
    t2 = spec["t2"]
    t2_columns = {
        k: Column(key=k, label=v["label"], type=v.get("type", "count")) for k, v in t2["columns"].items()
    }
    t3_rows = _rows(common["t3_rows_head"]) + _rows(spec["t3"]["other_rows"]) + _rows(common["t3_rows_tail"])
    t4 = common["t4"]
    return Template(
        version=str(spec["template"]),
        title=spec["title"],
        first_year=int(spec["first_year"]),
        sections=common["sections"],
        tables={
            "t2": TableDef("t2", _rows(t2["rows"]), t2_columns, tuple(t2.get("signatures", [])), t2.get("layout", "")),
            "t3": TableDef("t3", t3_rows, _columns(common["t3_columns"]), tuple(spec["t3"].get("signatures", [])),
                           spec["t3"].get("layout", ""), _columns(common.get("t3_optional_columns", []))),
            "t4": TableDef("t4", _rows(t4["rows"]), _columns(t4["columns"])),
        },
    )


@cache
def template_versions(directory: Path = TEMPLATES_DIR) -> tuple[str, ...]:
    """The template versions on disk (read once per process)."""
    return tuple(sorted(p.stem for p in directory.glob("*.yaml") if p.stem != "common"))


def default_version(year: int | None) -> str:
    """The template a report on `year` should use: the newest one in force that year (newest when unknown)."""
    versions = [load_template(v) for v in template_versions()]
    usable = [t for t in versions if year is None or t.first_year <= year] or versions[:1]
    return max(usable, key=lambda t: t.first_year).version


def tables_by_version(name: str) -> dict[str, TableDef]:
    """One table's definition in every template version."""
    return {v: load_template(v).tables[name] for v in template_versions()}

