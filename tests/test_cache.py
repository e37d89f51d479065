"""The per-user cache: a validated rule pack or profile is reused while its files are unchanged, re-validated
as soon as one changes, and nothing is cached when the cache is turned off."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gkcheck import rulepack
from gkcheck.paths import PROFILES_DIR
from gkcheck.rulepack import CHECKS_DIR, load_profile, load_rules


def _copy_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(CHECKS_DIR, folder)
    return folder


def _no_validation(*args, **kwargs):
    raise AssertionError("validated again")


def test_a_validated_rule_pack_is_reused_until_a_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GKCHECK_CACHE_DIR", str(tmp_path / "cache"))
    folder = _copy_rules(tmp_path)
    first = load_rules(folder)
    with monkeypatch.context() as m:
        m.setattr(rulepack, "validate_dir", _no_validation)
        assert load_rules(folder) == first  # same rules, straight from the cache
    path = folder / "arithmetic.yaml"
    path.write_text(path.read_text("utf-8").replace("表三收结平衡", "表三收支平衡", 1), encoding="utf-8")
    changed = {r.id: r.title for r in load_rules(folder)}
    assert changed["arith.t3.balance"].startswith("表三收支平衡")


def test_an_invalid_pack_is_never_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GKCHECK_CACHE_DIR", str(tmp_path / "cache"))
    folder = _copy_rules(tmp_path)
    (folder / "bad.yaml").write_text("pack: x\nrules:\n  - id: bad\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(rulepack.RuleError, match="bad.yaml:3"):
            load_rules(folder)


def test_cache_off_validates_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GKCHECK_CACHE_DIR", "")
    folder = _copy_rules(tmp_path)
    load_rules(folder)
    monkeypatch.setattr(rulepack, "validate_dir", _no_validation)
    with pytest.raises(AssertionError, match="validated again"):
        load_rules(folder)


def test_profile_cache_follows_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GKCHECK_CACHE_DIR", str(tmp_path / "cache"))
    profile = tmp_path / "p.yaml"
    shutil.copy(PROFILES_DIR / "default.yaml", profile)
    assert load_profile(str(profile)).max_per_rule == load_profile("default").max_per_rule
    text = profile.read_text("utf-8")
    profile.write_text(text.replace("max_per_rule:", "max_per_rule: 7 #", 1), encoding="utf-8")
    assert load_profile(str(profile)).max_per_rule == 7
