"""Checks of command-line option values that click's ranges let through."""

from __future__ import annotations

import math
from datetime import date

import click


def finite_seconds(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Refuse `nan` (every comparison with it is false, so a range check alone lets it pass)."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} 不是有限的秒数", ctx=ctx, param=param)
    return value


def iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A calendar date written YYYY-MM-DD (`--published`), returned in ISO form."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value} 不是有效日期，应写作 YYYY-MM-DD（如 2025-03-31）", ctx=ctx,
                                 param=param) from None
