"""JSON Schema validation errors in Chinese (rule packs and scoring profiles are written by people)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema

TYPE_NAMES = {
    "object": "映射（键: 值）", "array": "列表", "string": "文字", "integer": "整数", "number": "数字",
    "boolean": "true 或 false", "null": "空值",
}


def _show(value: Any) -> str:
    """A value as it would be written in YAML, shortened."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"“{text[:60]}{'…' if len(text) > 60 else ''}”"


# JSON Schema type of a Python value; bool before int, because a bool is an int in Python
_PY_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"), (dict, "object"), (list, "array"), (str, "string"), (int, "integer"), (float, "number"),
)


def _type_of(value: Any) -> str:
    if value is None:
        return TYPE_NAMES["null"]
    kind = next((name for py, name in _PY_TYPES if isinstance(value, py)), None)
    return TYPE_NAMES[kind] if kind else type(value).__name__


def _names(items: Any) -> str:
    return "、".join(str(i) for i in items)


def message(error: jsonschema.ValidationError) -> str:
    """The Chinese text of one validation error (without its location)."""
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if keyword == "required":
        missing = [k for k in expected if isinstance(value, dict) and k not in value]
        return f"缺少必填项：{_names(missing or expected)}"
    if keyword == "additionalProperties":
        allowed = set((error.schema or {}).get("properties") or {})
        extra = sorted(k for k in (value if isinstance(value, dict) else {}) if k not in allowed)
        hint = f"（可用的项：{_names(sorted(allowed))}）" if allowed else ""
        return f"不认识的项：{_names(extra)}{hint}"
    if keyword == "enum":
        return f"{_show(value)} 不是允许的取值；可选：{_names(expected)}"
    if keyword == "const":
        return f"应为 {_show(expected)}，实际是 {_show(value)}"
    if keyword == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        return f"应为{'或'.join(TYPE_NAMES.get(t, t) for t in wanted)}，实际是{_type_of(value)} {_show(value)}"
    if keyword == "pattern":
        return f"{_show(value)} 的写法不符合要求（格式：{expected}）"
    if keyword == "minItems":
        return f"至少要有 {expected} 项" if expected > 1 else "不能为空列表"
    if keyword == "maxItems":
        return f"最多 {expected} 项"
    if keyword == "minLength":
        return f"文字太短（至少 {expected} 个字符）"
    if keyword == "maxLength":
        return f"文字太长（最多 {expected} 个字符）"
    if keyword in ("minimum", "exclusiveMinimum"):
        return f"{_show(value)} 太小（{'不小于' if keyword == 'minimum' else '大于'} {expected}）"
    if keyword in ("maximum", "exclusiveMaximum"):
        return f"{_show(value)} 太大（{'不大于' if keyword == 'maximum' else '小于'} {expected}）"
    if keyword == "minProperties":
        return f"至少要有 {expected} 项"
    if keyword == "maxProperties":
        return f"最多只能有 {expected} 项"
    if keyword == "uniqueItems":
        return "列表中有重复项"
    if keyword in ("oneOf", "anyOf"):
        return f"{_show(value)} 不符合任何一种允许的写法"
    if keyword == "not":
        return f"{_show(value)} 是不允许的写法"
    if keyword == "format":
        return f"{_show(value)} 不是有效的 {expected} 格式"
    return f"{_show(value)} 不符合规则文件格式（{keyword}）"


def location(error: jsonschema.ValidationError) -> str:
    """`rules.3.params.lhs` → `rules.第4项.params.lhs` (items counted from 1); the root is `（文件顶层）`."""
    parts = [f"第{p + 1}项" if isinstance(p, int) else str(p) for p in error.absolute_path]
    return ".".join(parts) or "（文件顶层）"


def error_text(error: jsonschema.ValidationError) -> str:
    return f"{location(error)}：{message(error)}"
