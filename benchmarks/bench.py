"""Throughput figures: documents per second for each reader and for a batch audit.

Run: python benchmarks/bench.py [--n 200]. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from synth import build_docx, build_html, build_pdf, build_text, inject, synth_values  # noqa: E402

from gkcheck.engine import run  # noqa: E402
from gkcheck.extract import extract  # noqa: E402
from gkcheck.read import read_bytes  # noqa: E402
from gkcheck.rulepack import load_profile, load_rules  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def timed(label: str, docs: list[tuple[str, bytes]], rules, profile) -> None:
    times = []
    for name, data in docs:
        start = time.perf_counter()
        run(extract(read_bytes(data, name)), rules, profile)
        times.append(time.perf_counter() - start)
    total = sum(times)
    print(f"{label:<28} {len(docs):>5} 份  共 {total:7.2f} s  平均 {1000 * statistics.mean(times):7.1f} ms/份  "
          f"最慢 {1000 * max(times):7.1f} ms  {len(docs) / total:7.1f} 份/秒")


def batch(versions: list[str], values: list[dict]) -> None:
    """A supervisor's batch through the command line: every file checked, HTML + JSON written, scorecard."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = []
        for i, (version, vals) in enumerate(zip(versions, values)):
            path = folder / f"unit-{i:04d}.html"
            path.write_text(build_html(version, vals), encoding="utf-8")
            files.append(str(path))
        jobs = str(os.cpu_count() or 1)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "gkcheck.cli", "check", *files, "--out", str(folder / "out"),
                        "--format", "html,json", "-q", "-j", jobs], check=False, capture_output=True)
        total = time.perf_counter() - start
        print(f"{'命令行批量（' + jobs + ' 个进程）':<28} {len(files):>5} 份  共 {total:7.2f} s  "
              f"{len(files) / total:7.1f} 份/秒（含写出 HTML、JSON、评分表）")


def main() -> None:
    parser = argparse.ArgumentParser(description="gkcheck 性能测试（只打印数字，不做断言）")
    parser.add_argument("--n", type=int, default=200, help="每种格式的合成报告数量")
    args = parser.parse_args()
    rules, profile = load_rules(), load_profile()
    values = [synth_values("2021" if i % 2 else "2019", i) for i in range(args.n)]
    versions = ["2021" if i % 2 else "2019" for i in range(args.n)]
    bad = [inject(v, "t3.total_processed.total", 10**6) for v in values]
    timed("HTML（合成，含一处错误）", [(f"{i}.html", build_html(ver, v).encode()) for i, (ver, v) in
                                       enumerate(zip(versions, bad))], rules, profile)
    timed("文本（每格一行）", [(f"{i}.txt", build_text(ver, v, style="cells").encode()) for i, (ver, v) in
                            enumerate(zip(versions, values))], rules, profile)
    small = max(1, args.n // 10)
    timed("DOCX（合成）", [(f"{i}.docx", build_docx(ver, v)) for i, (ver, v) in
                          enumerate(zip(versions[:small], values[:small]))], rules, profile)
    timed("PDF（合成）", [(f"{i}.pdf", build_pdf(ver, v)) for i, (ver, v) in
                         enumerate(zip(versions[:small], values[:small]))], rules, profile)
    batch(versions, bad)
    if CORPUS.is_dir():
        docs = [(p.name, p.read_bytes()) for p in sorted(CORPUS.iterdir()) if p.suffix in (".txt", ".pdf", ".docx")]
        timed("真实语料 ../shared/corpus", docs, rules, profile)


if __name__ == "__main__":
    main()
