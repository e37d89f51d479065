"""Hostile values: cells and report data that must be flagged (unreadable, refused), never crash or be guessed,
and output JSON that is always valid JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import check_bytes, check_report, report_of
from synth import build_html, build_text, inject, synth_values

from gkcheck.cli import main
from gkcheck.engine.textscan import parse_figure
from gkcheck.errors import ReadError
from gkcheck.extract.numbers import parse_number
from gkcheck.read import read_bytes
from gkcheck.render import render_json

CELL = "t3.new_received.natural_person"


def _report_with(raw: str):
    return report_of(build_html("2021", inject(synth_values("2021", 1), CELL, raw)))


def _flagged(raw: str) -> None:
    """The cell is unreadable (no guessed value) and a finding names it."""
    report = _report_with(raw)
    cell = report.cells[CELL]
    assert cell.status == "unreadable" and cell.value is None
    result = check_report(report)
    assert any(CELL in f["cells"] for f in result["findings"]), [f["rule"] for f in result["findings"]]
    json.loads(render_json(result))


@pytest.mark.parametrize("digits", [400, 4400])
def test_cell_with_hundreds_or_thousands_of_digits_is_unreadable(digits: int) -> None:
    _flagged("9" * digits)


@pytest.mark.parametrize("raw", ["٣٥", "३५", "3⁵", "²", "④", "①②"])
def test_digits_of_other_scripts_superscripts_and_circled_are_unreadable(raw: str) -> None:
    assert parse_number(raw) == (None, "unreadable")
    _flagged(raw)


@pytest.mark.parametrize("raw", ["9" * 400, "٣٥", "३५", "3⁵", "④"])
def test_unreadable_digits_in_a_text_table_keep_the_columns_after_them(raw: str) -> None:
    values = synth_values("2021", 1)
    report = report_of(build_text("2021", inject(values, CELL, raw)), "r.txt")
    assert report.cells[CELL].status == "unreadable" and report.cells[CELL].value is None
    following = "t3.new_received.commercial"
    assert report.cells[following].value == values[following]


def test_spaced_digits_are_not_one_number() -> None:
    assert parse_number("4 1 5") == (None, "unreadable")
    assert parse_number("4\u30001\u30005") == (None, "unreadable")
    _flagged("4 1 5")


def test_ascii_and_full_width_digits_still_count() -> None:
    assert parse_number("１２３") == (123, "ok")
    assert parse_number("1,234 件") == (1234, "ok")
    assert parse_number("12万元") == (12, "ok")


def test_huge_figure_in_the_narrative_is_not_a_number() -> None:
    assert parse_figure("9" * 400) is None and parse_figure("一" * 5000) is None
    page = build_html("2021", synth_values("2021", 1), extra_body=f"<p>全年受理申请{'9' * 5000}件。</p>")
    json.loads(render_json(check_bytes(page)))


# ---- JSON report data ---------------------------------------------------------------------------


def _json_report(**changes: object) -> dict:
    data = report_of(build_html("2021", synth_values("2021", 1))).to_dict()
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return data


def refused(data: bytes) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_bytes(data, "r.json")
    assert "Traceback" not in info.value.message
    return info.value


def test_valid_json_report_data_is_read() -> None:
    result = check_bytes(json.dumps(_json_report()), "r.json")
    assert result["document"]["year"] == 2024


@pytest.mark.parametrize("where", ["document__extra", "sections__0__extra", "tables__t3__extra",
                                   f"cells__{CELL}__extra", "attachments__0__extra"])
def test_json_unknown_member_is_refused_not_a_type_error(where: str) -> None:
    data = _json_report()
    if where.startswith("attachments"):
        data["attachments"] = [{"text": "附件", "line": 1, "table": None, "present": False}]
    target = data
    *keys, last = where.split("__")
    for key in keys:
        target = target[int(key)] if key.isdigit() else target[key]
    target[last] = 1
    assert "不符合" in refused(json.dumps(data).encode()).message


@pytest.mark.parametrize("date", ["2025-99-99", "2025-01-01\n", "２０２５-01-01", "2025-02-30"])
def test_json_bad_publication_date_is_refused(date: str) -> None:
    data = _json_report(document__published={"date": date, "source": "data"})
    assert "published" in refused(json.dumps(data, ensure_ascii=False).encode()).message


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400", "9" * 5000])
def test_json_non_finite_or_huge_values_are_refused(value: str) -> None:
    text = json.dumps(_json_report())
    assert '"year": 2024' in text
    error = refused(text.replace('"year": 2024', f'"year": {value}', 1).encode())
    assert error.message.startswith("JSON 无法解析")


def test_json_value_beyond_fifteen_digits_is_refused() -> None:
    data = _json_report()
    data["cells"][CELL]["value"] = 10**20
    assert "cells" in refused(json.dumps(data).encode()).message


def test_output_json_never_contains_nan() -> None:
    with pytest.raises(ValueError):
        render_json({"score": float("nan")})


def test_cli_json_input_with_nan_is_exit_2_and_batch_goes_on(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_json_report()).replace('"year": 2024', '"year": NaN'), encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_json_report()), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["check", str(bad), str(good), "--out", str(out), "--format", "json", "-q"])
    assert result.exit_code == 2 and "bad.json" in result.output and "NaN" in result.output
    for written in out.glob("*.json"):
        json.loads(written.read_text(encoding="utf-8"))
