"""The batch summary files: scorecard.xlsx / scorecard.csv / findings.csv / summary.json, and index.html when
HTML pages were written (a ranking page never links to pages that do not exist)."""

from __future__ import annotations

from gkcheck.render import render_csv
from gkcheck.render.summary import BatchSummary, render_findings_csv, render_summary_json

DOWNLOADS = (
    ("评分表（Excel）", "scorecard.xlsx"),
    ("评分表（CSV）", "scorecard.csv"),
    ("问题明细（CSV）", "findings.csv"),
    ("汇总数据（JSON）", "summary.json"),
)


def summary_files(summary: BatchSummary, formats: tuple[str, ...] | list[str],
                  out_dir: str = "") -> dict[str, str | bytes]:
    """File name → content of every summary of the batch."""
    from gkcheck.render.html import render_index_page
    from gkcheck.render.workbook import render_workbook

    names = [name for _, name in DOWNLOADS] + (["index.html"] if "html" in formats else [])
    files: dict[str, str | bytes] = {
        "scorecard.xlsx": render_workbook(summary),
        "scorecard.csv": render_csv(summary.results),
        "findings.csv": render_findings_csv(summary),
        "summary.json": render_summary_json(summary, out_dir, names),
    }
    if "html" in formats:
        files["index.html"] = render_index_page(summary, list(DOWNLOADS))
    return files
