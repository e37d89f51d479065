"""One check of an uploaded file, as run in an isolated worker process, and the call into the pool of workers.

The upload and its outputs are named by the check's id only (`uploads/<id>`, `results/<id>.html|.json`);
the name the client gave is kept in a side file and only ever shown, never used as a path.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gkcheck.engine import run
from gkcheck.errors import GkError
from gkcheck.executor import Submitter
from gkcheck.extract import extract
from gkcheck.isolate import STOPPED
from gkcheck.read import read_bytes
from gkcheck.render import render_json
from gkcheck.render.html import render_html
from gkcheck.rulepack import Profile, Rule

NAME_SUFFIX = ".name"
MAX_NAME_CHARS = 120
FALLBACK_NAME = "上传的文件"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def display_name(client_name: str | None) -> str:
    """The client's file name as shown on pages: base name only, no control characters, bounded length."""
    base = re.split(r"[\\/]", client_name or "")[-1]
    base = _CONTROL.sub("", base).strip()
    return base[:MAX_NAME_CHARS] or FALLBACK_NAME


@dataclass(frozen=True)
class Folders:
    """The server's private working folders."""

    root: Path

    @property
    def uploads(self) -> Path:
        return self.root / "uploads"

    @property
    def results(self) -> Path:
        return self.root / "results"

    def upload(self, check_id: str) -> Path:
        return self.uploads / check_id

    def name_file(self, check_id: str) -> Path:
        return self.uploads / (check_id + NAME_SUFFIX)

    def result(self, check_id: str, suffix: str) -> Path:
        return self.results / (check_id + suffix)

    def create(self) -> None:
        for folder in (self.root, self.uploads, self.results):
            folder.mkdir(mode=0o700, exist_ok=True)


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@dataclass(frozen=True)
class CheckUpload:
    """The work of one child: read the upload, check it, write the result page and JSON by the check's id."""

    folders: Folders
    rules: list[Rule]
    profile: Profile
    max_bytes: int

    def __call__(self, upload: Path) -> dict[str, Any]:
        check_id = upload.name
        name = self.folders.name_file(check_id).read_text(encoding="utf-8")
        result = run(extract(read_bytes(upload.read_bytes(), name, self.max_bytes)), self.rules, self.profile)
        _write(self.folders.result(check_id, ".json"), render_json(result))
        _write(self.folders.result(check_id, ".html"), render_html(result))
        return {"summary": result["summary"]}


def check_isolated(upload: Path, checks: Submitter, root: Path) -> str | None:
    """Run one check on the server's pool (`Executor.open(CheckUpload)`: a worker process with time and memory
    limits that stays up between checks) and wait for it; None when the result files are written, else the
    Chinese reason (without the server's paths under `root`, so that none reaches a client)."""
    try:
        outcome = checks.submit(upload).result()
    except RuntimeError:  # the pool closed before this check could be submitted: the server is stopping
        return STOPPED
    if isinstance(outcome, GkError):
        return scrub(outcome.message, root)
    return None


_ABSOLUTE_PATH = re.compile(r"(?<![\w.])(?:/[\w.@+-]+){2,}/?")


def scrub(message: str, root: Path) -> str:
    """A message without the server's own paths (its folders, or any absolute path an error quoted)."""
    for secret in sorted({str(root.resolve()), str(root)}, key=len, reverse=True):
        message = message.replace(secret + "/", "").replace(secret, "")
    return _ABSOLUTE_PATH.sub("…", message)
