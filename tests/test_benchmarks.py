"""The benchmark scripts still run against the current code (they are not part of the package, so nothing
else would notice when an internal interface they use changes)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_multi_bench_runs_and_finds_the_planted_copies() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "multi_bench.py"), "--sizes", "200"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = re.search(r"植入 (\d+) 对，找到 (\d+) 对", done.stdout)
    assert found, done.stdout
    assert int(found.group(1)) >= 1 and found.group(1) == found.group(2)


def test_multi_bench_fails_when_a_size_fails() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "multi_bench.py"), "--sizes", "-1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "失败的规模：-1" in done.stderr


def test_throughput_prints_every_target_line() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "throughput.py"), "--scale", "0.01",
                           "--repeat", "1", "--pages", "1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    targets = [ln for ln in done.stdout.splitlines() if "目标" in ln]
    assert len(targets) == 7, done.stdout  # single file, page, with HTML page, PDF, linearity, -j at two sizes
    ratios = re.findall(r"速率 / \(2 × 进程内速率\)，\d+ 份 +(\d+\.\d+)", done.stdout)
    assert len(ratios) == 2 and all(0 < float(r) < 5 for r in ratios), done.stdout
    assert "本机参照" in done.stdout
