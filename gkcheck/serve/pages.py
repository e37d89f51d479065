"""The server's own Chinese pages (upload form, waiting, messages) and the download bar on result pages.

Same look as the report pages (their style sheet is shared); autoescaping is forced on for every template.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from gkcheck.render.html import TEMPLATE_DIR as REPORT_TEMPLATES

SERVE_TEMPLATES = Path(__file__).resolve().parent / "templates"
REFRESH_SECONDS = 2
_BODY = re.compile(r"<body[^>]*>")


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=ChoiceLoader([FileSystemLoader(str(SERVE_TEMPLATES)), FileSystemLoader(str(REPORT_TEMPLATES))]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def preload() -> None:
    for name in ("index.html.j2", "wait.html.j2", "message.html.j2", "actions.html.j2"):
        _env().get_template(name)


def size_text(n: int) -> str:
    """A byte count in Chinese units, e.g. `50 MB`."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} 字节"


def duration_text(seconds: float) -> str:
    """`1 小时`, `30 分钟`, `45 秒`."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{int(seconds // 3600)} 小时"
    if seconds >= 60:
        return f"{round(seconds / 60)} 分钟"
    return f"{round(seconds)} 秒"


def render(template: str, **context: Any) -> str:
    return _env().get_template(template).render(**context)


def with_actions(report_page: str, **context: Any) -> str:
    """The report page with the download bar just after <body> (the page itself is left as it is)."""
    bar = render("actions.html.j2", **context)
    match = _BODY.search(report_page)
    if match is None:
        return bar + report_page
    return report_page[:match.end()] + "\n" + bar + report_page[match.end():]
