"""Shared test helpers: run the pipeline on bytes, locate the shared corpus, validate against schemas."""

from __future__ import annotations

import contextlib
import json
import signal
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

from gkcheck.engine import run
from gkcheck.extract import extract
from gkcheck.model import Report
from gkcheck.paths import SCHEMAS_DIR
from gkcheck.read import read_bytes
from gkcheck.rulepack import load_profile, load_rules

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the checkout")


def corpus(name: str) -> Path:
    return CORPUS / name


def report_of(data: bytes | str, name: str = "doc.html") -> Report:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return extract(read_bytes(data, name))


@lru_cache(maxsize=1)
def _rules():
    return load_rules(), load_profile()


def check_bytes(data: bytes | str, name: str = "doc.html") -> dict[str, Any]:
    rules, profile = _rules()
    return run(report_of(data, name), rules, profile)


def check_report(report: Report) -> dict[str, Any]:
    rules, profile = _rules()
    return run(report, rules, profile)


def rule_ids(result: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in result["findings"]]


def findings_of(result: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in result["findings"] if f["rule"] == rule]


@cache
def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS_DIR / name).read_text(encoding="utf-8"))


def validator(name: str) -> jsonschema.Draft202012Validator:
    resources = [(schema(n)["$id"], Resource.from_contents(schema(n)))
                 for n in ("report.schema.json", "findings.schema.json")]
    return jsonschema.Draft202012Validator(schema(name), registry=Registry().with_resources(resources),
                                           format_checker=jsonschema.FormatChecker())


class Hang(BaseException):
    """Not an Exception, so that no reader's broad `except Exception` can swallow it."""


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (SIGALRM; a no-op where it does not exist)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise Hang(f"reading took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def make_pdf(objects: list[bytes]) -> bytes:
    """A PDF from raw object bodies (object 1 is the catalog), with a correct xref table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out
