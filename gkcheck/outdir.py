"""The output folder: created with clear errors, locked against a second run, and a manifest of the files
gkcheck wrote there.

The manifest (`.gkcheck-manifest`, one JSON line per written file: name and SHA-256 of its content) lets
gkcheck tell its own outputs from the user's files: it never reads its own outputs as reports, and never
overwrites a file it did not write (or that was changed since it wrote it).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from gkcheck.errors import GkError

MANIFEST = ".gkcheck-manifest"  # also the lock file of the folder
MAX_MANIFEST_BYTES = 256 * 1024 * 1024  # a larger manifest is not gkcheck's: nothing in it is trusted
# (one line of ~150 bytes per written file: room for a re-run of several hundred thousand reports)

_ERRNO_TEXT = {
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "所在文件系统是只读的",
    errno.ENOSPC: "磁盘空间不足",
    errno.ENAMETOOLONG: "路径过长",
    errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
    errno.ELOOP: "路径中的符号链接形成循环",
    errno.EEXIST: "同名文件已存在",
    errno.EIO: "磁盘读写错误",
    errno.EDQUOT: "超出磁盘配额",
    errno.EMFILE: "打开的文件过多",
    errno.ENOENT: "文件或文件夹不存在",
}


def errno_text(exc: OSError) -> str:
    """A short Chinese reason for an OS error (an unusual one named by its errno symbol, never in English prose)."""
    return _ERRNO_TEXT.get(exc.errno or 0) or f"系统错误 {errno.errorcode.get(exc.errno or 0, type(exc).__name__)}"


def prepare(out_dir: Path) -> Path:
    """Create the output folder if needed; a Chinese GkError when it is a file or cannot be created."""
    try:
        if out_dir.exists() and not out_dir.is_dir():
            raise GkError("--out 指向的是一个文件，不是文件夹；请换一个输出文件夹", str(out_dir))
        out_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(out_dir, os.W_OK | os.X_OK):
            raise GkError("无法写入输出文件夹：没有权限", str(out_dir))
    except OSError as exc:
        raise GkError(f"无法创建输出文件夹：{errno_text(exc)}", str(out_dir)) from exc
    return out_dir


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output folder for a whole run; refuse when another run holds it."""
    try:
        fd = os.open(out_dir / MANIFEST, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise GkError(f"无法写入输出文件夹：{errno_text(exc)}", str(out_dir)) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise GkError("另一个 gkcheck 正在向这个输出文件夹写结果；请等它结束，或用 --out 换一个文件夹",
                          str(out_dir)) from exc
        _compact(out_dir, fd)
        yield
    finally:
        os.close(fd)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record(out_dir: Path, name: str, data: bytes | str) -> None:
    """Note that gkcheck wrote `data` (or content with the SHA-256 hex digest `data`) as `out_dir/name`
    (one appended line: safe with parallel writers)."""
    entry: dict[str, object] = {"name": name, "sha256": data if isinstance(data, str) else digest(data)}
    with contextlib.suppress(OSError):
        info = os.lstat(Path(out_dir) / name)
        entry.update(size=info.st_size, mtime_ns=info.st_mtime_ns)
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    fd = os.open(out_dir / MANIFEST, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    try:
        os.write(fd, line.encode("utf-8", "surrogateescape"))
    finally:
        os.close(fd)


_PARSED: dict[str, tuple[tuple[int, int], int, dict[str, dict]]] = {}  # manifest → (file id, bytes read, entries)


def written(folder: Path | str) -> dict[str, dict]:
    """The files the manifest in `folder` says gkcheck wrote: name → entry (`sha256`, `size`, `mtime_ns`).

    The manifest only grows during a run (one line per written file), so each process reads only the lines
    added since its last look: asking once per written file stays linear in the size of the batch. The
    returned mapping is shared; callers only read it."""
    path = Path(folder) / MANIFEST
    try:
        info = os.lstat(path)
    except OSError:
        return {}
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MANIFEST_BYTES:
        return {}
    key, identity = str(path), (info.st_dev, info.st_ino)
    seen = _PARSED.get(key)
    if seen and seen[0] == identity and seen[1] <= info.st_size and _line_ends_at(path, seen[1]):
        offset, names = seen[1], seen[2]
    else:
        offset, names = 0, {}
    if info.st_size > offset:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
            try:
                chunk = os.pread(fd, info.st_size - offset, offset)
            finally:
                os.close(fd)
        except OSError:
            return {}
        complete = chunk[:chunk.rfind(b"\n") + 1]  # a line being appended right now is read next time
        for line in complete.decode("utf-8", "surrogateescape").splitlines():
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                entry = json.loads(line)
                if isinstance(entry.get("name"), str) and isinstance(entry.get("sha256"), str):
                    names[entry["name"]] = entry
        offset += len(complete)
    _PARSED[key] = (identity, offset, names)
    return names


def _line_ends_at(path: Path, offset: int) -> bool:
    """Whether the manifest still has a line end just before `offset` (it was not rewritten meanwhile)."""
    if offset == 0:
        return True
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
        try:
            return os.pread(fd, 1, offset - 1) == b"\n"
        finally:
            os.close(fd)
    except OSError:
        return False


def _matches(path: Path, entry: dict) -> bool:
    """Whether the file at `path` is the one the manifest entry describes: same size and modification time,
    or else the same content."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size != entry.get("size", info.st_size):
            return False
        if info.st_mtime_ns == entry.get("mtime_ns"):
            return True
        return digest(path.read_bytes()) == entry["sha256"]
    except OSError:
        return False


def is_ours(path: Path, manifest: dict[str, dict] | None = None) -> bool:
    """Whether `path` is a file gkcheck wrote and nobody changed since."""
    names = written(path.parent) if manifest is None else manifest
    entry = names.get(path.name)
    return entry is not None and _matches(path, entry)


def is_foreign(path: Path) -> bool:
    """Whether `path` exists and is not gkcheck's own unchanged output (so must not be overwritten)."""
    return os.path.lexists(path) and not is_ours(path)


def _compact(out_dir: Path, fd: int) -> None:
    """Rewrite the manifest in place (it is the locked file) keeping only files that are still gkcheck's."""
    names = written(out_dir)
    kept = "".join(json.dumps(entry, ensure_ascii=False) + "\n"
                   for name, entry in names.items() if _matches(out_dir / name, entry))
    _PARSED.pop(str(out_dir / MANIFEST), None)
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, kept.encode("utf-8", "surrogateescape"), 0)


def foreign_names(out_dir: Path) -> set[str]:
    """Names in the output folder that gkcheck must not write over: everything but its own unchanged outputs
    (hidden files aside, which gkcheck never writes)."""
    ours = written(out_dir)
    try:
        with os.scandir(out_dir) as entries:
            names = [e.name for e in entries if not e.name.startswith(".")]
    except OSError:
        return set()
    return {n for n in names if not (n in ours and _matches(Path(out_dir) / n, ours[n]))}
