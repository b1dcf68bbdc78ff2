"""Canonical forms: RDFC-1.0 N-Quads and JCS (RFC 8785), always in safe mode.

RDFC-1.0 and the safe-mode check take one of two routes: the compiled route
(`compiled.quads`, then `rdfc.canonical_nquads`) for the shapes credentials use, or pyld's
expansion and toRDF for everything else. Both give the same N-Quads and the same errors;
`route_counts()` says how often each ran (and why the pyld route was taken).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from typing import Any, Literal

import rfc8785
from pyld import jsonld

from ..errors import EdubadgeError, InputError
from . import compiled
from .loader import DocumentLoader, default_loader
from .rdfc import MAX_NDEGREE_CALLS, BoundedRdfc, canonical_nquads, dataset_of
from .safe import SafeProcessor, too_deep, unwrap

Route = Literal["auto", "pyld"]
_log = logging.getLogger(__name__)
_ROUTES: Counter[str] = Counter()


def route_counts() -> dict[str, int]:
    """How often each route ran in this process: `fast`, `pyld` and `pyld:<reason>`."""
    return dict(_ROUTES)


def _fallback(reason: str) -> None:
    _ROUTES["pyld"] += 1
    _ROUTES[f"pyld:{reason}"] += 1
    _log.debug("JSON-LD fast route not taken: %s", reason)


def _options(loader: DocumentLoader) -> dict[str, Any]:
    return {
        **compiled.pyld_options(loader),
        "extractAllScripts": False,
        "produceGeneralizedRdf": False,
    }


def expand(document: dict[str, Any], loader: DocumentLoader | None = None) -> list[Any]:
    """JSON-LD expansion in safe mode (an `EdubadgeError` for anything unsafe)."""
    loader = loader or default_loader()
    try:
        return SafeProcessor().expand(document, _options(loader))  # type: ignore[no-any-return]
    except EdubadgeError:
        raise
    except Exception as error:
        raise unwrap(error) from None


def to_dataset(document: dict[str, Any], loader: DocumentLoader | None = None) -> dict[str, Any]:
    """The RDF dataset of a document (pyld's internal form), in safe mode."""
    loader = loader or default_loader()
    try:
        return SafeProcessor().to_rdf(document, _options(loader))  # type: ignore[no-any-return]
    except EdubadgeError:
        raise
    except Exception as error:
        raise unwrap(error) from None


def compact(expanded: list[Any], context: Any, loader: DocumentLoader | None = None) -> Any:
    """JSON-LD compaction of an expanded document (one that passed safe-mode expansion)."""
    loader = loader or default_loader()
    try:
        return jsonld.JsonLdProcessor().compact(
            expanded, {"@context": context}, {**_options(loader), "skipExpansion": True}
        )
    except EdubadgeError:
        raise
    except Exception as error:
        raise unwrap(error) from None


def dataset(document: dict[str, Any], loader: DocumentLoader | None = None) -> dict[str, Any]:
    """`to_dataset`, by the compiled route when the document is within it (same statements)."""
    loader = loader or default_loader()
    try:
        statements = compiled.quads(document, loader)
    except compiled.NotCompiled as why:
        _fallback(why.reason)
        return to_dataset(document, loader)
    except RecursionError:
        raise too_deep() from None
    _ROUTES["fast"] += 1
    return dataset_of(sorted(statements))


def check(
    document: dict[str, Any], loader: DocumentLoader | None = None, route: Route = "auto"
) -> None:
    """Safe mode over a document without canonicalising it (an `EdubadgeError` if unsafe)."""
    loader = loader or default_loader()
    if route == "auto":
        try:
            compiled.check(document, loader)
        except compiled.NotCompiled as why:
            _fallback(why.reason)
        except RecursionError:
            raise too_deep() from None
        else:
            _ROUTES["fast"] += 1
            return
    expand(document, loader)


def rdfc(
    document: dict[str, Any],
    loader: DocumentLoader | None = None,
    *,
    hash_name: str = "sha256",
    max_work: int = MAX_NDEGREE_CALLS,
    route: Route = "auto",
) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (`hash_name` is RDFC's internal hash).

    `route="pyld"` skips the compiled route (the two give the same result).
    """
    loader = loader or default_loader()
    if route == "auto":
        try:
            statements = compiled.quads(document, loader)
        except compiled.NotCompiled as why:
            _fallback(why.reason)
        except RecursionError:
            raise too_deep() from None
        else:
            _ROUTES["fast"] += 1
            return canonical_nquads(statements, hash_name=hash_name, max_work=max_work)
    dataset = to_dataset(document, loader)
    try:
        return BoundedRdfc(hash_name, max_work).canonicalize(dataset)
    except EdubadgeError:
        raise
    except Exception as error:
        raise unwrap(error) from None


_MAX_SAFE_INTEGER = 2**53 - 1
_DUMPS = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
).encode


class _NeedsFullJcs(Exception):
    """A value json.dumps would not write as RFC 8785 does (rare numbers, astral keys)."""


def _es_numbers(value: Any) -> Any:
    """`value` with integral floats as ints, so json.dumps writes numbers as ECMAScript does.

    Returns `value` itself when nothing changes. Raises `_NeedsFullJcs` for what json.dumps
    cannot match: floats written with an exponent, integers past 2**53, keys outside the
    Basic Multilingual Plane (RFC 8785 sorts keys by UTF-16 code units).
    """
    kind = type(value)
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
            return value
        raise _NeedsFullJcs
    if kind is dict:
        changed = None
        for key, item in value.items():
            if not key.isascii() and any(ord(c) > 0xFFFF for c in key):
                raise _NeedsFullJcs
            new = _es_numbers(item)
            if new is not item:
                if changed is None:
                    changed = dict(value)
                changed[key] = new
        return value if changed is None else changed
    if kind is list:
        items = [_es_numbers(item) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    raise _NeedsFullJcs


def jcs(value: Any) -> bytes:
    """RFC 8785 JSON Canonicalization Scheme bytes of a JSON value.

    json.dumps writes the JCS form of most JSON (sorted keys, minimal escapes, no spaces)
    at C speed; what it would write differently goes through the rfc8785 library.
    """
    try:
        return _DUMPS(_es_numbers(value)).encode("utf-8")
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
