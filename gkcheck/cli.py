"""Command line: gkcheck check / extract / rules."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from gkcheck.batch import (
    BatchJob,
    FileRecord,
    FileTask,
    SummaryResults,
    protected_files,
    run_batch,
    write_summaries,
)
from gkcheck.errors import GkError
from gkcheck.executor import LocalPool
from gkcheck.inputs import Problem, expand
from gkcheck.isolate import Limits, run_isolated
from gkcheck.multi.batch import MultiOptions
from gkcheck.multi.history import DEFAULT_NAME as DEFAULT_HISTORY
from gkcheck.multi.run import (
    MultiRun,
    history_path,
    is_history_file,
    load_options,
)
from gkcheck.options import finite_seconds, iso_date
from gkcheck.outdir import foreign_names, locked, prepare
from gkcheck.pipeline import check_file, extract_file, warm_up
from gkcheck.progress import Progress
from gkcheck.read import DEFAULT_MAX_BYTES
from gkcheck.render.summary import BatchSummary
from gkcheck.rulepack import CHECKS_DIR, load_profile, load_rules, validate_dir
from gkcheck.spool import remove_stale
from gkcheck.terminal import display_name, echo

FORMATS = ("html", "json", "text")
DEFAULT_JOBS = max(1, min(4, os.cpu_count() or 1))
EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}


class ChineseHelpFormatter(click.HelpFormatter):
    """Help text with Chinese headings."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        from gkcheck import clihelp  # help text only

        super().write_usage(prog, clihelp.usage_args(args), prefix="用法：")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:  # type: ignore[override]
        from gkcheck import clihelp

        self.write(clihelp.definition_list(rows, self.current_indent, self.width, col_max, col_spacing))


class ChineseContext(click.Context):
    formatter_class = ChineseHelpFormatter


class ChineseCommand(click.Command):
    context_class = ChineseContext


CONTEXT = {"help_option_names": ["-h", "--help"]}
HELP = "显示本帮助并退出。"


class ChineseGroup(click.Group):
    """Chinese help for the group and its commands; usage errors in Chinese, exit code 2."""

    context_class = ChineseContext
    command_class = ChineseCommand
    group_class = type  # sub-groups are ChineseGroups too

    def main(self, *args, **kwargs):  # type: ignore[override]
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
            sys.exit(EXIT_UNREADABLE)
        except click.UsageError as exc:
            hint = f"（运行 `{exc.ctx.command_path} --help` 查看用法）" if exc.ctx else ""
            echo(f"用法错误：{_usage_text(exc)}{hint}", err=True)
            sys.exit(EXIT_UNREADABLE)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("已中止。", err=True)
            sys.exit(EXIT_UNREADABLE)


_USAGE_PHRASES = (
    (r"Missing argument", "缺少参数"), (r"No such option", "没有这个选项"), (r"No such command", "没有这个命令"),
    (r"Invalid value for ?", "参数值无效："), (r"Got unexpected extra arguments?", "多余的参数"),
    (r"[Oo]ption (\S+) requires an argument", r"选项 \1 需要一个值"), (r"requires an argument", "需要一个值"),
    (r"is not a valid (integer|float)( range)?", "不是有效的数字"),
    (r"is not in the range (\S+?)\.?$", lambda m: _out_of_range(m.group(1))),
    (r"\(Possible options: ([^)]*)\)", r"（可用的选项：\1）"), (r"Did you mean one of:", "是否要输入以下之一："),
    (r"Did you mean", "是否要输入"), (r"does not exist", "不存在"),
)


def _out_of_range(bounds: str) -> str:
    """Click's range (`x>=1`, `1<=x<=64`) as the help shows it (`不小于 1`, `范围 1–64`)."""
    from gkcheck.clihelp import _range

    return f"不在允许的范围内（{_range(bounds) or bounds}）"


def _usage_text(exc: click.UsageError) -> str:
    """Click's usage error in Chinese (the phrases it uses, translated; names and values kept)."""
    text = exc.format_message()
    for pattern, chinese in _USAGE_PHRASES:
        text = re.sub(pattern, chinese, text)
    return text.replace(". (", "（").replace("?)", "？）").replace("'. ", "'，").replace("?", "？").rstrip(".")


@click.group(cls=ChineseGroup, context_settings=CONTEXT)
@click.version_option(package_name="gkcheck", message="gkcheck %(version)s", help="显示版本并退出。")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def main() -> None:
    """gkcheck：政府信息公开工作年度报告检查工具（按2019年、2021年年报格式）。"""


def _formats(value: str) -> list[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in items if v not in FORMATS]
    if bad or not items:
        raise click.BadParameter(f"不支持的格式：{', '.join(bad) or '（空）'}；可选 {', '.join(FORMATS)}")
    return items


def _fail(message: str) -> None:
    echo(f"gkcheck：{message}", err=True)
    sys.exit(EXIT_UNREADABLE)


@main.command("check", context_settings=CONTEXT)
@click.help_option("-h", "--help", help=HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("reports_out"), show_default=True,
              help="输出文件夹（不存在时自动创建）。")
@click.option("--format", "formats", default="html,json,text", show_default=True,
              help="输出格式，逗号分隔：html、json、text。")
@click.option("--profile", default="default", show_default=True,
              help="评分方案名称（rules/profiles/ 下）或 YAML 文件路径。")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=CHECKS_DIR, show_default=False,
              help="规则文件夹（默认为内置规则 rules/checks）。")
@click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="单个输入文件的大小上限（字节）。")
@click.option("--follow-links", is_flag=True,
              help="跟随文件夹中指向文件夹之外的符号链接（默认不跟随，并列出未跟随的链接）。")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=DEFAULT_JOBS, show_default=True,
              help="同时检查的文件数（每个文件在独立进程中处理）。")
@click.option("--timeout", type=click.FloatRange(1, 86400), callback=finite_seconds, default=Limits.timeout,
              show_default=True,
              help="单个文件的处理时限（秒），超时记为无法读取。")
@click.option("--max-memory", type=click.IntRange(256, 1024 * 1024), default=Limits.memory_mb, show_default=True,
              help="单个文件处理进程的内存上限（MB）。")
@click.option("--quiet", "-q", is_flag=True, help="不在终端输出每个文件的摘要。")
@click.option("--units", "units_file", type=click.Path(path_type=Path), help="单位清单文件（YAML）：应报送的单位。")
@click.option("--previous", "previous", multiple=True, type=click.Path(path_type=Path),
              help="上年报告（可多次给出），用于跨年度核对，本身不出结果。")
@click.option("--decisions", "decisions_file", type=click.Path(path_type=Path),
              help="复核决定文件（YAML）：按指纹确认或排除问题。")
@click.option("--history", "history_file", type=click.Path(path_type=Path),
              help="结果历史数据库（SQLite），默认为输出文件夹下的 .gkcheck-history.sqlite（检查多个文件时记录）。")
@click.option("--rollup/--no-rollup", default=None, help="按单位清单的上下级做汇总核对（默认按评分方案）。")
@click.option("--published", callback=iso_date, metavar="YYYY-MM-DD",
              help="指定发布日期（替代从文档中找到的日期，用于判断是否按时发布）。")
def check_cmd(files: tuple[Path, ...], out_dir: Path, formats: str, profile: str, rules_dir: Path,
              max_bytes: int, follow_links: bool, jobs: int, timeout: float, max_memory: int, quiet: bool,
              published: str | None, units_file: Path | None, previous: tuple[Path, ...],
              decisions_file: Path | None, history_file: Path | None, rollup: bool | None) -> None:
    """检查一个或多个年度报告（HTML、TXT、PDF、DOCX 或报告数据 JSON），输出评分与问题清单。

    参数可以是文件，也可以是文件夹（检查其中全部文件）。

    退出码：0 没有“错误”级问题；1 有“错误”级问题；2 有文件无法读取或用法错误（其余文件照常检查）。
    """
    try:
        fmt_list = _formats(formats)
        rules = load_rules(rules_dir)
        prof = load_profile(profile)
        options = load_options(units_file, decisions_file, previous, rollup)
        out_root = prepare(out_dir).resolve(strict=True)
        with locked(out_root):
            history = history_path(history_file, out_root)
            found = expand(files, follow_links=follow_links, exclude=[out_root])
            for problem in found.problems:
                echo(f"✗ 无法检查 {display_name(problem.path)}：{problem.message}", err=True)
            inputs = [f for f in found.files if not is_history_file(f, history)]
            if not inputs:
                _fail("没有可检查的文件")
            record = history if len(inputs) > 1 or history_file else None
            code = _check(inputs, out_root, fmt_list, rules, prof, max_bytes, Limits(timeout, max_memory),
                          jobs, quiet, published, MultiRun(options, prof, record), found.problems)
    except click.BadParameter as exc:
        _fail(exc.message)
    except (GkError, OSError) as exc:
        _fail(str(exc))
    sys.exit(EXIT_UNREADABLE if found.problems else code)


def _check(files: list[Path], out_root: Path, fmt_list: list[str], rules: list, prof: object, max_bytes: int,
           limits: Limits, jobs: int, quiet: bool, published: str | None = None,
           multi: MultiRun | None = None, problems: Sequence[Problem] = ()) -> int:
    """Check the expanded files into the (locked) output folder; return the exit code. The paths that could
    not be checked at all (`problems`) are rows of the summaries with their reason, like unreadable files."""
    multi = multi or MultiRun(MultiOptions(), prof)  # type: ignore[arg-type]
    multi.spill_dir = multi.spill_dir or out_root
    protected = protected_files(files)
    remove_stale(out_root, protected)  # spools of a killed run (the folder is locked: no other run uses them)
    job = BatchJob(rules, prof, tuple(fmt_list), out_root, max_bytes, protected, published=published,
                   prepare=(multi.prepare,))

    progress = Progress(len(files), quiet=quiet, out=echo, err=lambda text: echo(text, err=True))

    def show(record: FileRecord) -> None:
        multi.collect(record)
        progress.file_done(record.summary_result())

    warm_up(readers=len(files) > jobs)
    if "html" in fmt_list and len(files) > 1:  # one file: its worker loads the one page template it needs
        from gkcheck.render.html import preload as preload_html

        preload_html()
    with contextlib.ExitStack() as cleanup:  # the texts and the records kept on disk go, whatever happens
        cleanup.callback(multi.close)
        run = cleanup.enter_context(run_batch(files, job, LocalPool(limits, jobs), on_file=show,
                                              taken=foreign_names(out_root)))
        try:
            code = multi.finish(run, job, lambda: LocalPool(limits, jobs), quiet)
        except GkError as exc:
            echo(f"✗ {exc}", err=True)
            code = EXIT_UNREADABLE
        for problem in problems:
            run.records.append(FileRecord.failed_file(FileTask(len(run.records), Path(problem.path), {}),
                                                      problem.message))
        summary = BatchSummary(rules, results=SummaryResults(run.records))  # one pass serves every summary
        written: list[str] = []
        if len(run.records) > 1:
            try:
                written = write_summaries(run, summary, protected, fmt_list)
            except GkError as exc:
                echo(f"✗ 无法写出汇总：{exc.message}", err=True)
                code = EXIT_UNREADABLE
        progress.finish(summary, out_root, written or [n for fmt in fmt_list for n in _outputs_of(run, fmt)])
    return code


def _outputs_of(run, fmt: str) -> list[str]:
    return [r.outputs[fmt] for r in run.records if fmt in r.outputs]


@main.command("extract", context_settings=CONTEXT)
@click.help_option("-h", "--help", help=HELP)
@click.argument("file", type=click.Path(path_type=Path, readable=False))
@click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="输入文件的大小上限（字节）。")
def extract_cmd(file: Path, max_bytes: int) -> None:
    """抽取一个报告的数据（文档信息、章节、表格单元格），以 JSON 输出到终端。"""
    [(_, outcome)] = run_isolated([file], lambda p: extract_file(p, max_bytes).to_dict(), Limits())
    if isinstance(outcome, GkError):
        _fail(str(outcome))
    echo(json.dumps(outcome, ensure_ascii=False, indent=2))


@main.command("serve", context_settings=CONTEXT)
@click.help_option("-h", "--help", help=HELP)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；默认只允许本机访问，局域网提供服务时设为本机的局域网地址或 0.0.0.0。")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="监听端口。")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=DEFAULT_JOBS, show_default=True,
              help="同时检查的报告数（即常驻检查进程数，每份报告在其中之一隔离处理），其余排队。")
@click.option("--queue", type=click.IntRange(0, 10000), default=64, show_default=True,
              help="最多排队的报告数；已满时新的请求得到 503“服务器繁忙”。")
@click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="上传文件的大小上限（字节）。")
@click.option("--keep", type=click.FloatRange(1, 30 * 86400), callback=finite_seconds, default=3600, show_default=True,
              help="检查结果保留的秒数，到期删除。")
@click.option("--timeout", type=click.FloatRange(1, 86400), callback=finite_seconds, default=Limits.timeout,
              show_default=True, help="单份报告的处理时限（秒）。")
@click.option("--max-memory", type=click.IntRange(256, 1024 * 1024), default=Limits.memory_mb, show_default=True,
              help="单份报告处理进程的内存上限（MB）。")
@click.option("--upload-timeout", type=click.FloatRange(1, 86400), callback=finite_seconds,
              default=300, show_default=True,
              help="收完一次上传的时限（秒，从请求头到达算起）；超时的请求得到 408“上传超时”。")
@click.option("--profile", default="default", show_default=True,
              help="评分方案名称（rules/profiles/ 下）或 YAML 文件路径。")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=CHECKS_DIR, show_default=False,
              help="规则文件夹（默认为内置规则 rules/checks）。")
def serve_cmd(host: str, port: int, jobs: int, queue: int, max_bytes: int, keep: float, timeout: float,
              max_memory: int, upload_timeout: float, profile: str, rules_dir: Path) -> None:
    """启动自查网页和 JSON 接口（浏览器打开 http://地址:端口/）。"""
    from gkcheck.serve.run import serve

    try:
        serve(host, port, jobs=jobs, queue=queue, max_bytes=max_bytes, keep_seconds=keep,
              limits=Limits(timeout, max_memory), upload_seconds=upload_timeout, profile=profile,
              rules_dir=rules_dir)
    except (GkError, OSError) as exc:
        _fail(str(exc))


@main.command("history", context_settings=CONTEXT)
@click.help_option("-h", "--help", help=HELP)
@click.option("--unit", help="单位名称：显示该单位历次检查的得分和未排除的问题。")
@click.option("--history", "history_file", type=click.Path(path_type=Path),
              default=Path("reports_out") / DEFAULT_HISTORY, show_default=True, help="结果历史数据库。")
def history_cmd(unit: str | None, history_file: Path) -> None:
    """查看结果历史：各单位历次检查的得分，或某个单位的得分与未排除的问题。"""
    from gkcheck.multi.commands import history_lines

    try:
        echo("\n".join(history_lines(history_file, unit)))
    except GkError as exc:
        _fail(str(exc))


@main.command("rollup", context_settings=CONTEXT)
@click.help_option("-h", "--help", help=HELP)
@click.argument("summary", metavar="汇总报告", type=click.Path(path_type=Path))
@click.argument("parts", metavar="下级报告...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--profile", default="default", show_default=True, help="评分方案（决定汇总核对的严重程度）。")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=DEFAULT_JOBS, show_default=True,
              help="同时检查的文件数。")
def rollup_cmd(summary: Path, parts: tuple[Path, ...], profile: str, jobs: int) -> None:
    """汇总核对：汇总报告的表三、表四每个单元格与下级单位报告之和比较。

    退出码：0 没有“错误”级的不一致；1 有（严重程度由评分方案 multi.rollup.severity 决定）；2 有文件无法读取。
    """
    from gkcheck.multi.commands import rollup_digests, rollup_lines

    try:
        rules, prof = load_rules(CHECKS_DIR), load_profile(profile)
    except GkError as exc:
        _fail(str(exc))
    warm_up()
    digests, errors = rollup_digests([summary, *parts], lambda paths, fn: run_isolated(paths, fn, Limits(), jobs),
                                     lambda p: check_file(p, rules, prof), prof)
    for message in errors:
        echo(f"✗ {message}", err=True)
    if errors:
        sys.exit(EXIT_UNREADABLE)
    lines, found = rollup_lines(digests[0], digests[1:], prof)
    echo("\n".join(lines))
    sys.exit(EXIT_FINDINGS if any(f["severity"] == "error" for f in found) else EXIT_OK)


@main.group("rules", context_settings=CONTEXT)
@click.help_option("-h", "--help", help=HELP)
def rules_group() -> None:
    """查看和校验规则。"""


@rules_group.command("list", context_settings=CONTEXT)
@click.help_option("-h", "--help", help=HELP)
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=CHECKS_DIR, help="规则文件夹。")
def rules_list(rules_dir: Path) -> None:
    """列出全部规则：编号、严重程度、类别、适用范围、标题。"""
    try:
        rules = load_rules(rules_dir)
    except GkError as exc:
        _fail(str(exc))
    from gkcheck import clihelp

    for rule in rules:
        echo(clihelp.rule_line(rule))
    if rules_dir != CHECKS_DIR:
        echo(f"共 {len(rules)} 条规则。")
        return
    from gkcheck.multi.findings import load_multi_rules

    multi = load_multi_rules()
    echo("跨报告规则（批量检查多份报告时，rules/multi）：")
    for rule in multi:
        echo(clihelp.rule_line(rule))
    echo(f"共 {len(rules)} 条规则，另有跨报告规则 {len(multi)} 条。")


@rules_group.command("validate", context_settings=CONTEXT)
@click.help_option("-h", "--help", help=HELP)
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def rules_validate(directory: Path | None) -> None:
    """校验规则文件夹（默认内置规则，含跨报告规则），逐条报告文件名与行号。"""
    from gkcheck.multi.findings import MULTI_DIR

    folders = [directory] if directory else [CHECKS_DIR, MULTI_DIR]
    for folder in folders:
        if not folder.is_dir():
            _fail(f"{folder}：不是文件夹")
    checked = [(folder, *validate_dir(folder)) for folder in folders]
    problems = [problem for _, _, found in checked for problem in found]
    for problem in problems:
        echo(str(problem), err=True)
    if problems:
        echo(f"发现 {len(problems)} 个问题。", err=True)
        sys.exit(EXIT_FINDINGS)
    echo("；".join(f"规则有效：{len(rules)} 条（{folder}）" for folder, rules, _ in checked) + "。")


if __name__ == "__main__":
    main()
