"""The whole pipeline for one file: read → extract → engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gkcheck.engine import run
from gkcheck.extract import extract
from gkcheck.model import Published, Report
from gkcheck.read import DEFAULT_MAX_BYTES, read_file
from gkcheck.rulepack import Profile, Rule
from gkcheck.templates import load_template, template_versions
from gkcheck.terminal import display_name


def warm_up(readers: bool = True) -> None:
    """Load what every check needs (templates; with `readers`, every reader and its libraries) once, before
    files are handed to worker processes. A run of a few files skips the readers: each worker then imports
    only the ones its files need (PDF and Word support cost more to import than checking a page)."""
    if readers:
        from gkcheck.read import docx as docx_reader  # noqa: F401
        from gkcheck.read import html, pdf, text  # noqa: F401

    for version in template_versions():
        load_template(version)


def extract_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Report:
    report = extract(read_file(path, max_bytes))
    report.file = display_name(report.file)  # a non-UTF-8 file name, readable and encodable
    return report


def check_file(path: str | Path, rules: list[Rule], profile: Profile,
               max_bytes: int = DEFAULT_MAX_BYTES, published: str | None = None) -> dict[str, Any]:
    """Check one document; raises GkError when it cannot be read. `published` (ISO date) overrides the
    publication date found in the document."""
    report = extract_file(path, max_bytes)
    if published:
        report.document.published = Published(date=published, source="override", label="命令行指定")
    return run(report, rules, profile)
