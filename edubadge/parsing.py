"""Strict JSON input: UTF-8 only, no duplicate keys, no NaN, bounded size and depth."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .errors import InputError

MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InputError(f"duplicate JSON key {key!r}")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise InputError(f"{name} is not JSON")


def depth_of(value: Any) -> int:
    """Nesting depth of a JSON value (a scalar is 0), computed without recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_DEPTH:
            break
    return deepest


def check_limits(value: Any) -> None:
    """Refuse a parsed document nested deeper than `MAX_DEPTH`."""
    if depth_of(value) > MAX_DEPTH:
        raise InputError(f"document is nested deeper than {MAX_DEPTH} levels")


def parse_json(data: str | bytes, *, what: str = "document") -> Any:
    """Parse JSON strictly; every refusal is an `InputError` saying why."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InputError(f"{what} is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{what} is not UTF-8 (byte {error.start})") from None
    text = text.removeprefix("\ufeff")
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except InputError as error:
        raise InputError(f"{what}: {error.message}") from None
    except RecursionError:
        raise InputError(f"{what} is nested too deeply") from None
    except ValueError as error:
        raise InputError(f"{what} is not valid JSON: {error}") from None
    check_limits(value)
    return value


def load_document(raw: Any, *, what: str = "document") -> Any:
    """A JSON value from a parsed value, JSON text or bytes, or a file path.

    Text and files are parsed strictly (`parse_json`); a parsed value is checked against the
    same limits and must hold only JSON values. Every refusal is an `InputError`.
    """
    if isinstance(raw, os.PathLike):
        try:
            raw = Path(raw).read_bytes()
        except OSError as error:
            raise InputError(f"cannot read {what} {os.fspath(raw)}: {error.strerror}") from None
    if isinstance(raw, (str, bytes, bytearray)):
        return parse_json(bytes(raw) if isinstance(raw, bytearray) else raw, what=what)
    if isinstance(raw, (dict, list)):
        check_limits(raw)
        try:
            json.dumps(raw)
        except (TypeError, ValueError) as error:
            raise InputError(f"{what} holds a value that is not JSON: {error}") from None
        return raw
    raise InputError(f"cannot read a {what} from a {type(raw).__name__}")
