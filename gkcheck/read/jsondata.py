"""Report data handed over as JSON (schemas/report.schema.json), read strictly.

The data must be valid JSON in the strict sense (no `NaN`/`Infinity`, no number too large for a float),
match the schema with its formats checked (a publication date such as `2025-99-99` is refused) and carry no
members the data model does not know (the schema says `additionalProperties: false` there). Every refusal
is a ReadError naming the place in the data.
"""

from __future__ import annotations

import json
import math
from typing import Any

from gkcheck.errors import ReadError
from gkcheck.model import Source
from gkcheck.paths import SCHEMAS_DIR


def _no_constant(name: str) -> Any:
    raise ValueError(f"JSON 中不允许 {name}（不是合法的 JSON 数值）")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"数值 {text[:40]} 超出范围")
    return value


def parse(data: bytes) -> Any:
    """Strict JSON: ReadError for bad bytes, bad syntax, NaN/Infinity or numbers out of range."""
    try:
        return json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant, parse_float=_finite)
    except UnicodeDecodeError as exc:
        raise ReadError(f"JSON 无法解码：不是 UTF-8 编码（第 {exc.start} 字节）") from exc
    except json.JSONDecodeError as exc:
        raise ReadError(f"JSON 无法解析：第 {exc.lineno} 行第 {exc.colno} 列语法错误") from exc
    except RecursionError as exc:
        raise ReadError("JSON 无法解析：嵌套层数过多") from exc
    except ValueError as exc:  # NaN and Infinity, huge numbers (our own messages), int() digit limit
        text = str(exc) if "数值" in str(exc) else "数值超出范围"
        raise ReadError(f"JSON 无法解析：{text[:200]}") from exc


def read_json(data: bytes, path: str) -> Source:
    """A report given directly in the report data format (schemas/report.schema.json)."""
    payload = parse(data)
    if not isinstance(payload, dict) or "document" not in payload or "cells" not in payload:
        raise ReadError("JSON 文件不是报告数据格式（缺少 document 或 cells）")
    import jsonschema  # only JSON input needs it

    from gkcheck.schema_messages import error_text

    schema = json.loads((SCHEMAS_DIR / "report.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    error = jsonschema.exceptions.best_match(validator.iter_errors(payload))
    if error is not None:
        raise ReadError(f"JSON 报告数据不符合 schemas/report.schema.json：{error_text(error)[:300]}")
    return Source(path=path, format="json", data=payload)
