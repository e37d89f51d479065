"""Load benchmark of `gkcheck serve`: many concurrent clients against the running server on 127.0.0.1.

Run: python benchmarks/serve_bench.py [--n 200] [--clients 20] [--jobs 2] [--pdf-every 10]
Starts the server on a free loopback port, sends `n` checks from `clients` threads through POST /api/check,
checks every answer (status, findings schema, the injected error found as the top suspect, no error where
none was injected), samples the memory of the server and its workers, stops the server, and prints
throughput and latency percentiles. Bounded in count and time (--max-seconds); asserts nothing else.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import httpx  # noqa: E402
from helpers import validator  # noqa: E402
from live_server import running_server  # noqa: E402
from synth import build_html, build_pdf, inject, synth_values  # noqa: E402

WRONG_CELL = "t3.new_received.total"
REQUEST_TIMEOUT = 180.0


@dataclass
class Case:
    name: str
    data: bytes
    wrong: bool


@dataclass
class Answer:
    seconds: float
    response: httpx.Response | None = None
    problem: str = ""  # why the answer is wrong ("" when right), filled in after the timed run

    @property
    def ok(self) -> bool:
        return self.response is not None and not self.problem


def cases(n: int, pdf_every: int) -> list[Case]:
    """`n` synthetic reports; every third has a wrong 表三 total, every `pdf_every`-th is a PDF."""
    out = []
    for i in range(n):
        values = synth_values("2021", seed=i % 25)
        wrong = i % 3 == 0
        if wrong:
            values = inject(values, WRONG_CELL, values[WRONG_CELL] + 7)
        if pdf_every and i % pdf_every == pdf_every - 1:
            out.append(Case(f"unit-{i:04d}.pdf", build_pdf("2021", values), wrong))
        else:
            out.append(Case(f"unit-{i:04d}.html", build_html("2021", values).encode("utf-8"), wrong))
    return out


def judge(case: Case, response: httpx.Response) -> str:
    """Why an answer is wrong, or "" when it is right."""
    if response.status_code != 200:
        return f"{case.name}: HTTP {response.status_code} {response.text[:200]}"
    result = response.json()
    errors = list(validator("findings.schema.json").iter_errors(result))
    if errors:
        return f"{case.name}: schema: {errors[0].message}"
    if result["file"] != case.name:
        return f"{case.name}: answer names {result['file']}"
    arithmetic = [f for f in result["findings"] if f["category"] == "arithmetic" and f["severity"] == "error"]
    if case.wrong and (not result["suspects"] or result["suspects"][0]["cell"] != WRONG_CELL):
        return f"{case.name}: injected error not the top suspect"
    if not case.wrong and arithmetic:
        return f"{case.name}: arithmetic error in a correct report"
    return ""


def send(client: httpx.Client, url: str, case: Case, deadline: float) -> Answer:
    if time.monotonic() > deadline:
        return Answer(0.0, problem=f"{case.name}: not sent (time budget spent)")
    started = time.perf_counter()
    try:
        response = client.post(url + "/api/check", files={"file": (case.name, case.data)})
    except httpx.HTTPError as exc:
        return Answer(time.perf_counter() - started, problem=f"{case.name}: {type(exc).__name__}: {exc}")
    return Answer(time.perf_counter() - started, response)


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _stat(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU time (user + system) of a process itself, and of its children: the ended (reaped) ones and those
    still running (the server's persistent workers)."""
    fields = _stat(pid)
    if not fields:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    live = sum(int(f[11]) + int(f[12]) for f in map(_stat, children(pid)) if f)
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14]) + live) / tick


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            out += [int(p) for p in task.read_text().split()]
    return out


class MemorySampler(threading.Thread):
    """Peak RSS of the server process, and of the server with its worker processes, every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.stop, self.peak_server, self.peak_total = pid, threading.Event(), 0, 0

    def run(self) -> None:
        while not self.stop.wait(0.2):
            server = rss_kb(self.pid)
            self.peak_server = max(self.peak_server, server)
            self.peak_total = max(self.peak_total, server + sum(rss_kb(c) for c in children(self.pid)))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description="gkcheck serve 负载测试（只打印数字）")
    parser.add_argument("--n", type=int, default=200, help="检查份数")
    parser.add_argument("--clients", type=int, default=20, help="并发客户端数")
    parser.add_argument("--jobs", type=int, default=2, help="服务器同时检查的份数")
    parser.add_argument("--pdf-every", type=int, default=10, help="每隔几份用一份 PDF（0 表示全部 HTML）")
    parser.add_argument("--max-seconds", type=float, default=600, help="总时限（秒）")
    args = parser.parse_args()

    docs = cases(args.n, args.pdf_every)
    queue = str(max(args.clients, 1))
    with running_server("--jobs", str(args.jobs), "--queue", queue) as server:
        pid = server.process.pid
        idle_rss = rss_kb(pid)
        cpu_before = cpu_seconds(pid)
        sampler = MemorySampler(pid)
        sampler.start()
        deadline = time.monotonic() + args.max_seconds
        limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
        with httpx.Client(timeout=REQUEST_TIMEOUT, limits=limits) as client, \
                ThreadPoolExecutor(max_workers=args.clients) as pool:
            started = time.perf_counter()
            answers = list(pool.map(lambda case: send(client, server.url, case, deadline), docs))
            wall = time.perf_counter() - started
        sampler.stop.set()
        sampler.join()
        after_rss = rss_kb(pid)
        cpu_after = cpu_seconds(pid)
    for case, answer in zip(docs, answers):  # judged after the timed run, so as not to load the machine
        if answer.response is not None:
            answer.problem = judge(case, answer.response)

    good = [a for a in answers if a.ok]
    times = [a.seconds for a in answers if a.seconds]
    pdfs = sum(1 for d in docs if d.name.endswith(".pdf"))
    print(f"gkcheck serve：{len(docs)} 份（其中 PDF {pdfs} 份），{args.clients} 个并发客户端，--jobs {args.jobs}")
    print(f"正确应答 {len(good)}/{len(docs)}；用时 {wall:.2f} s；吞吐 {len(good) / wall:.1f} 份/秒")
    if times:
        print(f"延迟：p50 {percentile(times, 0.5) * 1000:.0f} ms，p90 {percentile(times, 0.9) * 1000:.0f} ms，"
              f"p99 {percentile(times, 0.99) * 1000:.0f} ms，最大 {max(times) * 1000:.0f} ms，"
              f"平均 {statistics.mean(times) * 1000:.0f} ms")
    print(f"内存（RSS）：服务进程空闲 {idle_rss / 1024:.0f} MB，峰值 {sampler.peak_server / 1024:.0f} MB，"
          f"结束时 {after_rss / 1024:.0f} MB；连同检查进程峰值 {sampler.peak_total / 1024:.0f} MB")
    own, workers = (after - before for after, before in zip(cpu_after, cpu_before))
    print(f"CPU 时间：服务进程 {own:.1f} s（每份 {own / len(docs) * 1000:.0f} ms），"
          f"检查进程 {workers:.1f} s（每份 {workers / len(docs) * 1000:.0f} ms）")
    for answer in [a for a in answers if not a.ok][:10]:
        print("✗", answer.problem)
    sys.exit(0 if len(good) == len(docs) else 1)


if __name__ == "__main__":
    main()
