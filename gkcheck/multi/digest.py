"""The compact part of a checked report that multi-report checks need (unit, year, figures, narrative text).

It is built where the report is checked and travels with the batch record, so the whole batch never has to
hold the full reports: the figures are compressed (decoded only for units that need them), the text
is only the narrative sections compared for copying.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

TABLES = ("t2", "t3", "t4")
DEFAULT_SECTIONS = (1, 5, 6)


@dataclass
class Digest:
    """One report as the multi-report checks see it."""

    file: str
    unit: str | None
    region: str | None  # the parent region dropped from the issuer, if any
    issuer: str | None
    issuer_kind: str
    year: int | None
    kind: str  # document kind
    templates: dict[str, str | None] = field(default_factory=dict)  # table -> layout used, present tables only
    cells_data: bytes = b""  # compressed JSON {address: value} (see `pack_cells`); blank cells count as 0
    sections: dict[int, str] = field(default_factory=dict)  # narrative sections compared for copying
    published: str | None = None
    sha256: str | None = None
    previous: bool = False  # given with --previous: compared with, not reported on
    cells_source: Callable[[], dict[str, float]] | None = field(default=None, repr=False, compare=False)

    @property
    def cells(self) -> dict[str, float]:
        """The figures: from where the batch keeps them (`cells_source`), else from `cells_data`."""
        return self.cells_source() if self.cells_source is not None else unpack_cells(self.cells_data)

    def value(self, address: str) -> float | None:
        return self.cells.get(address)

    def has_table(self, name: str) -> bool:
        return name in self.templates

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "cells_source"}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Digest:
        data = dict(data)
        data["sections"] = {int(k): v for k, v in (data.get("sections") or {}).items()}
        return cls(**data)


def pack_cells(cells: dict[str, float]) -> bytes:
    """The figures as the digest keeps them: compressed JSON, about 1 KB per report instead of 7."""
    return zlib.compress(json.dumps(cells, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


@lru_cache(maxsize=256)
def unpack_cells(data: bytes) -> dict[str, float]:
    """The figures of a digest (the reports being compared are decoded once, not per figure); callers only
    read the returned mapping."""
    return json.loads(zlib.decompress(data)) if data else {}


def file_hash(path: str | Path) -> str | None:
    """SHA-256 of a file's bytes (None when it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def make_digest(result: dict[str, Any], unit: dict[str, Any], sections: tuple[int, ...] = DEFAULT_SECTIONS,
                sha256: str | None = None) -> Digest:
    """The digest of a check result that still holds its `report` (as the pipeline returns it)."""
    doc = result.get("document") or {}
    report = result.get("report") or {}
    tables = report.get("tables") or {}
    present = {name: (info or {}).get("template") for name, info in tables.items()
               if name in TABLES and (info or {}).get("status") == "present"}
    cells: dict[str, float] = {}
    for address, cell in (report.get("cells") or {}).items():
        if address[:2] not in present:
            continue
        if cell.get("status") == "ok" and cell.get("value") is not None:
            cells[address] = cell["value"]
        elif cell.get("status") == "blank":
            cells[address] = 0
    texts = {s["number"]: s.get("text") or "" for s in report.get("sections") or []
             if s.get("number") in sections and s.get("text")}
    return Digest(
        file=str(result.get("file") or ""), unit=unit.get("name"), region=unit.get("region"),
        issuer=doc.get("issuer"), issuer_kind=unit.get("kind") or doc.get("issuer_kind") or "unknown",
        year=doc.get("year"), kind=doc.get("kind") or "", templates=present,
        cells_data=pack_cells(cells), sections=texts,
        published=(doc.get("published") or {}).get("date"), sha256=sha256,
    )
