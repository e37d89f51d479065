"""Cost of the batch summaries (scorecard.xlsx, scorecard.csv, findings.csv, summary.json, index.html) for
batches of growing size, from one checked synthetic report repeated under different unit names.

Run: python benchmarks/summaries_bench.py [--sizes 200 1000 4000]. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from synth import build_html, inject, synth_values  # noqa: E402

from gkcheck.batch import write_files  # noqa: E402
from gkcheck.engine import run  # noqa: E402
from gkcheck.extract import extract  # noqa: E402
from gkcheck.read import read_bytes  # noqa: E402
from gkcheck.render.outputs import summary_files  # noqa: E402
from gkcheck.render.summary import BatchSummary  # noqa: E402
from gkcheck.rulepack import load_profile, load_rules  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 4000])
    args = parser.parse_args()
    rules = load_rules()
    values = inject(inject(synth_values("2021", 3), "t3.total_processed.total", 1), "t4.review.total", 999)
    base = run(extract(read_bytes(build_html("2021", values).encode("utf-8"), "r.html")), rules, load_profile())
    base.pop("report")
    print(f"{len(base['findings'])} findings per report")
    for size in args.sizes:
        summary = BatchSummary(rules)
        started = time.perf_counter()
        for i in range(size):
            total = 40.0 + i % 60
            summary.add(dict(base, file=f"reports/r{i}.html", score=dict(base["score"], total=total),
                             document=dict(base["document"], issuer=f"第{i}号单位")))
        added = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            files = summary_files(summary, ("html",))
            write_files(Path(folder), files)
            done = time.perf_counter()
            sizes = "，".join(f"{name} {(Path(folder) / name).stat().st_size // 1024} KB" for name in files)
        print(f"{size:>5} 份：收集 {added - started:.2f} 秒，写出汇总 {done - added:.2f} 秒"
              f"（每份 {1000 * (done - added) / size:.1f} 毫秒）；{sizes}")


if __name__ == "__main__":
    main()
