"""Strict JSON input: UTF-8, no duplicate keys, interoperable numbers, bounded size and depth.

Limits (stated, and tested): a document is at most `MAX_DOCUMENT_BYTES` of UTF-8, nested at
most `MAX_DEPTH` levels; integers stay within +-(2**53 - 1) and numbers are finite (I-JSON,
RFC 7493: beyond that, JavaScript verifiers read another value than Python signers).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import orjson

from .errors import InputError

MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_SAFE_INTEGER = 2**53 - 1


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InputError(f"duplicate JSON key {key!r}")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise InputError(f"{name} is not JSON")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > 16 or abs(int(text)) > MAX_SAFE_INTEGER:
        raise InputError(
            f"integer {text[:20]}{'...' if len(text) > 20 else ''} is outside +-(2**53 - 1)"
        )
    return int(text)


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise InputError(f"number {text[:20]} is out of range")
    return value


def check_limits(value: Any) -> None:
    """Refuse a JSON value nested deeper than `MAX_DEPTH` or holding a non-interoperable number."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            if isinstance(item, bool):
                continue
            if isinstance(item, int) and abs(item) > MAX_SAFE_INTEGER:
                raise InputError(f"integer {item} is outside +-(2**53 - 1)")
            if isinstance(item, float) and not math.isfinite(item):
                raise InputError(f"number {item} is not finite")
            continue
        if depth + 1 > MAX_DEPTH:
            raise InputError(f"document is nested deeper than {MAX_DEPTH} levels")
        stack.extend((child, depth + 1) for child in children)


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
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
            parse_int=_integer,
            parse_float=_number,
        )
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
            size = len(json.dumps(raw).encode("utf-8", "surrogatepass"))
        except (TypeError, ValueError) as error:
            raise InputError(f"{what} holds a value that is not JSON: {error}") from None
        if size > MAX_DOCUMENT_BYTES:
            raise InputError(f"{what} is larger than {MAX_DOCUMENT_BYTES} bytes")
        return raw
    raise InputError(f"cannot read a {what} from a {type(raw).__name__}")


def orjson_exactly(value: Any, option: int | None = None) -> tuple[bytes, Any] | None:
    """orjson's JSON of `value` and what it reads back as, when that equals `value`; else
    None. orjson writes at C speed but NaN and infinities as null and tuples as lists, and
    cannot write integers past 64 bits or lone surrogates."""
    try:
        data = orjson.dumps(value, option=option)
    except TypeError:
        return None
    copied = orjson.loads(data)
    return (data, copied) if copied == value else None
