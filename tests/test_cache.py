"""The per-user cache: a validated rule pack, profile or table template is reused while its files are
unchanged, re-read as soon as one changes, and nothing is cached when the cache is turned off. A single-file
check with a warm cache imports neither the YAML parser nor libraries that only other formats and commands use."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from synth import build_html, synth_values

from gkcheck import rulepack
from gkcheck.paths import PROFILES_DIR, TEMPLATES_DIR
from gkcheck.rulepack import CHECKS_DIR, load_profile, load_rules
from gkcheck.templates import load_template

# Libraries a single-file check of an HTML page with JSON output never uses (once the cache is filled).
NOT_FOR_ONE_PAGE = ("yaml", "jsonschema", "jinja2", "openpyxl", "pdfplumber", "docx", "fastapi", "uvicorn", "tqdm")


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


def test_table_templates_come_from_the_cache_until_a_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GKCHECK_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, folder)
    parse = load_template.__wrapped__  # the uncached function: every call reads the folder
    first = parse("2021", folder)
    with monkeypatch.context() as m:
        m.setattr(yaml, "load", _no_validation)  # parsing the file again fails the test
        assert parse("2021", folder) == first
    path = folder / "2021.yaml"
    path.write_text(path.read_text("utf-8").replace(f"title: {first.title}", "title: 改过的标题", 1), encoding="utf-8")
    assert parse("2021", folder).title == "改过的标题"


def _modules_after(code: str, env: dict[str, str]) -> set[str]:
    """The modules loaded in a fresh interpreter by the time `code` has run (and the process exits)."""
    report = "import atexit, sys; atexit.register(lambda: print(' '.join(sys.modules), file=sys.stderr))\n"
    done = subprocess.run([sys.executable, "-c", report + code], capture_output=True, text=True, env=env, timeout=120)
    return set(done.stderr.split())


def test_single_file_check_imports_only_what_it_uses(tmp_path: Path):
    env = {**os.environ, "GKCHECK_CACHE_DIR": str(tmp_path / "cache")}
    assert not _modules_after("import gkcheck.cli", env) & {*NOT_FOR_ONE_PAGE, "gkcheck.render.html"}
    page = tmp_path / "one.html"
    page.write_text(build_html("2021", synth_values("2021", 1)), encoding="utf-8")
    check = (f"import sys; from gkcheck.cli import main; sys.argv = ['gkcheck', 'check', {str(page)!r}, '--out', "
             f"{str(tmp_path / 'out')!r}, '--format', 'json', '-q']; main()")
    cold = _modules_after(check, env)  # fills the cache
    assert "yaml" in cold and (tmp_path / "out" / "one.json").is_file()
    assert not _modules_after(check, env) & set(NOT_FOR_ONE_PAGE)
