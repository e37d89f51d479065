"""A small batch of synthetic reports from four units plus one unreadable file, checked into `out/`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from synth import build_html, inject, synth_values

from gkcheck.cli import main

# unit → (wrong 表四 total or None, publication date or None)
UNITS = {
    "甲县人民政府": (None, "2025-03-20"),
    "乙县人民政府": (999, "2025-03-20"),
    "丙县人民政府": (None, None),
    "丁县财政局": (5, "2025-03-20"),  # a department: due 01-31, so late as well
}


def write_batch(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (unit, (wrong, published)) in enumerate(UNITS.items()):
        values = synth_values("2021", seed=10 + i)
        if wrong is not None:
            values = inject(values, "t4.review.total", wrong)
        path = folder / f"report{i}.html"
        path.write_text(build_html("2021", values, issuer=unit, published=published), encoding="utf-8")
        paths.append(path)
    empty = folder / "empty.html"
    empty.write_bytes(b"")
    return [*paths, empty]


def check_batch(folder: Path, *options: str) -> tuple[Path, object]:
    """Check the batch into folder/out; returns the output folder and click's result."""
    paths = write_batch(folder / "in")
    out = folder / "out"
    result = CliRunner().invoke(main, ["check", *map(str, paths), "--out", str(out), *options],
                                catch_exceptions=False)
    return out, result
