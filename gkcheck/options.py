"""Checks of command-line option values that click's ranges let through."""

from __future__ import annotations

import math

import click


def finite_seconds(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Refuse `nan` (every comparison with it is false, so a range check alone lets it pass)."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} 不是有限的秒数", ctx=ctx, param=param)
    return value
