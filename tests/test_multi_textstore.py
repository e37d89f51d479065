"""The section texts of a batch wait on disk, not in the batch process; results stay the same, the store is
removed at the end (also after an error)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from multi_fixtures import narrative, page, write, year_pair

from gkcheck.batch import FileRecord
from gkcheck.cli import main
from gkcheck.multi import run as multi_run
from gkcheck.multi.analyse import analyse
from gkcheck.multi.batch import MultiOptions, annotate
from gkcheck.multi.digest import Digest
from gkcheck.multi.run import DIGEST_KEY, MultiRun
from gkcheck.multi.textstore import PREFIX, TextStore
from gkcheck.pipeline import check_file
from gkcheck.rulepack import load_profile, load_rules

PROFILE = load_profile()
SHARED = narrative(4242, 12)


def stores(folder: Path) -> list[Path]:
    return sorted(folder.glob(PREFIX + "*"))


def test_text_store_reads_back_what_was_put_and_removes_its_file(tmp_path: Path):
    store = TextStore(tmp_path)
    first = store.put({1: "第一部分" * 300, 5: "存在的问题。"})
    second = store.put({})
    assert stores(tmp_path) == [store.path]
    assert store.get(first) == {1: "第一部分" * 300, 5: "存在的问题。"}
    assert store.get(second) == {} and len(store) == 2
    store.close()
    store.close()
    assert stores(tmp_path) == []


def _digests(n: int) -> list[Digest]:
    digests = [Digest(file=f"{i}.html", unit=f"第{i}县人民政府", region=None, issuer=f"第{i}县人民政府",
                      issuer_kind="government", year=2024, kind="annual_report",
                      sections={1: narrative(i * 3 + 1, 10), 5: narrative(i * 3 + 2, 8)}) for i in range(n)]
    digests[2].sections[5] = digests[6].sections[5] = SHARED
    return digests


def test_collected_digests_keep_no_text_and_give_the_same_findings(tmp_path: Path):
    in_memory = analyse(_digests(9), PROFILE)
    multi = MultiRun(MultiOptions(), PROFILE, spill_dir=tmp_path)
    for i, digest in enumerate(_digests(9)):
        multi.collect(FileRecord(number=i, file=digest.file, extra={DIGEST_KEY: digest.to_dict()}))
    assert all(d.sections == {} for d in multi.digests)
    assert multi.store is not None and stores(tmp_path) == [multi.store.path]
    spilled = analyse(multi.digests, PROFILE, texts=multi.store.get)
    multi.close()
    assert stores(tmp_path) == []
    assert [(p.a, p.b, p.section) for p in in_memory.pairs] == [(2, 6, 5)]
    assert spilled.pairs == in_memory.pairs
    assert dict(spilled.findings) == dict(in_memory.findings)


def test_collected_digests_keep_no_figures_and_the_years_compare_the_same(tmp_path: Path):
    before, after = year_pair(7)
    after = dict(after, **{"t3.carried_over.total": after["t3.carried_over.total"] + 3})  # breaks A5
    digests = []
    for n, (values, year) in enumerate(((before, 2023), (after, 2024))):
        path = tmp_path / f"{year}.html"
        path.write_text(page(values, year=year, issuer="示例县人民政府", seed=n + 1), encoding="utf-8")
        digests.append(annotate(check_file(path, load_rules(), PROFILE), path, MultiOptions(), PROFILE))
    in_memory = analyse([Digest.from_dict(d.to_dict()) for d in digests], PROFILE)
    multi = MultiRun(MultiOptions(), PROFILE, spill_dir=tmp_path)
    for i, digest in enumerate(digests):
        multi.collect(FileRecord(number=i, file=digest.file, extra={DIGEST_KEY: digest.to_dict()}))
    assert all(d.cells_data == b"" and d.sections == {} for d in multi.digests)
    assert multi.digests[1].cells == digests[1].cells  # read back from the store
    spilled = analyse(multi.digests, PROFILE, texts=multi.store.get if multi.store else None)
    multi.close()
    rules = [f["rule"] for f in spilled.findings.get(1, [])]
    assert any(rule.startswith("cross.t3") for rule in rules)
    assert dict(spilled.findings) == dict(in_memory.findings)


def _batch(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    values = year_pair(5)[1]
    for n, issuer in enumerate(("甲县人民政府", "乙县人民政府", "丙县人民政府")):
        write(folder, f"{n}.html", page(values, year=2024, issuer=issuer, seed=n + 1,
                                        section5=SHARED if n < 2 else None))
    return folder, tmp_path / "out"


def test_batch_spills_texts_to_the_output_folder_and_removes_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    seen: list[tuple[Path, int, bool]] = []

    class Watched(TextStore):
        def close(self) -> None:
            seen.append((self.path, len(self), self.path.exists()))
            super().close()

    monkeypatch.setattr(multi_run, "TextStore", Watched)
    folder, out = _batch(tmp_path)
    CliRunner().invoke(main, ["check", str(folder), "--out", str(out), "--format", "json", "-q"],
                       catch_exceptions=False)
    assert len(seen) == 1 and seen[0][0].parent == out.resolve() and seen[0][1:] == (3, True)
    assert stores(out) == []
    copied = [f for f in json.loads((out / "0.json").read_text(encoding="utf-8"))["findings"]
              if f["rule"] == "copy.other_unit"]
    assert [Path(f["related"]["file"]).name for f in copied] == ["1.html"]


def test_store_is_removed_when_the_checks_across_reports_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("analyse failed")

    monkeypatch.setattr(multi_run, "analyse", broken)
    folder, out = _batch(tmp_path)
    result = CliRunner().invoke(main, ["check", str(folder), "--out", str(out), "--format", "json", "-q"])
    assert isinstance(result.exception, RuntimeError)
    assert out.exists() and stores(out) == []
