"""JCS (RFC 8785) at C speed wherever a C encoder writes what RFC 8785 writes.

RFC 8785 is JSON with keys sorted by UTF-16 code units, minimal string escapes, no spaces,
and numbers written as ECMAScript writes them. orjson with sorted keys writes exactly that
for strings, booleans, null, integers within +-(2**53 - 1) and keys inside the Basic
Multilingual Plane (where code point and UTF-16 orders agree). Integral floats are written
as integers first; other floats in [1e-4, 1e16) go through json.dumps, whose repr ECMAScript
matches there. Everything else (exponent-form floats, larger integers, keys outside the BMP,
values that are not JSON) goes through the `rfc8785` library.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import rfc8785

from ..errors import InputError
from .safe import too_deep
from .shapes import Shape

_MAX_SAFE_INTEGER = 2**53 - 1
_SORTED = orjson.OPT_SORT_KEYS
_DUMPS = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
).encode


class _NeedsFullJcs(Exception):
    """A value no C encoder writes as RFC 8785 does (rare numbers, astral keys)."""


class _Numbers:
    """Rewrites integral floats as ints, noting whether other floats remain."""

    __slots__ = ("floats",)

    def __init__(self) -> None:
        self.floats = False

    def convert(self, value: Any) -> Any:
        """`value` with integral floats as ints (`value` itself when nothing changes).

        Raises `_NeedsFullJcs` for what no C encoder matches: floats written with an
        exponent, integers past 2**53, keys outside the Basic Multilingual Plane.
        """
        kind = type(value)
        if kind is dict:
            changed = None
            for key, item in value.items():
                if not key.isascii() and any(ord(c) > 0xFFFF for c in key):
                    raise _NeedsFullJcs
                if type(item) is str:  # the commonest value, without a call
                    continue
                new = self.convert(item)
                if new is not item:
                    if changed is None:
                        changed = dict(value)
                    changed[key] = new
            return value if changed is None else changed
        if kind is list:
            items = [item if type(item) is str else self.convert(item) for item in value]
            return value if all(a is b for a, b in zip(items, value, strict=True)) else items
        if kind is str or kind is bool or value is None:
            return value
        if kind is int:
            if -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER:
                return value
            raise _NeedsFullJcs
        if kind is float:
            if value.is_integer():
                if abs(value) <= _MAX_SAFE_INTEGER:
                    return int(value)
                raise _NeedsFullJcs  # json.dumps writes 2**53 as 9007199254740992.0
            if 1e-4 <= abs(value) < 1e16:  # repr() and ECMAScript agree here
                self.floats = True
                return value
        raise _NeedsFullJcs


def _strings_only(value: Any) -> bool:
    """True for an object of ASCII keys whose values are strings or arrays of strings (such
    as a proof configuration): nothing in it for the number pass to change."""
    for key, item in value.items():
        if not key.isascii():
            return False
        if type(item) is not str and not (
            type(item) is list and all(type(element) is str for element in item)
        ):
            return False
    return True


def jcs(value: Any) -> bytes:
    """RFC 8785 JSON Canonicalization Scheme bytes of a JSON value."""
    if type(value) is dict and _strings_only(value):
        try:
            return orjson.dumps(value, option=_SORTED)
        except TypeError:  # a lone surrogate: rfc8785 says so below
            pass
    numbers = _Numbers()
    try:
        converted = numbers.convert(value)
        if numbers.floats:
            return _DUMPS(converted).encode("utf-8")
        return orjson.dumps(converted, option=_SORTED)
    except (_NeedsFullJcs, UnicodeEncodeError, TypeError, ValueError, AttributeError):
        pass
    except RecursionError:
        raise too_deep() from None
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise InputError(f"value cannot be canonicalised with JCS: {error}") from None
    except RecursionError:
        raise too_deep() from None


def jcs_of_shape(value: Any, shape: Shape) -> bytes:
    """`jcs(value)` for a document known to match `shape`: only its numbers are looked at."""
    try:
        if shape.astral_keys:
            raise _NeedsFullJcs
        for path in shape.ints:
            number = value
            for step in path:
                number = number[step]
            if not -_MAX_SAFE_INTEGER <= number <= _MAX_SAFE_INTEGER:
                raise _NeedsFullJcs
        if shape.floats:
            value = _integral(value, shape.floats)
        return orjson.dumps(value, option=_SORTED)
    except (_NeedsFullJcs, TypeError):  # other floats, a lone surrogate, too deep...
        return jcs(value)


def _integral(value: Any, floats: dict[str | int, Any]) -> Any:
    """A copy of `value` with the floats at the leaves of the tree `floats` as integers
    (`_NeedsFullJcs` when one is not integral); only their parents are copied."""
    copy = type(value)(value)
    for step, below in floats.items():
        item = value[step]
        if below is not None:
            copy[step] = _integral(item, below)
        elif item.is_integer() and abs(item) <= _MAX_SAFE_INTEGER:
            copy[step] = int(item)
        else:
            raise _NeedsFullJcs
    return copy
