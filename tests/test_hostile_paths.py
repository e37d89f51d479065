"""Hostile paths and output folders: each bad path costs only itself (Chinese message naming it, exit code 2),
the rest of the batch is checked, gkcheck never reads its own outputs and never overwrites a file it did
not write."""

from __future__ import annotations

import ctypes
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from synth import build_html, build_text, inject, synth_values

from gkcheck.cli import main
from gkcheck.outdir import locked

ROOT = Path(__file__).resolve().parents[1]
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def report(folder: Path, name: str = "good.html", seed: int = 1) -> Path:
    path = folder / name
    path.write_text(build_html("2021", synth_values("2021", seed)), encoding="utf-8")
    return path


SUMMARIES = {"index.html", "scorecard.csv", "scorecard.xlsx", "findings.csv", "summary.json"}


def visible(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


def _without_root_bypass() -> None:
    """In the child: drop the capabilities that let root read any file, so permissions apply."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")


def run_restricted(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command line in a child process for which file permissions hold (also when tests run as root)."""
    preexec = _without_root_bypass if os.geteuid() == 0 else None
    try:
        return subprocess.run([sys.executable, "-m", "gkcheck.cli", *args], cwd=cwd, capture_output=True,
                              text=True, timeout=120, preexec_fn=preexec, env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.SubprocessError as exc:  # the capability cannot be dropped here
        pytest.skip(f"cannot run without root's permission bypass: {exc}")


def test_symlink_loop_argument_is_named_and_batch_goes_on(tmp_path: Path) -> None:
    good = report(tmp_path)
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    out = tmp_path / "out"
    result = invoke("check", str(tmp_path / "loop1"), str(good), "--out", str(out), "-q")
    assert result.exit_code == 2
    assert "loop1" in result.output and "符号链接形成循环" in result.output
    assert "good.html" in visible(out)


def test_300_byte_file_name_argument(tmp_path: Path) -> None:
    good = report(tmp_path)
    out = tmp_path / "out"
    result = invoke("check", str(tmp_path / ("报" * 100 + ".pdf")), str(good), "--out", str(out), "-q")
    assert result.exit_code == 2 and "文件名或路径过长" in result.output
    assert "good.json" in visible(out)


def test_chmod_000_file_argument(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    good, locked_file = report(tmp_path), report(tmp_path, "locked.html")
    locked_file.chmod(0)
    result = run_restricted("check", str(locked_file), str(good), "--out", str(tmp_path / "out"), "-q", cwd=ROOT)
    assert result.returncode == 2, result.stderr
    assert "locked.html" in result.stderr and "没有读取权限" in result.stderr and "Traceback" not in result.stderr
    assert visible(tmp_path / "out") == {"good.html", "good.json", "good.txt"} | SUMMARIES


def test_folder_with_symlink_into_unreadable_directory(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    report(secret, "hidden.html")
    folder = tmp_path / "reports"
    folder.mkdir()
    report(folder)
    (folder / "link.html").symlink_to(secret / "hidden.html")
    (folder / "sub").mkdir()
    (folder / "sub" / "inner").symlink_to(secret)
    secret.chmod(0)
    result = run_restricted("check", str(folder), "--follow-links", "--out", str(tmp_path / "out"), "-q", cwd=ROOT)
    assert result.returncode == 2, result.stderr
    assert "link.html" in result.stderr and "inner" in result.stderr and "没有访问权限" in result.stderr
    assert "good.html" in visible(tmp_path / "out")


def test_unreadable_subfolder_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    (folder / "closed").mkdir(parents=True)
    report(folder)
    report(folder / "closed", "inside.html")
    (folder / "closed").chmod(0)
    result = run_restricted("check", str(folder), "--out", str(tmp_path / "out"), "-q", cwd=ROOT)
    assert result.returncode == 2, result.stderr
    assert "closed" in result.stderr and "无法读取文件夹" in result.stderr
    assert "good.html" in visible(tmp_path / "out")


def folder_with_unopenable_entries(tmp_path: Path) -> Path:
    """A folder with one good report, a dangling link and a named pipe."""
    folder = tmp_path / "reports"
    folder.mkdir()
    report(folder)
    (folder / "dangling.pdf").symlink_to(tmp_path / "gone.pdf")
    os.mkfifo(folder / "pipe.html")
    return folder


def test_broken_symlink_fifo_and_socket_in_folder_are_reported(tmp_path: Path) -> None:
    folder = folder_with_unopenable_entries(tmp_path)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "sock.html"))
    try:
        result = invoke("check", str(folder), "--out", str(tmp_path / "out"), "-q")
    finally:
        server.close()
    assert result.exit_code == 2
    for name, reason in (("dangling.pdf", "断开的链接"), ("pipe.html", "命名管道"), ("sock.html", "套接字")):
        assert any(name in line and reason in line for line in result.output.splitlines()), result.output
    assert "good.html" in visible(tmp_path / "out")


def test_paths_that_cannot_be_checked_are_rows_of_the_summaries(tmp_path: Path) -> None:
    folder = folder_with_unopenable_entries(tmp_path)
    out = tmp_path / "out"
    result = invoke("check", str(folder), "--out", str(out), "-q")
    assert result.exit_code == 2
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["files"] == 3 and summary["totals"]["unreadable"] == 2
    scorecard = (out / "scorecard.csv").read_text(encoding="utf-8-sig")
    index = (out / "index.html").read_text(encoding="utf-8")
    for name, reason in (("dangling.pdf", "断开的链接"), ("pipe.html", "命名管道")):
        row = next(line for line in scorecard.splitlines() if name in line)
        assert reason in row
        assert name in index
    assert "共 3 个文件" in result.output.splitlines()[-1]


def test_fifo_given_as_argument_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    result = invoke("check", str(tmp_path / "pipe.txt"), str(report(tmp_path)), "--out", str(tmp_path / "o"), "-q")
    assert result.exit_code == 2 and "命名管道" in result.output


def test_empty_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".DS_Store").write_bytes(b"x")
    result = invoke("check", str(tmp_path / "empty"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "empty" in result.output and "没有可检查的文件" in result.output


def test_symlink_leading_outside_input_folder_not_followed_unless_asked(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    report(elsewhere, "private.html", seed=2)
    folder = tmp_path / "reports"
    folder.mkdir()
    report(folder)
    (folder / "escape").symlink_to(elsewhere)
    (folder / "inside.html").symlink_to(folder / "good.html")  # inside the folder: followed
    result = invoke("check", str(folder), "--out", str(tmp_path / "out"), "-q", "--format", "json")
    assert result.exit_code == 2 and "escape" in result.output and "--follow-links" in result.output
    assert visible(tmp_path / "out") == {"good.json", "inside.json", *SUMMARIES} - {"index.html"}
    followed = invoke("check", str(folder), "--follow-links", "--out", str(tmp_path / "out2"), "-q", "--format",
                      "json")
    assert followed.exit_code == 0, followed.output
    assert "private.json" in visible(tmp_path / "out2")


def test_symlink_cycle_inside_folder_with_follow_links_terminates(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    (folder / "a").mkdir(parents=True)
    report(folder / "a")
    (folder / "a" / "up").symlink_to(folder)
    result = invoke("check", str(folder), "--follow-links", "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    assert visible(tmp_path / "out") == {"good.html", "good.json", "good.txt"}


def test_gbk_file_name_is_checked_and_shown_in_chinese(tmp_path: Path) -> None:
    gbk = os.fsdecode("年度报告".encode("gbk") + b".html")
    good = report(tmp_path, gbk)
    empty = tmp_path / os.fsdecode("空".encode("gbk") + b".txt")
    empty.write_bytes(b"")
    out = tmp_path / "out"
    result = invoke("check", str(good), str(empty), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "空.txt" in result.output and "文件为空" in result.output
    assert {"年度报告.html", "年度报告.json", "年度报告.txt"} <= visible(out)
    assert json.loads((out / "年度报告.json").read_text(encoding="utf-8"))["file"].endswith("年度报告.html")


def test_second_run_does_not_check_its_own_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report(tmp_path, "a.html", seed=1)
    report(tmp_path, "b.html", seed=2)
    monkeypatch.chdir(tmp_path)
    first = invoke("check", ".", "-q")
    second = invoke("check", ".", "-q")
    assert first.exit_code == second.exit_code == 0, second.output
    assert visible(tmp_path / "reports_out") == {
        "a.html", "a.json", "a.txt", "b.html", "b.json", "b.txt", *SUMMARIES}
    rows = (tmp_path / "reports_out" / "scorecard.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 3  # the header and the two reports, none of gkcheck's outputs


def test_outputs_of_an_earlier_out_folder_are_not_inputs(tmp_path: Path) -> None:
    report(tmp_path, "a.html")
    invoke("check", str(tmp_path), "--out", str(tmp_path / "first"), "-q")
    result = invoke("check", str(tmp_path), "--out", str(tmp_path / "second"), "-q", "--format", "json")
    assert result.exit_code == 0, result.output
    assert visible(tmp_path / "second") == {"a.json"}


def test_out_is_the_input_folder_user_file_is_not_overwritten(tmp_path: Path) -> None:
    good = report(tmp_path, "r.html")
    mine = tmp_path / "r.txt"
    mine.write_text("我的笔记", encoding="utf-8")
    result = invoke("check", str(good), "--out", str(tmp_path), "--format", "text,json", "-q")
    assert result.exit_code == 0, result.output
    assert mine.read_text(encoding="utf-8") == "我的笔记"
    [text] = [p for p in tmp_path.glob("r-*.txt")]
    assert text.with_suffix(".json").exists()
    assert "得分" in text.read_text(encoding="utf-8")
    again = invoke("check", str(tmp_path), "--out", str(tmp_path), "--format", "json", "-q")
    assert again.exit_code == 0, again.output
    rows = (tmp_path / "scorecard.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert sorted(row.split(",")[1].rsplit("/", 1)[-1] for row in rows) == ["r.html", "r.txt"]  # not its own
    assert mine.read_text(encoding="utf-8") == "我的笔记"


def test_output_edited_by_the_user_is_not_overwritten(tmp_path: Path) -> None:
    good = report(tmp_path, "r.html")
    out = tmp_path / "out"
    invoke("check", str(good), "--out", str(out), "--format", "text", "-q")
    (out / "r.txt").write_text("审核意见：已复核", encoding="utf-8")
    result = invoke("check", str(good), "--out", str(out), "--format", "text", "-q")
    assert result.exit_code == 0
    assert (out / "r.txt").read_text(encoding="utf-8") == "审核意见：已复核"
    assert len(list(out.glob("r-*.txt"))) == 1


def test_index_links_follow_a_renamed_output(tmp_path: Path) -> None:
    a = report(tmp_path, "a.html", seed=1)
    b = tmp_path / "b.html"
    b.write_text(build_html("2021", inject(synth_values("2021", 2), "t4.review.total", 999)), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.html").write_text("用户自己的页面", encoding="utf-8")
    invoke("check", str(a), str(b), "--out", str(out), "-q")
    assert (out / "a.html").read_text(encoding="utf-8") == "用户自己的页面"
    [page] = [p.name for p in out.glob("a-*.html")]
    assert f'href="{page}"' in (out / "index.html").read_text(encoding="utf-8")


def test_out_pointing_at_a_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep", encoding="utf-8")
    result = invoke("check", str(report(tmp_path)), "--out", str(target))
    assert result.exit_code == 2 and "notes.txt" in result.output and "不是文件夹" in result.output
    assert target.read_text(encoding="utf-8") == "keep" and "Errno" not in result.output


def test_out_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = invoke("check", str(report(tmp_path)), "--out", str(tmp_path / "file" / "sub"))
    assert result.exit_code == 2 and "无法创建输出文件夹" in result.output and "Errno" not in result.output


def test_missing_profile_is_a_chinese_error(tmp_path: Path) -> None:
    for profile in ("nonexistent", str(tmp_path / "gone.yaml")):
        result = invoke("check", str(report(tmp_path)), "--out", str(tmp_path / "out"), "--profile", profile)
        assert result.exit_code == 2 and "评分方案" in result.output and "不存在" in result.output
        assert "Errno" not in result.output


def test_two_runs_on_the_same_out_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with locked(out):
        result = invoke("check", str(report(tmp_path)), "--out", str(out))
    assert result.exit_code == 2 and "另一个 gkcheck" in result.output
    assert visible(out) == set()
    assert invoke("check", str(report(tmp_path)), "--out", str(out), "-q").exit_code == 0


def test_terminal_escape_sequences_in_report_and_file_name_are_stripped(tmp_path: Path) -> None:
    text = build_text("2021", synth_values("2021", 1), issuer="示例县\x1b[2J人民政府\x1b[0m")
    (tmp_path / "evil.txt").write_text(text, encoding="utf-8")
    empty = tmp_path / "bad\x1b[31mname\x1b]0;x\x07.txt"
    empty.write_bytes(b"")
    result = invoke("check", str(tmp_path / "evil.txt"), str(empty), "--out", str(tmp_path / "out"))
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "badname" in result.output and result.exit_code == 2
    single = invoke("check", str(tmp_path / "evil.txt"), "--out", str(tmp_path / "out2"))  # prints the summary
    assert "示例县人民政府" in single.output and "\x1b" not in single.output and "\x07" not in single.output
    written = (tmp_path / "out2" / "evil.txt").read_text(encoding="utf-8")
    assert "示例县人民政府" in written and "\x1b" not in written


@pytest.mark.parametrize(("option", "value"), [
    ("--timeout", "nan"), ("--timeout", "inf"), ("--timeout", "-1"), ("--max-memory", str(2**43)),
    ("--max-bytes", "-5"), ("--max-bytes", "0"),
])
def test_out_of_range_option_values(tmp_path: Path, option: str, value: str) -> None:
    result = CliRunner().invoke(main, ["check", str(report(tmp_path)), option, value, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "用法错误" in result.output, result.output
    assert not (tmp_path / "o").exists()


def test_extract_of_a_fifo_or_symlink_loop_is_a_chinese_error(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.html")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    for name, reason in (("pipe.html", "不是普通文件"), ("loop", "符号链接形成循环")):
        result = CliRunner().invoke(main, ["extract", str(tmp_path / name)])
        assert result.exit_code == 2 and name in result.output and reason in result.output
    assert CliRunner().invoke(main, ["extract", str(tmp_path / "x"), "--max-bytes", "-1"]).exit_code == 2


@pytest.mark.parametrize(("option", "value"), [
    ("--timeout", "nan"), ("--timeout", "inf"), ("--keep", "nan"), ("--max-memory", str(2**43)), ("--max-bytes", "-1"),
])
def test_out_of_range_serve_options(option: str, value: str) -> None:
    result = CliRunner().invoke(main, ["serve", option, value])
    assert result.exit_code == 2 and "用法错误" in result.output, result.output


def test_a_file_given_twice_is_checked_once_and_ranked(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    good = report(folder)
    other = folder / "other.html"
    other.write_text(build_html("2021", synth_values("2021", 2), issuer="乙县人民政府"), encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("check", str(good), str(folder), os.path.join(str(folder), ".", "good.html"), "--out", str(out),
                    "-q", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "共 2 个文件，已评分 2" in result.output
    assert visible(out) == {"good.json", "other.json", *SUMMARIES} - {"index.html"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["units"]) == 2 and all(u["rank"] is not None for u in summary["units"])
    assert summary["totals"]["duplicates"] == 0


def test_a_folder_whose_files_were_given_already_is_not_empty(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    good = report(folder)
    result = invoke("check", str(good), str(folder), "--out", str(tmp_path / "out"), "-q", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "没有可检查的文件" not in result.output
