"""The batch summary files: scorecard.xlsx / scorecard.csv / findings.csv / summary.json, and index.html when
HTML pages were written (a ranking page never links to pages that do not exist)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from gkcheck.background import Background
from gkcheck.render import scorecard_lines
from gkcheck.render.summary import BatchSummary, findings_csv, summary_json

DOWNLOADS = (
    ("评分表（Excel）", "scorecard.xlsx"),
    ("评分表（CSV）", "scorecard.csv"),
    ("问题明细（CSV）", "findings.csv"),
    ("汇总数据（JSON）", "summary.json"),
)


def summary_files(summary: BatchSummary, formats: tuple[str, ...] | list[str],
                  out_dir: str = "") -> dict[str, Iterable[str] | Iterable[bytes]]:
    """File name → content of every summary of the batch: text generated piece by piece as the file is written
    (so no summary of a large batch is ever held whole in memory), and scorecard.xlsx, the slowest, made
    meanwhile in a forked child (`Background`, last in the order; `close` it when the files are not written)."""
    from gkcheck.render.html import render_index_page
    from gkcheck.render.workbook import render_workbook

    summary.totals()  # the one pass over the records, made before the child is forked: both use it
    names = [name for _, name in DOWNLOADS] + (["index.html"] if "html" in formats else [])
    files: dict[str, Iterable[str] | Iterable[bytes]] = {
        "scorecard.csv": scorecard_lines(summary.ranked_results(), summary.category_columns()),
        "findings.csv": findings_csv(summary),
        "summary.json": summary_json(summary, out_dir, names),
    }
    if "html" in formats:
        files["index.html"] = render_index_page(summary, list(DOWNLOADS))
    files["scorecard.xlsx"] = Background(partial(render_workbook, summary), "scorecard.xlsx")  # forked last
    return files
