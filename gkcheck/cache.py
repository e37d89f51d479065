"""A per-user cache of work that only depends on the project's own files (validated rule packs, parsed table
templates, compiled page templates), so that checking one file does not redo it on every run.

The cache lives in `$GKCHECK_CACHE_DIR`, else `$XDG_CACHE_HOME/gkcheck`, else `~/.cache/gkcheck`
(`GKCHECK_CACHE_DIR=""` turns it off). Entries are named by a hash of everything they depend on, written
atomically, and readable only by the user; when the folder cannot be used, nothing is cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

MAX_INPUT_BYTES = 4 * 1024 * 1024  # a rule file larger than this is not hashed (it is never cached)


def folder(kind: str) -> Path | None:
    """The cache sub-folder for `kind`, created (mode 0700) when missing; None when caching is off or
    impossible."""
    root = os.environ.get("GKCHECK_CACHE_DIR")
    if root is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "gkcheck")
    if not root:
        return None
    path = Path(root) / kind
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return None
    except (OSError, AttributeError):
        return None
    return path


def fingerprint(parts: list[bytes | str], files: list[Path]) -> str | None:
    """A hash of `parts` and of the names and contents of `files`; None when a file is not a regular file
    of reasonable size (such input is never cached)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        digest.update(b"\0")
    for path in files:
        try:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_INPUT_BYTES:
                return None
            digest.update(str(path.name).encode("utf-8", "surrogatepass") + b"\0" + path.read_bytes() + b"\0")
        except OSError:
            return None
    return digest.hexdigest()


def load_json(kind: str, key: str) -> Any:
    """The cached JSON value for `key`, or None."""
    where = folder(kind)
    if where is None:
        return None
    try:
        return json.loads((where / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store_json(kind: str, key: str, value: Any) -> None:
    """Cache a JSON value under `key` (silently skipped when it cannot be written)."""
    where = folder(kind)
    if where is None:
        return
    with contextlib.suppress(OSError, TypeError, ValueError):
        text = json.dumps(value, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, where / f"{key}.json")
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
