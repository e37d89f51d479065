"""Data passed between the pipeline stages.

`Source` is what a reader produces from bytes; `Report` is the extracted report data model whose JSON
form is described by `schemas/report.schema.json`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

SCHEMA_VERSION = "1"


@dataclass
class Grid:
    """A table expanded to a full rectangular grid (rowspan/colspan cells repeated)."""

    rows: list[list[str]]
    index: int  # 1-based table number in the document
    line: int  # index into Source.lines where the table stands (0-based)
    images: int = 0  # <img> elements inside the table
    anchors: list[list[int]] = field(default_factory=list)  # per slot: id of the source cell covering it


@dataclass
class Source:
    """A document after reading: its text lines, native tables and what the container says about it."""

    path: str
    format: str  # html | text | pdf | docx | json
    lines: list[str] = field(default_factory=list)
    tables: list[Grid] = field(default_factory=list)
    images: int = 0  # images in the body (tables pasted as pictures show up here)
    image_lines: list[int] = field(default_factory=list)  # Source.lines index where each image stands
    image_pages: list[int] = field(default_factory=list)  # PDF pages without a text layer
    page_starts: list[int] = field(default_factory=list)  # PDF: line number (1-based) where each page begins
    metadata: dict[str, str] = field(default_factory=dict)  # e.g. {"created": "2025-02-25", "title": …}
    data: dict[str, Any] | None = None  # a report given directly as JSON data


@dataclass
class CellValue:
    """One template cell: parsed value (None when blank or unreadable), raw text and where it came from."""

    value: float | int | None
    raw: str
    source: dict[str, Any]  # {"line": n} or {"table": t, "row": r, "col": c}
    status: str = "ok"  # ok | blank | unreadable | missing (not found in the document)


@dataclass
class Section:
    number: int | None  # template section number 1–6, None for other headings
    title: str  # as written
    heading_number: int | None  # the number the heading itself carries (一 → 1)
    line: int
    text: str = ""
    wording: str = "exact"  # exact | variant | other


@dataclass
class TableInfo:
    status: str  # present | absent | referenced | image | blank
    template: str | None = None  # 2019 | 2021 | None
    source: str | None = None  # grid | text
    location: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)  # layout remarks, e.g. "other_single_row"
    reference: str | None = None  # the text that references an absent table
    label_deviations: list[dict[str, Any]] = field(default_factory=list)  # row labels worded unlike the template


@dataclass
class Attachment:
    """A table or statistics sheet the text refers to as an attachment (附件/附表)."""

    text: str
    line: int
    table: str | None  # t2 | t3 | t4 | None (a statistics sheet of another layout)
    present: bool


@dataclass
class Published:
    date: str  # ISO date
    source: str  # page | page_meta | signature | pdf_metadata | docx_metadata | page_written | page_other | data
    label: str | None = None  # the evidence as printed: 公开日期, PubDate, 落款, 成文日期 …
    line: int | None = None  # 1-based line of the extracted text where it stands, when known


@dataclass
class Document:
    kind: str  # annual_report | legacy_annual_report | not_annual_report
    year: int | None
    issuer: str | None
    issuer_kind: str  # government | department | unknown
    published: Published | None
    template: str | None  # 2019 | 2021 | mixed | None
    title: str | None = None
    kind_reason: str = ""


@dataclass
class Report:
    """The extracted report data model."""

    file: str
    format: str
    document: Document
    sections: list[Section] = field(default_factory=list)
    other_headings: list[Section] = field(default_factory=list)
    numbering_gaps: list[int] = field(default_factory=list)
    tables: dict[str, TableInfo] = field(default_factory=dict)
    cells: dict[str, CellValue] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)
    text: str = ""
    page_starts: list[int] = field(default_factory=list)  # PDF: line number (1-based) where each page begins

    def value(self, address: str) -> float | int | None:
        cell = self.cells.get(address)
        return cell.value if cell else None

    def to_dict(self) -> dict[str, Any]:
        data = {
            name: ({a: {"value": c.value, "raw": c.raw, "source": dict(c.source), "status": c.status}
                    for a, c in self.cells.items()} if name == "cells" else _plain(getattr(self, name)))
            for name in _field_names(Report)
        }
        data["schema_version"] = SCHEMA_VERSION
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        doc = dict(data["document"])
        doc["published"] = Published(**doc["published"]) if doc.get("published") else None
        return cls(
            file=data.get("file", ""),
            format=data.get("format", "json"),
            document=Document(**doc),
            sections=[Section(**s) for s in data.get("sections", [])],
            other_headings=[Section(**s) for s in data.get("other_headings", [])],
            numbering_gaps=list(data.get("numbering_gaps", [])),
            tables={k: TableInfo(**v) for k, v in data.get("tables", {}).items()},
            cells={k: CellValue(**v) for k, v in data.get("cells", {}).items()},
            attachments=[Attachment(**a) for a in data.get("attachments", [])],
            text=data.get("text", ""),
            page_starts=list(data.get("page_starts", [])),
        )


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def page_of(line: int, page_starts: list[int]) -> int | None:
    """The PDF page (1-based) that holds text line `line`, from `Report.page_starts`; None when unknown."""
    if not page_starts or line < 1:
        return None
    return bisect_right(page_starts, line) or None


def _plain(value: Any) -> Any:
    """JSON-ready copy of a dataclass tree (a faster `dataclasses.asdict` for these plain types)."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [v if type(v) in _SCALARS else _plain(v) for v in value]
    if kind is dict:
        return {k: v if type(v) in _SCALARS else _plain(v) for k, v in value.items()}
    if not is_dataclass(value):
        return value
    out = {}
    for name in _field_names(kind):  # scalar members (most of them) copied without a call
        member = getattr(value, name)
        out[name] = member if type(member) in _SCALARS else _plain(member)
    return out


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES.setdefault(kind, tuple(f.name for f in fields(kind)))
    return names
