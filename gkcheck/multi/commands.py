"""What `gkcheck history` and `gkcheck rollup` print (Chinese text), apart from the command-line plumbing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from gkcheck.errors import GkError
from gkcheck.labels import SEVERITY_LABELS
from gkcheck.multi.batch import MultiOptions, annotate
from gkcheck.multi.digest import Digest
from gkcheck.multi.history import HistoryError, connect, latest_per_year, open_findings, unit_history, unit_names
from gkcheck.multi.rollup import check_rollup
from gkcheck.multi.units import clean, normalise
from gkcheck.rulepack import Profile

MAX_FINDINGS_SHOWN = 20


def _score(value: Any) -> str:
    return f"{value:.1f}" if isinstance(value, (int, float)) else "—"


STATUS_LABELS = {"checked": "", "duplicate": "（重复报告）", "missing": "（未发布/未提交）",
                 "unreadable": "（无法读取）"}


def history_lines(path: Path, unit: str | None) -> list[str]:
    """A unit's scores and open findings across runs and years; without a unit, every unit's latest scores."""
    if not path.is_file():
        raise HistoryError("结果历史数据库不存在（先用 gkcheck check 检查多个文件，或用 --history 指定）", str(path))
    conn = connect(path)
    try:
        names = unit_names(conn)
        if unit is None:
            lines = [f"结果历史：{path}，共 {len(names)} 个单位"]
            for name in names:
                latest = latest_per_year(unit_history(conn, name))
                scores = "；".join(f"{row['year'] or '年度未识别'} 年 {_score(row['score'])}"
                                  f"{STATUS_LABELS.get(row['status'], '')}" for row in latest)
                lines.append(f"  {name}：{scores}")
            return lines
        match = next((n for n in names if n == clean(unit)), None) or \
            next((n for n in names if normalise(n) == normalise(unit)), None)
        if match is None:
            raise HistoryError(f"结果历史中没有单位「{unit}」（可先不带 --unit 运行，查看全部单位）", str(path))
        rows = unit_history(conn, match)
        lines = [f"单位：{match}", "历次检查："]
        for row in rows:
            status = STATUS_LABELS.get(row["status"], "")
            lines.append(f"  第 {row['run']} 次（{row['date'][:10]}） {row['year'] or '年度未识别'} 年  得分 "
                         f"{_score(row['score'])}  未排除的错误/警告 {row['open']} 项{status}  {row['file']}")
        for row in latest_per_year(rows):
            found = open_findings(conn, row["report_id"])
            if not found:
                continue
            lines.append(f"{row['year'] or '年度未识别'} 年度最近一次检查的未排除问题（{len(found)} 项）：")
            for finding in found[:MAX_FINDINGS_SHOWN]:
                mark = "（已确认）" if finding["decision"] == "confirmed" else ""
                lines.append(f"  [{SEVERITY_LABELS.get(finding['severity'], '提示')}] {finding['message']}{mark}"
                             f"  指纹 {finding['fingerprint']}")
            if len(found) > MAX_FINDINGS_SHOWN:
                lines.append(f"  ……另有 {len(found) - MAX_FINDINGS_SHOWN} 项")
        return lines
    finally:
        conn.close()


def rollup_digests(paths: list[Path], run: Callable[[list[Path], Callable[[Path], dict[str, Any]]],
                                                    Iterable[tuple[Path, dict[str, Any] | GkError]]],
                   check: Callable[[Path], dict[str, Any]], profile: Profile) -> tuple[list[Digest], list[str]]:
    """Digests of the given files (in order) and a Chinese message per file that could not be read."""
    def work(path: Path) -> dict[str, Any]:
        return annotate(check(path), path, MultiOptions(), profile).to_dict()

    digests, errors = [], []
    for path, outcome in run(paths, work):
        if isinstance(outcome, GkError):
            errors.append(f"无法检查 {outcome.path or path}：{outcome.message}")
        else:
            digests.append(Digest.from_dict(outcome))
    return digests, errors


def rollup_lines(summary: Digest, parts: list[Digest], profile: Profile) -> tuple[list[str], list[dict[str, Any]]]:
    """The roll-up of `parts` against `summary` as text lines, and its findings."""
    years = {d.year for d in [summary, *parts]}
    lines = [f"汇总报告：{summary.file}（{summary.unit or '未识别单位'}，{summary.year or '年度未识别'} 年）",
             f"下级单位报告：{len(parts)} 份"]
    if len(years) > 1:
        lines.append("注意：各报告的年度不一致（" + "、".join(str(y) for y in sorted(years, key=str)) + "）")
    found = check_rollup(summary, parts, profile)
    compared = [t for t in ("t3", "t4") if summary.has_table(t) and all(
        p.has_table(t) and p.templates[t] == summary.templates[t] for p in parts)]
    if not compared:
        lines.append("无法核对：汇总报告或下级单位报告缺少表三、表四，或所用版式不同。")
    elif len(compared) == 1 and found:  # when it passes, the line saying so names the table compared
        skipped = "表四" if compared == ["t3"] else "表三"
        lines.append(f"未核对{skipped}：汇总报告或下级单位报告缺少{skipped}，或所用版式不同。")
    for finding in found:
        lines.append(f"  [{SEVERITY_LABELS.get(finding['severity'], '提示')}] {finding['message']}")
    if compared and not found:
        lines.append("汇总核对通过：表三、表四各单元格均等于下级单位之和。" if compared == ["t3", "t4"] else
                     f"汇总核对通过（只核对了{'、'.join({'t3': '表三', 't4': '表四'}[t] for t in compared)}）。")
    return lines, found
