"""Canonical forms: RDFC-1.0 N-Quads and JCS (RFC 8785), always in safe mode.

RDFC-1.0 and the safe-mode check take one of two routes: the compiled route
(`compiled.quads`, then `rdfc.canonical_nquads`) for the shapes credentials use, or pyld's
expansion and toRDF for everything else. Both give the same N-Quads and the same errors;
`route_counts()` says how often each ran (and why the pyld route was taken).
`jcs()` lives in `jcs.py`; `jcs_checked()` is safe mode and JCS in one step, and
`jcs_checked_copy()` the same over a deep copy it returns.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any, Literal

from ..errors import EdubadgeError
from . import compiled
from .jcs import jcs as jcs  # re-exported: `canon.jcs` is where callers import it
from .jcs import jcs_of_shape
from .loader import DocumentLoader, default_loader
from .pyld_caches import CachingProcessor
from .rdfc import MAX_NDEGREE_CALLS, BoundedRdfc, canonical_nquads, dataset_of
from .safe import SafeProcessor, too_deep, unwrap
from .shapes import Shape, copy_json

Route = Literal["auto", "pyld"]
_log = logging.getLogger(__name__)
_ROUTES: Counter[str] = Counter()


def route_counts() -> dict[str, int]:
    """How often each route ran in this process: `fast` (of which `fast:shape` were answered
    by a remembered document shape), `pyld` and `pyld:<reason>`."""
    return dict(_ROUTES)


def _shape_route() -> None:
    _ROUTES["fast"] += 1
    _ROUTES["fast:shape"] += 1


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
        return CachingProcessor().compact(
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
    _check(document, loader or default_loader(), route)


def _check(document: dict[str, Any], loader: DocumentLoader, route: Route) -> Shape | None:
    if route == "auto":
        shape = compiled.known_shape(document, loader)
        if shape is not None:
            _shape_route()
            return shape
        try:
            shape = compiled.check(document, loader)
        except compiled.NotCompiled as why:
            _fallback(why.reason)
        except RecursionError:
            raise too_deep() from None
        else:
            _ROUTES["fast"] += 1
            return shape
    expand(document, loader)
    return None


def jcs_checked(document: dict[str, Any], loader: DocumentLoader | None = None) -> bytes:
    """JCS bytes of a document that passes JSON-LD safe mode (an `EdubadgeError` if unsafe).

    What JCS suites sign: safe mode and JCS in one step, so a document of a shape seen
    before is neither walked nor searched for numbers again.
    """
    shape = _check(document, loader or default_loader(), "auto")
    return jcs(document) if shape is None else jcs_of_shape(document, shape)


def jcs_checked_copy(
    document: dict[str, Any], loader: DocumentLoader | None = None
) -> tuple[Any, bytes]:
    """A deep copy of a document that passes JSON-LD safe mode, and the copy's JCS bytes.

    What JCS suites sign and return. A document of a remembered shape is copied and checked
    in one pass (`shapes.ShapeCache.find_copy`): the copy is what was checked. Any other is
    checked, then copied; its shape is remembered with its own strings (a later document
    that shares them is matched faster).
    """
    loader = loader or default_loader()
    found = compiled.known_copy(document, loader)
    if found is not None:
        _shape_route()
        shape, copied = found
        return copied, jcs_of_shape(copied, shape)
    canonical = jcs_checked(document, loader)
    return copy_json(document), canonical


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
