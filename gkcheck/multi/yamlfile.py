"""Loading a user-supplied YAML file validated by a JSON Schema, with Chinese errors that name file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gkcheck.errors import GkError
from gkcheck.rulepack import _error_text, _node_at, _schema

MAX_BYTES = 20 * 1024 * 1024


class InputFileError(GkError):
    """A units or decisions file that cannot be used (unreadable, not YAML, not matching its schema)."""


def load_validated(path: Path, schema_name: str, what: str) -> dict[str, Any]:
    """Parse `path` as YAML and validate it against `schemas/<schema_name>`; raise InputFileError otherwise."""
    import yaml  # only when such a file is given, like jsonschema below

    name = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputFileError(f"{what}过大（超过 {MAX_BYTES // 1024 // 1024} MB）", name)
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except FileNotFoundError as exc:
        raise InputFileError(f"{what}不存在", name) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"无法读取{what}（{type(exc).__name__}）", name) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行：" if mark else ""
        raise InputFileError(f"{what}不是有效的 YAML：{where}{getattr(exc, 'problem', None) or exc}", name) from exc
    if node is None:
        raise InputFileError(f"{what}为空", name)
    import jsonschema  # only when such a file is given: a plain check does not pay for importing it

    validator = jsonschema.Draft202012Validator(_schema(schema_name))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = [f"第 {_node_at(node, list(e.absolute_path)).start_mark.line + 1} 行：{_error_text(e)}"
                 for e in errors[:10]]
        raise InputFileError(f"{what}格式不符合 schemas/{schema_name}：\n  " + "\n  ".join(lines), name)
    return data

