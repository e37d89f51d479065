"""The server's settings (command-line options of `gkcheck serve`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from gkcheck.isolate import Limits
from gkcheck.read import DEFAULT_MAX_BYTES
from gkcheck.rulepack import CHECKS_DIR

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_JOBS = max(1, min(4, os.cpu_count() or 1))
DEFAULT_QUEUE = 64
DEFAULT_KEEP_SECONDS = 3600.0
DEFAULT_MAX_KEPT = 2000
DEFAULT_UPLOAD_SECONDS = 300.0  # 50 MB at about 1.5 Mbit/s


@dataclass(frozen=True)
class Settings:
    """What one server instance checks with and how much it accepts."""

    rules_dir: Path = CHECKS_DIR
    profile: str = "default"
    jobs: int = DEFAULT_JOBS  # checks running at once: worker processes kept for the server's lifetime
    queue: int = DEFAULT_QUEUE  # checks waiting for a free slot; beyond that the server answers 503
    max_bytes: int = DEFAULT_MAX_BYTES  # largest accepted upload
    keep_seconds: float = DEFAULT_KEEP_SECONDS  # results are deleted this long after the check finished
    max_kept: int = DEFAULT_MAX_KEPT  # and the oldest go first when more than this many are kept
    limits: Limits = field(default_factory=Limits)  # time and memory of each check in a worker process
    upload_seconds: float = DEFAULT_UPLOAD_SECONDS  # a request body not fully received by then is refused (408)
