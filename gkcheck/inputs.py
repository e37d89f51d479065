"""Turning command-line paths into the files to check, with one Chinese problem per path that cannot be.

Each argument is resolved on its own, so a symlink loop, an over-long name or an unreadable folder costs
only that path. Folders are walked without following symlinks that lead outside them (unless asked),
hidden entries are skipped, and so are gkcheck's own outputs: the output folder and every file listed in
an output manifest (see `gkcheck.outdir`).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from gkcheck.outdir import is_ours, written

_REASONS = {
    errno.ELOOP: "符号链接形成循环，无法解析",
    errno.ENAMETOOLONG: "文件名或路径过长，超过系统上限",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.ENOENT: "文件不存在",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
}


@dataclass(frozen=True)
class Problem:
    """A path that is not checked, and why (shown to the user; the run ends with exit code 2)."""

    path: str
    message: str


@dataclass
class Inputs:
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def reason(exc: OSError) -> str:
    """A short Chinese reason for an OS error on an input path."""
    return _REASONS.get(exc.errno or 0) or f"无法访问（{exc.strerror or type(exc).__name__}）"


def _kind(mode: int) -> str | None:
    """A Chinese reason for a path that is not a regular file or folder, else None."""
    if stat.S_ISFIFO(mode):
        return "这是命名管道（FIFO），不是普通文件，已跳过"
    if stat.S_ISSOCK(mode):
        return "这是套接字，不是普通文件，已跳过"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "这是设备文件，不是普通文件，已跳过"
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return "不是普通文件，已跳过"
    return None


def _stat(path: str) -> os.stat_result | str:
    """The (symlink-followed) stat of a path, or the Chinese reason it cannot be had."""
    try:
        return os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return "符号链接指向的文件不存在（断开的链接）"
        return reason(exc)
    except ValueError:
        return "文件名含有空字符，无法访问"


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _unreadable(path: str) -> bool:
    return not os.access(path, os.R_OK)


class _Walker:
    def __init__(self, follow_links: bool, exclude: list[os.stat_result]) -> None:
        self.follow_links = follow_links
        self.exclude = {(s.st_dev, s.st_ino) for s in exclude}
        self.result = Inputs()
        self.seen: set[tuple[int, int]] = set()
        self.paths: set[str] = set()  # the files added, by absolute path: a path given twice is checked once
        self.found = 0  # files found, those already added included

    def add(self, path: str, arg: Path) -> None:
        self.found += 1
        key = os.path.abspath(path)
        if key not in self.paths:
            self.paths.add(key)
            self.result.files.append(arg)

    def problem(self, path: str, message: str) -> None:
        self.result.problems.append(Problem(path, message))

    def argument(self, arg: Path) -> None:
        path = os.fspath(arg)
        info = _stat(path)
        if isinstance(info, str):
            self.problem(path, info)
        elif stat.S_ISDIR(info.st_mode):
            files, found, problems = len(self.result.files), self.found, len(self.result.problems)
            self.folder(path, info)
            self.result.files[files:] = sorted(self.result.files[files:])
            if self.found == found and len(self.result.problems) == problems:
                self.problem(path, "文件夹中没有可检查的文件（隐藏文件和 gkcheck 自己的输出不计）")
        elif _kind(info.st_mode):
            self.problem(path, _kind(info.st_mode) or "")
        elif _unreadable(path):
            self.problem(path, "没有读取权限")
        else:
            self.add(path, arg)

    def folder(self, root: str, info: os.stat_result) -> None:
        """Walk one argument folder (iteratively, each real folder once)."""
        real_root = os.path.realpath(root)
        stack = [(root, info)]
        while stack:
            folder, folder_info = stack.pop()
            key = (folder_info.st_dev, folder_info.st_ino)
            if key in self.seen or (folder != root and key in self.exclude):
                continue
            self.seen.add(key)
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self.problem(folder, f"无法读取文件夹：{reason(exc)}")
                continue
            ours = written(folder)
            subfolders: list[tuple[str, os.stat_result]] = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                found = self.entry(entry, real_root, ours)
                if found is not None:
                    subfolders.append(found)
            stack.extend(reversed(subfolders))  # name order overall

    def entry(self, entry: os.DirEntry[str], real_root: str,
              ours: dict[str, dict]) -> tuple[str, os.stat_result] | None:
        """Add a file entry, report a bad one, or return a subfolder to walk."""
        path = entry.path
        info = _stat(path)
        if isinstance(info, str):
            self.problem(path, info)
            return None
        if entry.is_symlink() and not self.follow_links and not _inside(os.path.realpath(path), real_root):
            self.problem(path, "符号链接指向输入文件夹之外，未跟随（需要检查时加 --follow-links）")
            return None
        if stat.S_ISDIR(info.st_mode):
            return path, info
        if _kind(info.st_mode):
            self.problem(path, _kind(info.st_mode) or "")
        elif entry.name in ours and is_ours(Path(path), ours):
            pass  # gkcheck's own output from an earlier run
        elif _unreadable(path):
            self.problem(path, "没有读取权限")
        else:
            self.add(path, Path(path))
        return None


def expand(paths: list[Path] | tuple[Path, ...], *, follow_links: bool = False,
           exclude: list[Path] | tuple[Path, ...] = ()) -> Inputs:
    """The files to check for the given arguments (folders stand for every non-hidden file below them, in
    name order) and the problems of the paths that cannot be checked. `exclude` are folders never entered
    (the output folder)."""
    excluded = []
    for folder in exclude:
        info = _stat(os.fspath(folder))
        if not isinstance(info, str):
            excluded.append(info)
    walker = _Walker(follow_links, excluded)
    for arg in paths:
        walker.argument(Path(arg))
    return walker.result
