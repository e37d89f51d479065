"""Hostile rule files and scoring profiles: bounded loading, short Chinese errors, bounded pattern matching."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import time_limit
from synth import build_html, synth_values

from gkcheck.cli import main
from gkcheck.engine import run
from gkcheck.errors import RuleError
from gkcheck.extract import extract
from gkcheck.read import read_bytes
from gkcheck.rulepack import load_profile, load_rules, validate_dir

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))
FIGURE_RULE = """pack: custom
rules:
  - id: custom.figure
    title: 正文办结数
    kind: text_figure
    severity: info
    category: content
    params: {{cell: t3.total_processed.total, pattern: '{pattern}'}}
    message: "正文「{{quote}}」写 {{text_value}}，表中为 {{table_value}}。"
"""


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_yaml_alias_bomb_in_rule_file_is_refused_quickly(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    assert len(ALIAS_BOMB) < 600
    with time_limit(10):
        rules, problems = validate_dir(tmp_path)
        result = invoke("check", str(tmp_path / "x.html"), "--rules", str(tmp_path), "--out", str(tmp_path / "o"))
    assert not rules and "别名" in problems[0].message
    assert result.exit_code == 2 and "别名" in result.output and len(result.output) < 2000


def test_yaml_alias_bomb_in_profile_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    with time_limit(10), pytest.raises(RuleError, match="别名"):
        load_profile(str(tmp_path / "bomb.yaml"))


def test_deeply_nested_rule_file_is_a_problem_not_a_recursion_error(tmp_path: Path) -> None:
    (tmp_path / "deep.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    (tmp_path / "deep2.yaml").write_text("".join("  " * i + f"k{i}:\n" for i in range(600)), encoding="utf-8")
    with time_limit(10):
        _, problems = validate_dir(tmp_path)
    assert len(problems) == 2 and all("嵌套" in p.message for p in problems)


@pytest.mark.parametrize("special", ["fifo", "dev_zero", "folder"])
def test_rule_file_that_is_not_a_regular_file(tmp_path: Path, special: str) -> None:
    target = tmp_path / "x.yaml"
    if special == "fifo":
        os.mkfifo(target)
    elif special == "dev_zero":
        target.symlink_to("/dev/zero")
    else:
        target.mkdir()
    with time_limit(10):
        _, problems = validate_dir(tmp_path)
        with pytest.raises(RuleError, match="不是普通文件"):
            load_profile(str(target))
    assert [p.message for p in problems] == ["不是普通文件（可能是文件夹、命名管道或设备），无法读取"]


def test_huge_rule_file_is_refused_by_size(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text("# " + "x" * (2 * 1024 * 1024), encoding="utf-8")
    _, problems = validate_dir(tmp_path)
    assert "文件过大" in problems[0].message


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_profile_weight_nan_or_inf_is_refused(tmp_path: Path, value: str) -> None:
    from gkcheck.paths import PROFILES_DIR

    text = (PROFILES_DIR / "default.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "weight:" in line)
    lines[at] = lines[at].split("weight:")[0] + f"weight: {value}"
    (tmp_path / "p.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match="nan"):
        load_profile(str(tmp_path / "p.yaml"))


def test_profile_missing_or_dev_zero_via_cli(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    with time_limit(20):
        result = invoke("check", str(tmp_path / "r.html"), "--profile", str(tmp_path / "zero.yaml"),
                        "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "不是普通文件" in result.output


def test_text_figure_invalid_regex_fails_validation(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(FIGURE_RULE.format(pattern="(?P<n>\\d+件"), encoding="utf-8")
    _, problems = validate_dir(tmp_path)
    assert len(problems) == 1 and "正则表达式无效" in problems[0].message and problems[0].line > 1
    result = invoke("rules", "validate", str(tmp_path))
    assert result.exit_code == 1 and "正则表达式无效" in result.output


def test_text_figure_catastrophic_regex_is_bounded(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(FIGURE_RULE.format(pattern="办结(?P<n>\\d+)件(.*?，){25}终"), encoding="utf-8")
    rules = load_rules(tmp_path)
    page = build_html("2021", synth_values("2021", 1), extra_body="<p>办结12件" + "，" * 60 + "</p>")
    report = extract(read_bytes(page.encode("utf-8"), "r.html"))
    started = time.monotonic()
    with time_limit(30):
        result = run(report, rules, load_profile())
    assert time.monotonic() - started < 20
    [note] = [f for f in result["findings"] if f["rule"] == "custom.figure"]
    assert note["severity"] == "info" and "未能完成匹配" in note["message"]


def test_shipped_rules_still_load_with_the_bounded_loader() -> None:
    assert len(load_rules()) > 20
