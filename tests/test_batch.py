"""The batch flow: output names unique by construction, compact records for every file (failed ones too),
no leftovers of a file whose worker was killed, and the worker pool's recycling."""

from __future__ import annotations

import csv
import errno
import hashlib
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html
from synth import build_html, inject, synth_values

from gkcheck.batch import BatchJob, BatchRun, FileRecord, RecordSpool, plan_names, protected_files, run_batch
from gkcheck.cli import main
from gkcheck.errors import GkError
from gkcheck.executor import InProcess, LocalPool
from gkcheck.isolate import Limits, WorkerPool
from gkcheck.outdir import MANIFEST
from gkcheck.rulepack import load_profile, load_rules


def write_report(folder: Path, name: str, seed: int = 1, wrong: bool = False) -> Path:
    values = synth_values("2021", seed)
    if wrong:
        values = inject(values, "t4.review.total", 999)
    path = folder / name
    path.write_text(build_html("2021", values), encoding="utf-8")
    return path


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def index_links(out: Path) -> list[str]:
    """Links from the ranking to report pages (not the downloads of the summary tables)."""
    page = lxml_html.fromstring((out / "index.html").read_text("utf-8"))
    return [a.get("href") for a in page.xpath("//table//a")]


def test_crafted_hash_name_never_shares_outputs(tmp_path: Path):
    x_html, x_txt = tmp_path / "x.html", tmp_path / "x.txt"
    crafted = [tmp_path / f"x-{hashlib.sha1(os.path.abspath(p).encode()).hexdigest()[:k]}.txt"
               for p in (x_html, x_txt) for k in (8, 12)]
    names = plan_names([x_html, x_txt, *crafted])
    assert len({n.casefold() for n in names}) == len(names) == 6
    assert names[2:] == [p.stem for p in crafted]  # a unique name is kept as it is


def test_names_fold_case_and_avoid_summaries_and_taken_names(tmp_path: Path):
    names = plan_names([Path("a/Report.pdf"), Path("b/report.html"), Path("index.html"), Path("Scorecard.txt"),
                        Path("r.pdf")], taken=["r.json"])
    assert len({n.casefold() for n in names}) == 5
    assert all(n.casefold() not in ("index", "scorecard", "r") for n in names)


def test_report_named_index_does_not_move_the_batch_index(tmp_path: Path):
    write_report(tmp_path, "index.html")
    write_report(tmp_path, "a.html", seed=2)
    out = tmp_path / "out"
    invoke("check", str(tmp_path / "index.html"), str(tmp_path / "a.html"), "--out", str(out), "-q")
    assert "平均分" in (out / "index.html").read_text("utf-8")  # still the batch index
    links = index_links(out)
    assert len(links) == 2 and "a.html" in links
    assert all((out / link).is_file() and "平均分" not in (out / link).read_text("utf-8") for link in links)


def test_folder_through_a_symlink_keeps_plain_names_and_working_links(tmp_path: Path):
    real = tmp_path / "real"
    real.mkdir()
    write_report(real, "a.html")
    write_report(real, "b.html", seed=2)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    out = tmp_path / "out"
    result = invoke("check", str(link), "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    assert {"a.html", "b.html", "a.json", "b.json"} <= {p.name for p in out.iterdir()}
    assert sorted(index_links(out)) == ["a.html", "b.html"]


def test_failed_file_is_a_row_with_its_reason_and_has_no_outputs(tmp_path: Path):
    write_report(tmp_path, "good.html")
    (tmp_path / "empty.html").write_bytes(b"")
    out = tmp_path / "out"
    result = invoke("check", str(tmp_path / "empty.html"), str(tmp_path / "good.html"), "--out", str(out), "-q")
    assert result.exit_code == 2
    assert not any(p.name.startswith("empty") for p in out.iterdir())
    rows = list(csv.reader((out / "scorecard.csv").read_text("utf-8-sig").splitlines()))
    failed = [r for r in rows[1:] if r[1].endswith("empty.html")]
    assert len(rows) == 3 and failed and failed[0][4] == "无法检查" and "文件为空" in failed[0][-1]
    page = (out / "index.html").read_text("utf-8")
    assert "empty.html" in page and "文件为空" in page
    assert index_links(out) == ["good.html"]  # no link to a page that was not written


def test_records_are_kept_whole_on_disk_in_the_output_folder_until_closed(tmp_path: Path):
    files = [write_report(tmp_path, f"r{i}.html", seed=i, wrong=True) for i in range(3)]
    out = tmp_path / "out"
    out.mkdir()
    job = BatchJob(load_rules(), load_profile(), ("json",), out, 10**7, protected_files(files))
    seen: list[tuple[int, list]] = []
    run = run_batch(files, job, InProcess(), on_file=lambda r: seen.append((r.number, r.findings)))
    assert [n for n, _ in seen] == [0, 1, 2] and all(len(found) >= 1 for _, found in seen)
    [spool] = [p for p in out.iterdir() if p.name.startswith(".gkcheck-records-")]
    assert spool.stat().st_size > 0
    for (number, found), record in zip(seen, run.records, strict=True):  # read back from disk, every finding
        assert record.number == number and record.findings == found
        assert sum(record.summary.values()) == len(found)
        assert record.outputs == {"json": f"{Path(record.file).stem}.json"}
    replaced = run.records[1]
    replaced.findings = []
    run.records[1] = replaced
    assert run.records[1].findings == [] and run.records[2].findings == seen[2][1] and len(run.records) == 3
    assert run.exit_code == 1
    run.close()
    assert not spool.exists()


def _hang_after_writing(result: dict) -> dict:
    time.sleep(60)
    return {}


def test_killed_worker_leaves_no_outputs_of_its_file(tmp_path: Path):
    files = [write_report(tmp_path, "slow.html")]
    out = tmp_path / "out"
    out.mkdir()
    job = BatchJob(load_rules(), load_profile(), ("html", "json"), out, 10**7, hooks=(_hang_after_writing,))
    with run_batch(files, job, LocalPool(Limits(timeout=3), jobs=1)) as run:
        assert run.records[0].failed and "超时" in (run.records[0].error or "")
    assert [p for p in out.iterdir() if p.name != MANIFEST] == []  # outputs written before the kill are gone


def test_interrupted_batch_leaves_no_temporaries_of_the_files_being_written(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch):
    import gkcheck.batch as batch

    parent = os.getpid()
    real_replace = os.replace

    def stuck_replace(src, dst):
        if os.getpid() != parent and "slow" in str(src):
            time.sleep(60)  # b's worker holds its temporaries, not yet renamed, when the batch is interrupted
        real_replace(src, dst)

    monkeypatch.setattr(batch.os, "replace", stuck_replace)
    files = [write_report(tmp_path, "fast.html"), write_report(tmp_path, "slow.html", seed=2)]
    out = tmp_path / "out"
    out.mkdir()

    def interrupt(record: FileRecord) -> None:
        deadline = time.monotonic() + 20
        while not list(out.glob(".slow.*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(out.glob(".slow.*.tmp"))
        raise KeyboardInterrupt

    job = BatchJob(load_rules(), load_profile(), ("html", "json"), out, 10**7)
    with pytest.raises(KeyboardInterrupt):
        run_batch(files, job, LocalPool(Limits(timeout=30), jobs=2), on_file=interrupt)
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".") and p.name != MANIFEST) == []
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["fast.html", "fast.json"]


def test_worker_killed_while_writing_leaves_no_temporaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import gkcheck.batch as batch

    parent = os.getpid()
    real_replace = os.replace

    def stuck_replace(src, dst):
        if os.getpid() != parent:
            time.sleep(60)  # killed here, between writing the temporaries and renaming them
        real_replace(src, dst)

    monkeypatch.setattr(batch.os, "replace", stuck_replace)
    files = [write_report(tmp_path, "a.html"), write_report(tmp_path, "b.html", seed=2)]
    out = tmp_path / "out"
    out.mkdir()
    job = BatchJob(load_rules(), load_profile(), ("html", "json", "text"), out, 10**7)
    with run_batch(files, job, LocalPool(Limits(timeout=3), jobs=2)) as run:
        assert all(r.failed and "超时" in (r.error or "") for r in run.records)
    assert [p for p in out.iterdir() if p.name != MANIFEST] == []


def _pid(item: int) -> int:
    if item == 3:
        os._exit(9)
    return os.getpid()


def test_pool_recycles_workers_after_n_files_and_after_a_crash():
    outcomes = sorted(WorkerPool(_pid, Limits(timeout=10), jobs=1, recycle_after=2).imap(range(7)))
    pids = [o for _, _, o in outcomes]
    assert isinstance(pids[3], Exception) and "退出" in pids[3].message
    ok = [p for p in pids if isinstance(p, int)]
    assert len(ok) == 6 and os.getpid() not in ok
    assert ok[0] == ok[1] and ok[1] != ok[2]  # two files per worker
    assert ok[2] != ok[3]  # the crashed worker's successor


def test_record_of_a_failed_file_keeps_the_summary_fields():
    from gkcheck.batch import FileTask

    record = FileRecord.failed_file(FileTask(4, Path("d/r.pdf"), {"json": "r.json"}), "文件已加密")
    result = record.as_result()
    assert result["error"] == "文件已加密" and result["outputs"] == {} and result["score"]["total"] is None
    assert "文件已加密" in result["score"]["reason"]


def test_manifest_is_read_incrementally_and_a_rewrite_is_noticed(tmp_path: Path):
    import json

    from gkcheck import outdir

    outdir.record(tmp_path, "a.json", b"A")
    assert set(outdir.written(tmp_path)) == {"a.json"}
    outdir.record(tmp_path, "b.json", b"B")
    assert set(outdir.written(tmp_path)) == {"a.json", "b.json"}
    manifest = tmp_path / outdir.MANIFEST
    with manifest.open("ab") as fh:
        fh.write(b'{"name": "c.json", "sha')  # a line still being appended
    assert set(outdir.written(tmp_path)) == {"a.json", "b.json"}
    with manifest.open("ab") as fh:
        fh.write(b'256": "00"}\n')
    assert set(outdir.written(tmp_path)) == {"a.json", "b.json", "c.json"}
    manifest.write_text(json.dumps({"name": "z.json", "sha256": "00"}) + "\n" + "x" * 400 + "\n", encoding="utf-8")
    assert set(outdir.written(tmp_path)) == {"z.json"}  # rewritten in place: read again from the start


def test_rerun_into_the_same_folder_overwrites_its_own_outputs(tmp_path: Path):
    files = [write_report(tmp_path, f"r{i}.html", seed=i) for i in range(3)]
    out = tmp_path / "out"
    for _ in range(2):
        result = invoke("check", *map(str, files), "--out", str(out), "--format", "json", "-q")
        assert result.exit_code == 0, result.output
    reports = sorted(p.name for p in out.iterdir() if p.name.startswith("r"))
    assert reports == ["r0.json", "r1.json", "r2.json"]  # the same names again, nothing renamed aside


def test_rules_are_compiled_once_per_layout_into_concrete_cells():
    from gkcheck.engine.checks.sum_identity import compile_rules, plan
    from gkcheck.templates import load_template, template_versions

    rules = load_rules()
    tables = [t for v in template_versions() for t in load_template(v).tables.values()]
    identities = [r for r in rules if r.kind == "sum_identity"]
    assert compile_rules(rules, tables) == sum(1 for r in identities for t in tables if t.name == r.params["table"])
    rule = next(r for r in identities if r.params.get("for_each"))
    table = next(t for t in tables if t.name == rule.params["table"])
    steps = plan(rule, table)
    assert plan(rule, table) is steps  # reused, not recomputed
    assert len(steps) > 1 and all(lhs and rhs for _, lhs, rhs in steps)
    assert not any("{" in a or "*" in a for _, lhs, rhs in steps for a in lhs + rhs)
    assert all(a in table.cells() for _, lhs, rhs in steps for a in lhs + rhs)


def test_pattern_prefilter_keeps_every_line_that_matches():
    from gkcheck.engine.patterns import Lines, compile_pattern

    lines = ["一、总体情况", "2023年本机关收到申请12件", "我局2024年度", "全市", "x$y", "", "2022年和2021年"]
    joined = Lines(lines)
    patterns = [r"^我局", r"全市$", r"(?P<year>20\d\d)年", r"^$", r"(?<!\d)12件", r"\Aabc", r"申请(?=\d)", r"y$",
                r"年$", r"(?<=和)\d+", r"^\d{4}年(?!度)", r"", r"件|局"]
    for text in patterns:
        pattern = compile_pattern(text)
        matching = {i for i, line in enumerate(lines) if pattern.search(line)}
        assert matching <= pattern.matching_lines(joined), text
    assert compile_pattern(r"^全市的").matching_lines(joined) == set()
    assert compile_pattern(r"(?P<year>20\d\d)年").matching_lines(joined) == {1, 2, 6}


def test_full_disk_while_keeping_records_is_a_chinese_error_and_leaves_no_temporaries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    files = [write_report(tmp_path, f"r{i}.html", seed=i) for i in range(2)]
    out = tmp_path / "out"

    def disk_full(fd: int, data: bytes, offset: int) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "pwrite", disk_full)  # only the batch process writes its records with pwrite
    result = CliRunner().invoke(main, ["check", *map(str, files), "--out", str(out), "-q", "-j", "1"])
    assert result.exit_code == 2
    assert "磁盘空间不足" in result.output and "Errno" not in result.output
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_output_write_error_is_told_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import gkcheck.batch as batch

    def disk_full(fh: object, name: str, content: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(batch, "_write_content", disk_full)
    with pytest.raises(GkError) as caught:
        batch.write_files(tmp_path, {"a.json": "{}"})
    assert caught.value.message == "无法写入输出文件：磁盘空间不足"
    assert list(tmp_path.iterdir()) == []


def test_rerun_removes_the_spools_a_killed_run_left(tmp_path: Path):
    files = [write_report(tmp_path, f"r{i}.html", seed=i) for i in range(2)]
    out = tmp_path / "out"
    out.mkdir()
    stale = [out / ".gkcheck-records-ab12cd34.tmp", out / ".gkcheck-texts-zz_9abcd.tmp"]
    for path in stale:
        path.write_bytes(b"x" * 1000)
    other = out / ".gkcheck-records-notes.tmp"  # not a name a spool gets: left alone
    other.write_text("mine", encoding="utf-8")
    result = invoke("check", *map(str, files), "--out", str(out), "--format", "json", "-q")
    assert result.exit_code == 0, result.output
    assert not any(path.exists() for path in stale)
    assert other.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in out.glob(".gkcheck-*.tmp")) == [other.name]


ORPHAN_SCRIPT = """
import os, signal, sys, time
from gkcheck.isolate import Limits, WorkerPool

def pid(_item):
    return os.getpid()

pool = WorkerPool(pid, Limits(timeout=60), jobs=2)
seen = set()
for n, (_, _, outcome) in enumerate(pool.imap(range(6))):
    seen.add(outcome)
    if n == 3:  # the batch process killed outright in the middle of the batch
        print(" ".join(map(str, sorted(seen))), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
"""


def test_workers_end_when_the_batch_process_is_killed(tmp_path: Path):
    """Idle workers of a killed batch process must not live on (they would hold the output folder's lock)."""
    import subprocess
    import sys

    script = tmp_path / "orphan.py"
    script.write_text(ORPHAN_SCRIPT, encoding="utf-8")
    output = tmp_path / "pids.txt"
    with output.open("w", encoding="ascii") as fh:  # a file, not a pipe: workers left alive would hold a pipe
        done = subprocess.run([sys.executable, str(script)], stdout=fh, stderr=subprocess.DEVNULL, timeout=60)
    workers = [int(p) for p in output.read_text(encoding="ascii").split()]
    assert len(workers) >= 1 and done.returncode == -9

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:  # an exited child not yet reaped is a zombie
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"

    deadline = time.time() + 10
    while any(alive(p) for p in workers) and time.time() < deadline:
        time.sleep(0.1)
    left = [p for p in workers if alive(p)]
    for pid in left:
        os.kill(pid, 9)
    assert left == []


def test_exit_code_follows_records_as_they_are_added_and_replaced(tmp_path: Path) -> None:
    """The batch's exit code is kept beside the records on disk (no pass over them), including records the
    checks across reports replace."""
    def record(number: int, errors: int) -> FileRecord:
        return FileRecord(number=number, file=f"{number}.html", summary={"error": errors, "warning": 0, "info": 0})

    with BatchRun(tmp_path, RecordSpool(tmp_path)) as run:
        assert run.exit_code == 0  # no records yet
        run.records.append(record(0, 0))
        assert run.exit_code == 0
        run.records.append(record(1, 2))
        assert run.exit_code == 1
        run.records[1] = record(1, 0)
        assert run.exit_code == 0
        run.records.append(FileRecord(number=2, file="2.html", status="failed", error="文件为空"))
        assert run.exit_code == 2
        assert [r.exit_code for r in run.records] == [0, 0, 2]
