"""What `gkcheck check` tells the person running it while a batch runs, and the one line it ends with.

On a terminal: a progress bar (count, rate, time left; tqdm) on stderr, with unreadable files noted above it.
Elsewhere (a log, a pipe): one plain line per file. A single file prints its full summary. `-q`: only the
final line (files, scored, with errors, unreadable, where the results are).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from gkcheck.render import counts, fmt_score, render_text, score_total
from gkcheck.render.summary import BatchSummary, unit_name
from gkcheck.terminal import clean, display_name

BAR_FORMAT = "{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} 份 [已用 {elapsed}，预计还需 {remaining}{postfix}]"


def _rate(done: int, seconds: float) -> str:
    return f"每秒 {done / seconds:.1f} 份" if seconds > 0 and done else "每秒 — 份"


def file_line(number: int, total: int, result: dict) -> str:
    """`[2/10] 甲县人民政府（甲县.html）：得分 72.5，错误 1 项，警告 2 项` (or why it could not be checked)."""
    name = display_name(str(result.get("file") or "（未知文件）"))
    if result.get("error"):
        return f"[{number}/{total}] ✗ 无法检查 {name}：{result['error']}"
    n = counts(result)
    total_score = score_total(result)
    score = f"得分 {fmt_score(total_score)}" if total_score is not None else "不评分"
    return f"[{number}/{total}] {unit_name(result)}（{name}）：{score}，错误 {n['error']} 项，警告 {n['warning']} 项"


class Progress:
    """Reports each finished file and the end of the batch (see the module docstring)."""

    def __init__(self, total: int, *, quiet: bool = False, stream: TextIO | None = None,
                 out: Callable[[str], None] | None = None, err: Callable[[str], None] | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        import time

        self.total = total
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        self.out = out or (lambda text: print(text, flush=True))
        self.err = err or (lambda text: print(text, file=self.stream, flush=True))
        self.clock = clock or time.monotonic
        self.started = self.clock()
        self.done = 0
        self.failed: list[tuple[str, str]] = []
        self.bar: Any = None
        if total > 1 and not quiet and _is_terminal(self.stream):
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: the bar moves with every file, and the batch forks
            self.bar = tqdm(total=total, file=self.stream, desc="检查", bar_format=BAR_FORMAT, dynamic_ncols=True,
                            leave=False, postfix=_rate(0, 0))

    def file_done(self, result: dict) -> None:
        """One file finished (a check result or batch record in result shape; `error` set when it failed)."""
        self.done += 1
        if result.get("error"):
            self.failed.append((str(result.get("file") or ""), str(result["error"])))
        if self.quiet:
            return
        if self.bar is not None:
            if result.get("error"):
                self.bar.write(clean(file_line(self.done, self.total, result)), file=self.stream)
            self.bar.set_postfix_str(_rate(self.done, self.clock() - self.started), refresh=False)
            self.bar.update(1)
        elif self.total == 1 and not result.get("error"):
            self.out(render_text(result).rstrip("\n"))
        elif result.get("error"):
            self.err(file_line(self.done, self.total, result))
        else:
            self.out(file_line(self.done, self.total, result))

    def finish(self, summary: BatchSummary, out_dir: Path, written: Sequence[str] = ()) -> str:
        """Close the bar and print the final line; returns it."""
        if self.bar is not None:
            self.bar.close()
        line = final_line(summary, out_dir, written, self.clock() - self.started)
        self.out(line)
        return line


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def final_line(summary: BatchSummary, out_dir: Path, written: Sequence[str] = (), seconds: float = 0.0) -> str:
    """`完成：共 10 个文件，已评分 8，有“错误”的 3，无法读取 1（用时 4.2 秒）；结果在 /…/reports_out（…）`, from the
    batch's totals (the same the summaries show)."""
    totals = summary.totals()
    legacy = totals.get("legacy_scored")
    scored = f"{totals['scored']}" + (f"（其中旧格式 {legacy}）" if legacy else "")
    text = (f"完成：共 {totals['files']} 个文件，已评分 {scored}，有“错误”的 {totals['with_errors']}，"
            f"无法读取 {totals['unreadable']}")
    if totals["missing"]:
        text += f"，未提交报告的单位 {totals['missing']}"
    text += f"（用时 {seconds:.1f} 秒）"
    failed = summary.first_failed()
    if totals["unreadable"] == 1 and failed is not None:
        text += f"；无法读取：{display_name(str(failed.get('file')))}（{failed.get('error')}）"
    main = [n for n in ("index.html", "scorecard.xlsx") if n in written]
    where = display_name(str(Path(out_dir).resolve()))
    text += f"；结果在 {where}" + (f"（{'、'.join(main)} 等）" if main else "")
    return text
