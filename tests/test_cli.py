"""The command line: outputs, exit codes, batches with bad files, escaping, schema-valid JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner
from helpers import validator
from synth import build_html, inject, synth_values

from gkcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write_report(folder: Path, name: str = "good.html", **kw) -> Path:
    values = kw.pop("values", None) or synth_values("2021", 1)
    path = folder / name
    path.write_text(build_html("2021", values, **kw), encoding="utf-8")
    return path


def test_check_writes_outputs_and_exit_0(tmp_path: Path):
    report = write_report(tmp_path)
    out = tmp_path / "out"
    result = invoke("check", str(report), "--out", str(out))
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[-2].startswith("结论：得分") and lines[-1].startswith("完成：共 1 个文件，已评分 1")
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {"good.html", "good.json", "good.txt"}
    data = json.loads((out / "good.json").read_text(encoding="utf-8"))
    validator("findings.schema.json").validate(data)
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")  # input untouched


def test_error_findings_exit_1_and_bad_file_exit_2_batch_continues(tmp_path: Path):
    values = synth_values("2021", 2)
    wrong = write_report(tmp_path, "wrong.html", values=inject(values, "t4.review.total", 999))
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    result = invoke("check", str(empty), str(wrong), "--out", str(out), "--format", "json")
    assert result.exit_code == 2
    assert "empty.html" in result.output and "文件为空" in result.output
    assert (out / "wrong.json").exists()
    assert invoke("check", str(wrong), "--out", str(out), "--format", "json").exit_code == 1


def test_batch_writes_scorecard_and_index(tmp_path: Path):
    a = write_report(tmp_path, "a.html")
    b = write_report(tmp_path, "b.html", values=inject(synth_values("2021", 3), "t4.review.total", 999))
    out = tmp_path / "out"
    invoke("check", str(a), str(b), "--out", str(out), "-q")
    rows = (out / "scorecard.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 3 and rows[1].split(",")[1].endswith("a.html")
    assert "b.html" in (out / "index.html").read_text(encoding="utf-8")


def test_html_output_escapes_script_in_report_text(tmp_path: Path):
    report = write_report(tmp_path, "x.html", extra_body="<script>alert(2)</script>",
                          values=inject(synth_values("2021", 4), "t4.review.total", 999))
    page = report.read_text(encoding="utf-8").replace(
        "五、存在的主要问题及改进情况", "五、存在的问题及改进&lt;script&gt;alert(1)&lt;/script&gt;")
    report.write_text(page, encoding="utf-8")
    out = tmp_path / "out"
    invoke("check", str(report), "--out", str(out), "--format", "html")
    html = (out / "x.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_output_never_overwrites_an_input(tmp_path: Path):
    report = write_report(tmp_path, "same.json")  # an HTML page named like the JSON output
    before = report.read_bytes()
    result = invoke("check", str(report), "--out", str(tmp_path), "--format", "json")
    assert report.read_bytes() == before
    assert result.exit_code == 0  # the output takes another name instead of refusing the input
    [written] = [p for p in tmp_path.glob("same-*.json")]
    assert json.loads(written.read_text(encoding="utf-8"))["file"] == str(report)


def test_extract_prints_schema_valid_json(tmp_path: Path):
    result = invoke("extract", str(write_report(tmp_path)))
    assert result.exit_code == 0
    validator("report.schema.json").validate(json.loads(result.output))


def test_extract_missing_file_is_exit_2_in_chinese(tmp_path: Path):
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "nope.pdf")])
    assert result.exit_code == 2 and "文件不存在" in result.output


def test_rules_list_and_validate(tmp_path: Path):
    listed = invoke("rules", "list")
    assert listed.exit_code == 0 and "arith.t3.balance" in listed.output and "表三收结平衡" in listed.output
    assert invoke("rules", "validate").exit_code == 0
    (tmp_path / "bad.yaml").write_text("pack: x\nrules:\n  - id: bad\n", encoding="utf-8")
    bad = CliRunner().invoke(main, ["rules", "validate", str(tmp_path)])
    assert bad.exit_code == 1 and "bad.yaml:3" in bad.output


def test_rules_list_and_validate_cover_the_rules_across_reports(tmp_path: Path, monkeypatch):
    from gkcheck.multi import findings

    listed = invoke("rules", "list").output.splitlines()
    multi = [rule.id for rule in findings.load_multi_rules()]
    assert "cross.t3.carry_over" in multi and "unit.duplicate" in multi
    assert [line.split()[0] for line in listed[-1 - len(multi):-1]] == multi
    assert listed[-1].endswith(f"另有跨报告规则 {len(multi)} 条。")
    assert f"规则有效：{len(multi)} 条（{findings.MULTI_DIR}）" in invoke("rules", "validate").output
    (tmp_path / "bad.yaml").write_text("pack: x\nrules:\n  - id: bad\n", encoding="utf-8")
    monkeypatch.setattr(findings, "MULTI_DIR", tmp_path)
    bad = CliRunner().invoke(main, ["rules", "validate"])
    assert bad.exit_code == 1 and "bad.yaml:3" in bad.output


def test_usage_errors_exit_2_in_chinese():
    result = CliRunner().invoke(main, ["check", "x.html", "--format", "pdf"])
    assert result.exit_code == 2 and "不支持的格式" in result.output


def test_bundled_example_names_the_wrong_total(tmp_path: Path):
    result = invoke("check", str(ROOT / "examples" / "sample-2021-report.html"), "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "最可能出错：t3.total_processed.total" in result.output


def test_a_folder_stands_for_its_files(tmp_path: Path):
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    write_report(folder, "a.html")
    write_report(folder / "sub", "b.html")
    (folder / ".hidden").write_text("x", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("check", str(folder), "--out", str(out), "--format", "json", "-q")
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {
        "a.json", "b.json", "scorecard.csv", "scorecard.xlsx", "findings.csv", "summary.json"}  # no pages: no index


def test_help_is_chinese():
    for args in (["--help"], ["check", "--help"], ["rules", "validate", "--help"]):
        text = CliRunner().invoke(main, args).output
        assert text.startswith("用法：") and "选项" in text and "Show this message" not in text


def test_usage_errors_are_translated():
    for args, expected in ((["check", "x", "--jobs", "0"], "不在允许的范围内"), (["chek"], "没有这个命令"),
                           (["check"], "缺少参数"), (["check", "x", "--bogus"], "没有这个选项")):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2 and expected in result.output
        assert "is not" not in result.output and "Did you mean" not in result.output


def test_out_of_range_values_say_the_range_as_the_help_does():
    for args, expected in ((["check", "x", "--jobs", "0"], "0 不在允许的范围内（范围 1–64）"),
                           (["check", "x", "--max-bytes", "-1"], "-1 不在允许的范围内（不小于 1）"),
                           (["serve", "--port", "0"], "0 不在允许的范围内（范围 1–65535）")):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2 and expected in result.output, result.output
        assert "x>=" not in result.output and "<=x" not in result.output
        assert "参数值无效：'--" in result.output  # no space after the full-width colon


def test_help_has_no_click_english():
    english = ("[OPTIONS]", "default:", "INTEGER", "PATH", "TEXT", "RANGE", "FLOAT", "FILES", "COMMAND", "ARGS",
               "DIRECTORY", "required", "x>=", "<=x")
    for args in (["--help"], ["check", "--help"], ["extract", "--help"], ["rules", "--help"],
                 ["rules", "validate", "--help"], ["rules", "list", "--help"], ["serve", "--help"],
                 ["history", "--help"], ["rollup", "--help"]):
        text = CliRunner().invoke(main, args, terminal_width=72).output
        assert not [word for word in english if word in text], (args, text)
        assert "选项：" in text
    text = CliRunner().invoke(main, ["check", "--help"], terminal_width=72).output
    assert re.search(r"\[默认：\d+；范围 1–64\]", text)
    assert "[选项] 文件..." in text


def test_rules_list_speaks_chinese():
    listed = invoke("rules", "list").output
    described = "\n".join(line.split(" ", 1)[-1] for line in listed.splitlines())  # without the rule ids
    for code in ("annual_report", "arithmetic", "government", "department", "structure", "timeliness"):
        assert code not in described
    assert "错误  数据勾稽  表三收结平衡（A1）  [年度报告]" in listed and "政府" in listed and "2021–" in listed
