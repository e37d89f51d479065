"""Loading YAML that a user hands over (rule files, scoring profiles) within fixed bounds.

Only regular files are read (never a FIFO or a device such as /dev/zero), at most `max_bytes` of them;
aliases (`*name`) may repeat a part, but the document with every alias expanded may hold at most
MAX_EXPANDED_NODES nodes, which rules out alias bombs ("billion laughs") before anything walks the data;
nesting deeper than MAX_DEPTH is refused before Python's recursion limit is reached; `.nan` / `.inf` are
refused because the data ends up in JSON output, where they are not valid.
"""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 50
MAX_EXPANDED_NODES = 200_000


class YamlRefused(Exception):
    """The file cannot be loaded; `message` is Chinese and short, `line` is 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present: same result, faster
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _prescan(text: str) -> None:
    """Walk the parser's events (libyaml's parser keeps its own stack: no recursion) and refuse deep nesting
    and documents whose expanded size (every alias replaced by what it names) is too large."""
    sizes: dict[str, int] = {}  # anchor → expanded size of the node it names
    stack: list[list[Any]] = []  # [expanded size so far, anchor] of each open collection
    total = 0

    def add(count: int, mark: Any) -> None:
        nonlocal total
        if stack:
            stack[-1][0] += count
            grown = stack[-1][0]
        else:
            total += count
            grown = total
        if grown > MAX_EXPANDED_NODES:
            raise YamlRefused(f"别名（*名称）展开后节点过多（上限 {MAX_EXPANDED_NODES} 个），疑似别名炸弹",
                              mark.line + 1 if mark else 0)

    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, _OPEN):
            stack.append([1, event.anchor])
            if len(stack) > MAX_DEPTH:
                raise YamlRefused(f"嵌套层数超过上限（{MAX_DEPTH} 层）", event.start_mark.line + 1)
        elif isinstance(event, _CLOSE):
            count, anchor = stack.pop()
            if anchor:
                sizes[anchor] = count
            add(count, event.start_mark)
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor:
                sizes[event.anchor] = 1
            add(1, event.start_mark)
        elif isinstance(event, yaml.AliasEvent):
            add(sizes.get(event.anchor, 1), event.start_mark)


def read_regular(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The UTF-8 text of a regular file of at most `max_bytes`; YamlRefused otherwise."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise YamlRefused("不是普通文件（可能是文件夹、命名管道或设备），无法读取")
        if info.st_size > max_bytes:
            raise YamlRefused(f"文件过大（{info.st_size} 字节，上限 {max_bytes} 字节）")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise YamlRefused("文件不存在") from exc
    except PermissionError as exc:
        raise YamlRefused("没有读取权限") from exc
    except OSError as exc:
        raise YamlRefused(f"无法读取（{exc.strerror or type(exc).__name__}）") from exc
    if len(data) > max_bytes:
        raise YamlRefused(f"文件过大（上限 {max_bytes} 字节）")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlRefused(f"不是 UTF-8 编码（第 {exc.start} 字节）") from exc


def compose(text: str) -> tuple[yaml.Node | None, Any]:
    """(node tree, data) of one YAML document, within the bounds above; YamlRefused otherwise."""
    try:
        _prescan(text)
        loader = LOADER(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except YamlRefused:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = str(exc.problem or exc.context or "")
        deep = "nesting depth" in problem  # libyaml's own limit
        text = f"嵌套层数超过上限（{MAX_DEPTH} 层）" if deep else f"YAML 语法错误：{problem[:200]}"
        raise YamlRefused(text, mark.line + 1 if mark else 0) from exc
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise YamlRefused(f"YAML 无法解析：{str(exc)[:200]}") from exc
    where = _non_finite(data)
    if where is not None:
        raise YamlRefused(f"{where}：不允许 .nan 或 .inf，须为有限数值")
    return node, data


def load(path: Path, max_bytes: int = MAX_BYTES) -> tuple[yaml.Node | None, Any]:
    """Read and compose a YAML file within the bounds; YamlRefused otherwise."""
    return compose(read_regular(path, max_bytes))


def _non_finite(data: Any, where: str = "") -> str | None:
    """The path of the first NaN/infinite float in the data, or None (iterative: depth is bounded above)."""
    stack: list[tuple[Any, str]] = [(data, where)]
    while stack:
        value, at = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return at or "（根）"
        if isinstance(value, dict):
            stack.extend((v, f"{at}.{k}" if at else str(k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{at}.{i + 1}" if at else str(i + 1)) for i, v in enumerate(value))
    return None
