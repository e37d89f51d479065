"""Writing output files safely: names derived from inputs stay inside the output folder, writes are atomic,
and an input file is never overwritten."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from gkcheck.errors import GkError
from gkcheck.outdir import is_foreign, record
from gkcheck.terminal import display_name

_UNSAFE_CHARS = re.compile(r'[\\/:*?"<>|]')
_SUFFIX = re.compile(r"(\.[A-Za-z0-9_-]+)+")
_WINDOWS_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.IGNORECASE)
MAX_NAME_BYTES = 150


@lru_cache(maxsize=65536)
def safe_stem(input_path: Path | str) -> str:
    """The input's base name without extension, made safe as a file name (never empty, never `..`)."""
    name = Path(display_name(str(input_path))).name
    stem = Path(name).stem if Path(name).suffix else name
    chars = [
        "_" if _UNSAFE_CHARS.match(ch) else ch
        for ch in stem
        if not unicodedata.category(ch).startswith(("C", "Z")) or ch == " "
    ]
    text = re.sub(r"\.{2,}", ".", "".join(chars)).strip(" .")
    while len(text.encode("utf-8")) > MAX_NAME_BYTES:
        text = text[:-1]
    text = text.rstrip(" .")
    if not text:
        return "report"
    return "_" + text if _WINDOWS_RESERVED.fullmatch(text) else text


def _short_hash(path: Path) -> str:
    return hashlib.sha1(str(path).encode("utf-8", "surrogatepass")).hexdigest()[:8]


def output_name(input_path: Path, suffix: str, inputs: Iterable[Path] = (), out_dir: Path | None = None) -> str:
    """The output file name for an input: safe base name + suffix, with a short hash when another input
    has the same base name (so `a/x.pdf` and `b/x.pdf` never overwrite each other) or when `out_dir`
    holds a file of that name that gkcheck did not write (an input, a user's file): that is never
    overwritten, the output takes another name instead."""
    suffix = suffix if suffix.startswith(".") else "." + suffix
    if not _SUFFIX.fullmatch(suffix):
        raise GkError(f"输出文件后缀不合法：{suffix!r}")
    me = display_name(os.path.abspath(input_path))
    stem = safe_stem(me)
    counts, paths = _stem_counts(inputs if isinstance(inputs, frozenset) else frozenset(inputs))
    clash = counts[stem.casefold()] - (1 if me in paths else 0) > 0
    name = f"{stem}-{_short_hash(Path(me))}{suffix}" if clash else f"{stem}{suffix}"
    if out_dir is None:
        return name
    candidates = [name, f"{stem}-{_short_hash(Path(me))}{suffix}"]
    candidates += [f"{stem}-{_short_hash(Path(me))}-{n}{suffix}" for n in range(2, 100)]
    return next((c for c in candidates if not is_foreign(Path(out_dir) / c)), candidates[-1])


@lru_cache(maxsize=16)
def _stem_counts(inputs: frozenset) -> tuple[Counter[str], frozenset[str]]:
    """How many inputs share each (case-folded) safe base name; computed once per set of inputs."""
    paths = frozenset(display_name(os.path.abspath(p)) for p in inputs)
    return Counter(safe_stem(p).casefold() for p in paths), paths


def _resolved(path: Path | str) -> Path:
    """`Path.resolve()`, falling back to the absolute path for names the OS cannot look up (NUL bytes)."""
    try:
        return Path(path).resolve()
    except (OSError, ValueError):
        return Path(os.path.abspath(path))


@lru_cache(maxsize=16)
def _resolved_inputs(inputs: frozenset) -> frozenset[Path]:
    return frozenset(_resolved(p) for p in inputs)


def _is_input(target: Path, inputs: set[Path]) -> bool:
    if target in inputs:
        return True
    if not target.exists():
        return False
    for path in inputs:
        with contextlib.suppress(OSError, ValueError):
            if path.exists() and os.path.samefile(target, path):
                return True
    return False


def _atomic_write(target: Path, data: bytes) -> None:
    """Write via a temp file in the same folder and `os.replace`, so readers never see a partial file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_output(out_dir: Path, input_path: Path, suffix: str, content: str, inputs: set[Path]) -> Path:
    """Write `content` to `out_dir/<safe input name><suffix>` atomically and return that path.

    The path always stays inside `out_dir` and is never one of `inputs` (GkError otherwise). CSV files
    get a UTF-8 BOM so that spreadsheet programs read the Chinese text correctly.
    """
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        root = Path(out_dir).resolve(strict=True)
    except OSError as exc:
        raise GkError(f"无法创建输出目录：{exc.strerror or exc}", str(out_dir)) from exc
    name = output_name(input_path, suffix, inputs, root)
    target = (root / name).resolve()
    if target.parent != root:
        raise GkError(f"输出文件名不安全，会写到输出目录之外：{name}", str(input_path))
    resolved = _resolved_inputs(inputs if isinstance(inputs, frozenset) else frozenset(inputs))
    if _is_input(target, resolved | {_resolved(input_path)}) or is_foreign(target):
        raise GkError(f"输出文件 {target.name} 已存在且不是 gkcheck 写的，拒绝覆盖；请用另一个输出文件夹",
                      str(input_path))
    encoding = "utf-8-sig" if name.lower().endswith(".csv") else "utf-8"
    data = content.encode(encoding, "replace")
    try:
        _atomic_write(target, data)
        record(root, name, data)
    except OSError as exc:
        raise GkError(f"无法写入输出文件：{exc.strerror or exc}", str(target)) from exc
    return target
