"""The one place where regular expressions written in rule files are compiled (cached per process)."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a rule's pattern; every pattern-bearing rule kind goes through here."""
    return re.compile(pattern)
