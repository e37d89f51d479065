"""Checks across reports at scale: copied-text detection and the whole multi-report step over N synthetic reports.

Run: python benchmarks/multi_bench.py [--sizes 1000 10000]. Each size runs in its own process, so the peak
memory printed is that of the step alone (the digests included; their section texts wait in an on-disk
`TextStore`, as in a batch). Prints figures; asserts nothing.

The synthetic batch: N/2 units with a report for two consecutive years; every report shares the same
template sentences (boilerplate) and has its own narrative text; 1 % of the reports copy one section from
another unit (planted pairs). Recall is the share of planted pairs found.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

BOILERPLATE = ("本报告根据条例要求编制，统计期限为本年度一月一日至十二月三十一日。"
               "本报告电子版可在本机关门户网站下载，如有疑问请与本机关联系。")


def build(n: int, store, seed: int = 1) -> tuple[list, set[tuple[int, int]]]:
    """The digests (without text) and the planted pairs; the section texts go to `store`, as in a batch."""
    from multi_fixtures import narrative

    from gkcheck.multi.digest import Digest, pack_cells

    rng = random.Random(seed)
    copied: dict[int, int] = {}  # report -> the report whose section 5 it copies
    planted = set()
    for _ in range(max(1, n // 100)):
        a, b = rng.sample(range(n), 2)
        if a // 2 == b // 2 or a in copied or b in copied:
            continue
        copied[b] = a
        planted.add((min(a, b), max(a, b)))
    cells = pack_cells({"t3.carried_over.total": 3, "t3.carried_forward.total": 3, "t3.new_received.total": 40})
    digests = []
    for i in range(n):
        unit, year = f"第{i // 2}号县人民政府", 2023 + i % 2
        store.put({1: BOILERPLATE + narrative(i * 7 + 1, 12), 5: narrative(copied.get(i, i) * 7 + 5, 6),
                   6: BOILERPLATE + narrative(i * 7 + 6, 3)})
        digests.append(Digest(file=f"r{i:05d}.html", unit=unit, region=None, issuer=unit, issuer_kind="government",
                              year=year, kind="annual_report", templates={"t3": "2021"}, cells_data=cells))
    return digests, planted


def run_one(n: int) -> None:
    from gkcheck.multi.analyse import analyse
    from gkcheck.multi.similarity import Settings, find_copies
    from gkcheck.multi.textstore import TextStore
    from gkcheck.rulepack import load_profile

    with TextStore() as store:
        digests, planted = build(n, store)
        start = time.perf_counter()
        pairs = find_copies(digests, Settings(), store.get)
        copies = time.perf_counter() - start
        found = {(p.a, p.b) for p in pairs if p.section == 5}
        start = time.perf_counter()
        outcome = analyse(digests, load_profile(), texts=store.get)
        whole = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n:>6} 份报告  雷同检测 {copies:7.2f} s（{1000 * copies / n:5.2f} ms/份）  全部跨报告检查 {whole:7.2f} s  "
          f"峰值内存 {peak:7.1f} MB  相似对 {len(pairs)}  植入 {len(planted)} 对，找到 {len(planted & found)} 对  "
          f"跨年度/雷同发现 {sum(len(v) for v in outcome.findings.values())} 条")


def main() -> None:
    parser = argparse.ArgumentParser(description="多份报告检查的性能（只打印数字，不做断言）")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one)
        return
    failed = [n for n in args.sizes if subprocess.run([sys.executable, __file__, "--one", str(n)]).returncode]
    if failed:
        sys.exit(f"失败的规模：{', '.join(map(str, failed))}")


if __name__ == "__main__":
    main()
