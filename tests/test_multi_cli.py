"""Checks across reports through the command line: units file, --previous, decisions, history, rollup."""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import re
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from multi_fixtures import page, write, year_pair
from test_multi import synth_shifted

from gkcheck.cli import main
from gkcheck.multi import history


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def two_years(tmp_path: Path, broken: bool = True) -> tuple[Path, Path]:
    before, after = year_pair(21)
    prev = write(tmp_path, "2023.html", page(before, year=2023, issuer="示例市示例县人民政府", seed=1))
    now = write(tmp_path, "2024.html", page(synth_shifted(after) if broken else after, year=2024,
                                            issuer="示例县人民政府", seed=2))
    return prev, now


def test_batch_with_a_broken_a5_reports_it_in_every_output(tmp_path: Path):
    prev, now = two_years(tmp_path)
    out = tmp_path / "out"
    result = invoke("check", str(prev), str(now), "--out", str(out))
    assert result.exit_code == 1
    assert "跨报告检查" in result.output and "上年结转" in result.output
    data = json.loads((out / "2024.json").read_text(encoding="utf-8"))
    a5 = [f for f in data["findings"] if f["rule"] == "cross.t3.carry_over"]
    assert [f["cells"] for f in a5] == [["t3.carried_over.natural_person"], ["t3.carried_over.total"]]
    assert all(len(f["fingerprint"]) == 16 for f in data["findings"])
    assert data["unit"]["name"] == "示例县人民政府"
    assert "cross.t3.carry_over" in (out / "2024.html").read_text(encoding="utf-8")  # the page was written again
    assert not [f for f in json.loads((out / "2023.json").read_text(encoding="utf-8"))["findings"]
                if f["rule"].startswith("cross.")]
    rows = list(csv.reader((out / "findings.csv").read_text(encoding="utf-8-sig").splitlines()))
    a5_rows = [r for r in rows if "cross.t3.carry_over" in r]
    assert len(a5_rows) == 2 and all(any(f["fingerprint"] in r for f in a5) for r in a5_rows)
    fingerprints = [cell for r in rows[1:] for cell in r if re.fullmatch(r"[0-9a-f]{16}", cell)]
    assert len(fingerprints) == len(set(fingerprints))  # the first pass's rows of 2024.html were replaced


def _counting_checks(monkeypatch, log: Path) -> None:
    """Count check_file calls, also in the worker processes (forked from this one)."""
    from gkcheck import pipeline

    real = pipeline.check_file

    def counted(path, *args, **kwargs):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(Path(path).name + "\n")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "check_file", counted)


def test_second_pass_rewrites_pages_from_the_first_pass_result_without_checking_again(tmp_path: Path, monkeypatch):
    prev, now = two_years(tmp_path)
    log = tmp_path / "checks.log"
    _counting_checks(monkeypatch, log)
    reused, rechecked = tmp_path / "reused", tmp_path / "rechecked"
    assert invoke("check", str(prev), str(now), "--out", str(reused), "--format", "json,html,text").exit_code == 1
    assert sorted(log.read_text(encoding="utf-8").split()) == ["2023.html", "2024.html"]  # each checked once
    log.unlink()
    assert invoke("check", str(prev), str(now), "--out", str(rechecked), "--format", "html,text").exit_code == 1
    assert sorted(log.read_text(encoding="utf-8").split()) == ["2023.html", "2024.html", "2024.html"]
    for name in ("2023.html", "2024.html", "2023.txt", "2024.txt"):  # without a JSON output: checked again
        assert (reused / name).read_bytes() == (rechecked / name).read_bytes(), name
    assert "cross.t3.carry_over" in (reused / "2024.html").read_text(encoding="utf-8")
    data = json.loads((reused / "2024.json").read_text(encoding="utf-8"))
    assert [f["rule"] for f in data["findings"]].count("cross.t3.carry_over") == 2
    assert data["summary"]["error"] == sum(1 for f in data["findings"] if f["severity"] == "error")


def test_second_pass_checks_a_file_whose_name_is_not_utf8_again(tmp_path: Path):
    prev, now = two_years(tmp_path)
    odd = tmp_path / os.fsdecode("2024-\u5e74\u62a5".encode("gb18030") + b".html")  # a GBK name, as from an archive
    now.rename(odd)
    out = tmp_path / "out"
    result = invoke("check", str(prev), str(odd), "--out", str(out), "--format", "html")
    assert result.exit_code == 1, result.output
    assert "✗" not in result.output
    [page] = [p for p in out.iterdir() if p.suffix == ".html" and p.name not in ("2023.html", "index.html")]
    assert "cross.t3.carry_over" in page.read_text(encoding="utf-8")


def test_previous_reports_are_compared_not_reported(tmp_path: Path):
    prev, now = two_years(tmp_path)
    out = tmp_path / "out"
    result = invoke("check", str(now), "--previous", str(prev), "--out", str(out), "--format", "json")
    assert result.exit_code == 1
    assert not (out / "2023.json").exists()
    data = json.loads((out / "2024.json").read_text(encoding="utf-8"))
    assert "cross.t3.carry_over" in [f["rule"] for f in data["findings"]]


def test_a5_holding_gives_no_cross_year_error(tmp_path: Path):
    prev, now = two_years(tmp_path, broken=False)
    out = tmp_path / "out"
    invoke("check", str(now), "--previous", str(prev), "--out", str(out), "--format", "json")
    data = json.loads((out / "2024.json").read_text(encoding="utf-8"))
    assert not [f for f in data["findings"] if f["rule"] in ("cross.t3.carry_over", "cross.t2.in_force")]


def test_units_file_with_a_missing_unit(tmp_path: Path):
    units = write(tmp_path, "units.yaml", (
        "units:\n  - {name: 甲县人民政府, kind: government}\n  - {name: 乙县人民政府, kind: government}\n"
        "  - {name: 丙县人民政府, kind: government, aliases: [丙县政府]}\n"))
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a.html", page(year_pair(22)[1], year=2024, issuer="甲县人民政府", seed=1))
    write(folder, "c.html", page(year_pair(23)[1], year=2024, issuer="某市丙县人民政府", seed=2))
    write(folder, "d.html", page(year_pair(24)[1], year=2024, issuer="丁县人民政府", seed=3))
    out = tmp_path / "out"
    result = invoke("check", str(folder), "--units", str(units), "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader((out / "scorecard.csv").read_text(encoding="utf-8-sig").splitlines()))
    missing = [r for r in rows if "乙县人民政府" in r]
    assert len(missing) == 1 and missing[0][0] == "" and "2024" in missing[0] and missing[0].count("未发布/未提交") >= 2
    assert "乙县人民政府" in (out / "index.html").read_text(encoding="utf-8")
    d = json.loads((out / "d.json").read_text(encoding="utf-8"))
    assert d["unit"]["listed"] is False and "unit.unlisted" in [f["rule"] for f in d["findings"]]
    c = json.loads((out / "c.json").read_text(encoding="utf-8"))
    assert c["unit"] == {**c["unit"], "name": "丙县人民政府", "listed": True}
    with sqlite3.connect(out / ".gkcheck-history.sqlite") as conn:
        assert conn.execute("SELECT r.status FROM reports r JOIN units u ON u.id = r.unit_id "
                            "WHERE u.name = '乙县人民政府'").fetchall() == [("missing",)]


def test_malformed_units_file_exits_2_in_chinese(tmp_path: Path):
    report = write(tmp_path, "a.html", page(year_pair(25)[1], year=2024, issuer="甲县人民政府", seed=1))
    units = write(tmp_path, "units.yaml", "units:\n  - name: 甲县人民政府\n")
    result = CliRunner().invoke(main, ["check", str(report), "--units", str(units), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "单位清单文件" in result.output and "缺少必填项" in result.output and "第 2 行" in result.output
    assert not (tmp_path / "o").exists()


def test_decisions_dismiss_a_finding_in_the_batch(tmp_path: Path):
    prev, now = two_years(tmp_path)
    out = tmp_path / "out"
    invoke("check", str(prev), str(now), "--out", str(out), "--format", "json", "-q")
    first = json.loads((out / "2024.json").read_text(encoding="utf-8"))
    errors = [f for f in first["findings"] if f["severity"] == "error"]
    review = write(tmp_path, "review.yaml", "decisions:\n" + "".join(
        f"  - fingerprint: {f['fingerprint']}\n    status: dismissed\n    reason: 上年报告的数字有误，已更正\n"
        f"    unit: 淮安市示例县人民政府\n" for f in errors[:1]) + (
        f"  - fingerprint: {errors[1]['fingerprint']}\n    status: confirmed\n    reason: 已通知单位改正\n"))
    result = invoke("check", str(prev), str(now), "--out", str(out), "--format", "json,html,text", "-q",
                    "--decisions", str(review))
    page = (out / "2024.html").read_text(encoding="utf-8")
    assert "已按复核决定排除的问题 1 项" in page and errors[0]["fingerprint"] in page
    assert "已确认：已通知单位改正" in page
    assert "[已排除]" in (out / "2024.txt").read_text(encoding="utf-8")
    second = json.loads((out / "2024.json").read_text(encoding="utf-8"))
    assert [f["fingerprint"] for f in second["dismissed"]] == [errors[0]["fingerprint"]]
    confirmed = next(f for f in second["findings"] if f["fingerprint"] == errors[1]["fingerprint"])
    assert confirmed["decision"]["status"] == "confirmed"
    assert second["summary"]["error"] == first["summary"]["error"] - 1
    assert second["score"]["total"] >= first["score"]["total"]
    assert result.exit_code == 1  # the confirmed error still counts
    stale = write(tmp_path, "stale.yaml", review.read_text(encoding="utf-8") + (
        "  - {fingerprint: 0123456789abcdef, status: dismissed, reason: 旧报告的问题}\n"))
    rerun = invoke("check", str(prev), str(now), "--out", str(out), "--format", "json", "--decisions", str(stale))
    assert "有 1 条决定在本次检查中没有对应的问题" in rerun.output


def test_unknown_unit_in_decisions_exits_2(tmp_path: Path):
    report = write(tmp_path, "a.html", page(year_pair(26)[1], year=2024, issuer="甲县人民政府", seed=1))
    review = write(tmp_path, "review.yaml", (
        "decisions:\n  - {fingerprint: 0123456789abcdef, status: dismissed, reason: 已核实, unit: 戊县人民政府}\n"))
    result = CliRunner().invoke(main, ["check", str(report), "--decisions", str(review), "--out",
                                       str(tmp_path / "o"), "-q"])
    assert result.exit_code == 2 and "单位「戊县人民政府」不在本次检查的报告中" in result.output
    units = write(tmp_path, "units.yaml", "units:\n  - {name: 甲县人民政府, kind: government}\n")
    result = CliRunner().invoke(main, ["check", str(report), "--decisions", str(review), "--units", str(units),
                                       "--out", str(tmp_path / "o2")])
    assert result.exit_code == 2 and "单位清单和本次检查的报告中" in result.output and "第 2 行" in result.output


def test_history_across_two_runs(tmp_path: Path):
    prev, now = two_years(tmp_path)
    out, db = tmp_path / "out", tmp_path / "h" / "results.sqlite"
    invoke("check", str(prev), str(now), "--out", str(out), "--format", "json", "-q", "--history", str(db))
    fixed = write(tmp_path, "2024.html", page(year_pair(21)[1], year=2024, issuer="示例县人民政府", seed=2))
    invoke("check", str(prev), str(fixed), "--out", str(out), "--format", "json", "-q", "--history", str(db))
    result = invoke("history", "--history", str(db), "--unit", "淮安市示例县人民政府")
    assert result.exit_code == 0
    runs = [line for line in result.output.splitlines() if line.strip().startswith("第 ")]
    assert len(runs) == 4 and sum("2024 年" in line for line in runs) == 2
    assert "2024.html" in result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        counts = conn.execute("SELECT r.run_id, COUNT(f.id) FROM reports r LEFT JOIN findings f ON "
                              "f.report_id = r.id AND f.rule = 'cross.t3.carry_over' WHERE r.year = 2024 "
                              "GROUP BY r.run_id ORDER BY r.run_id").fetchall()
        assert [c for _, c in counts] == [2, 0]  # fixed in the second run
    overview = invoke("history", "--history", str(db))
    assert "示例县人民政府" in overview.output
    missing = CliRunner().invoke(main, ["history", "--history", str(db), "--unit", "无此单位"])
    assert missing.exit_code == 2 and "没有单位「无此单位」" in missing.output


def _one_run(db: Path) -> None:
    """A run of its own (a separate process) writing 25 reports."""
    recorder = history.start_run(db, "default")
    result = {"file": "x.html", "unit": {"name": "甲县人民政府", "kind": "government"}, "document": {"year": 2024},
              "summary": {"error": 1}, "score": {"total": 80.0},
              "findings": [{"rule": "r", "severity": "error", "message": "m", "cells": [], "fingerprint": "f" * 16}]}
    for _ in range(25):
        recorder.report(result)
    recorder.finish(25)


def test_history_migrates_forward_and_survives_concurrent_runs(tmp_path: Path):
    db = tmp_path / "old.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript(history.MIGRATIONS[0] + "PRAGMA user_version = 1;")
    conn.execute("INSERT INTO runs(started, files) VALUES ('2025-01-01', 1)")
    conn.commit()
    conn.close()
    processes = [multiprocessing.get_context("fork").Process(target=_one_run, args=(db,)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0, 0, 0, 0]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 5
        assert conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 100
        assert conn.execute("SELECT COUNT(*) FROM findings WHERE decision IS NULL").fetchone()[0] == 100


def test_rollup_command(tmp_path: Path):
    a, b = year_pair(27)[1], year_pair(28)[1]
    summary = {k: a[k] + b[k] if k.startswith(("t3.", "t4.")) else a[k] for k in a}
    total = write(tmp_path, "county.html", page(summary, year=2024, issuer="示例县人民政府", seed=1))
    part_a = write(tmp_path, "edu.html", page(a, year=2024, issuer="示例县教育局", seed=2))
    wrong = dict(b)
    wrong["t4.litigation_direct.upheld"] += 1
    wrong["t4.litigation_direct.total"] += 1
    part_b = write(tmp_path, "health.html", page(wrong, year=2024, issuer="示例县卫生健康委员会", seed=3))
    result = invoke("rollup", str(total), str(part_a), str(part_b))
    assert result.exit_code == 0  # info by default
    lines = [line for line in result.output.splitlines() if line.startswith("  [提示]")]
    assert len(lines) == 2 and all("行政诉讼" in line for line in lines)
    ok = invoke("rollup", str(total), str(part_a), str(write(tmp_path, "h2.html", page(b, year=2024,
                                                                                    issuer="示例县卫生健康委员会",
                                                                                    seed=3))))
    assert "汇总核对通过" in ok.output



def test_duplicate_reports_are_not_both_ranked(tmp_path: Path):
    values = year_pair(29)[1]
    first = write(tmp_path, "first.html", page(values, year=2024, issuer="甲县人民政府", seed=1,
                                               published="2025-01-10"))
    again = write(tmp_path, "again.html", page(values, year=2024, issuer="某市甲县人民政府", seed=2,
                                               published="2025-01-20"))
    other = write(tmp_path, "other.html", page(year_pair(30)[1], year=2024, issuer="乙县人民政府", seed=3))
    out = tmp_path / "out"
    invoke("check", str(first), str(again), str(other), "--out", str(out), "-q", "--format", "json")
    data = json.loads((out / "first.json").read_text(encoding="utf-8"))
    assert data["unit"]["duplicate_of"] == str(again)
    assert "unit.duplicate" in [f["rule"] for f in data["findings"]]
    rows = list(csv.reader((out / "scorecard.csv").read_text(encoding="utf-8-sig").splitlines()))
    ranks = {row[0] for row in rows[1:] if any(str(first) in cell for cell in row)}
    assert ranks == {""}
    assert len([row for row in rows[1:] if row[0]]) == 2  # again.html and other.html


def test_dismissing_the_only_error_clears_the_exit_code(tmp_path: Path):
    values = year_pair(31)[1]
    values["t4.review.total"] += 1
    report = write(tmp_path, "a.html", page(values, year=2024, issuer="甲县人民政府", seed=1))
    out = tmp_path / "out"
    assert invoke("check", str(report), "--out", str(out), "--format", "json", "-q").exit_code == 1
    errors = [f for f in json.loads((out / "a.json").read_text(encoding="utf-8"))["findings"]
              if f["severity"] == "error"]
    review = write(tmp_path, "review.yaml", "decisions:\n" + "".join(
        f"  - {{fingerprint: {f['fingerprint']}, status: dismissed, reason: 已核实为口径差异}}\n" for f in errors))
    result = invoke("check", str(report), "--out", str(out), "--format", "json", "-q", "--decisions", str(review))
    assert result.exit_code == 0
    data = json.loads((out / "a.json").read_text(encoding="utf-8"))
    assert data["summary"]["error"] == 0 and len(data["dismissed"]) == len(errors)


def test_rollup_names_the_table_it_could_not_compare():
    from gkcheck.multi.commands import rollup_lines
    from gkcheck.multi.digest import Digest, pack_cells
    from gkcheck.rulepack import load_profile

    def digest(name: str, t3_layout: str, review_total: int) -> Digest:
        return Digest(file=name, unit=name, region=None, issuer=name, issuer_kind="government", year=2024,
                      kind="annual_report", templates={"t3": t3_layout, "t4": "2021"},
                      cells_data=pack_cells({"t4.review.total": review_total}))

    profile = load_profile()
    lines, found = rollup_lines(digest("县.html", "2021", 5), [digest("局.html", "2019", 3)], profile)
    assert [f["cells"] for f in found] == [["t4.review.total"]]
    assert "未核对表三：汇总报告或下级单位报告缺少表三，或所用版式不同。" in lines
    lines, found = rollup_lines(digest("县.html", "2021", 3), [digest("局.html", "2019", 3)], profile)
    assert found == [] and "汇总核对通过（只核对了表四）。" in lines
    assert not any(line.startswith("未核对") for line in lines)
    lines, _ = rollup_lines(digest("县.html", "2021", 5), [digest("局.html", "2021", 3)], profile)
    assert not any(line.startswith("未核对") for line in lines)


def test_rollup_usage_names_its_arguments_in_chinese():
    result = CliRunner().invoke(main, ["rollup", "汇总.pdf"])
    assert result.exit_code == 2
    assert "缺少参数 '下级报告...'" in result.output
    assert "rollup [选项] 汇总报告 下级报告..." in invoke("rollup", "--help").output


def test_batch_finds_copied_text_between_two_of_many_reports(tmp_path: Path):
    """Through the command line (sentences counted as the reports arrive, texts kept on disk): the two reports
    sharing their section 5 are reported to each other, and no other report is."""
    from multi_fixtures import narrative

    shared = narrative(777, 12)
    names = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"]
    paths = [write(tmp_path, f"{i}.html", page(year_pair(30 + i)[1], year=2024, issuer=f"{name}县人民政府", seed=40 + i,
                                               section5=shared if i in (2, 5) else None))
             for i, name in enumerate(names)]
    out = tmp_path / "out"
    result = invoke("check", *map(str, paths), "--out", str(out), "--format", "json", "-q")
    assert result.exit_code in (0, 1), result.output
    copied = {}
    for i in range(len(names)):
        data = json.loads((out / f"{i}.json").read_text(encoding="utf-8"))
        copied[i] = [Path(f["related"]["file"]).name for f in data["findings"] if f["rule"] == "copy.other_unit"]
    assert copied == {i: (["5.html"] if i == 2 else ["2.html"] if i == 5 else []) for i in range(len(names))}
