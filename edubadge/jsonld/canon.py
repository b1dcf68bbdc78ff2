"""Canonical forms: RDFC-1.0 N-Quads (through pyld, in safe mode) and JCS (RFC 8785)."""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785
from pyld import jsonld
from pyld.canon import URDNA2015

from ..errors import EdubadgeError, InputError, ResourceLimitError
from .loader import DocumentLoader, default_loader
from .safe import RELATIVE_BASE, SafeProcessor, unwrap

# RDFC-1.0 on hostile input ("poison graphs") can take exponential time. The N-degree hash
# is the expensive step; a legitimate credential needs a handful of calls at most.
MAX_NDEGREE_CALLS = 2_000


class _BoundedRdfc(URDNA2015):  # type: ignore[misc]
    """RDFC-1.0 with a chosen hash and a bound on N-degree hashing work."""

    def __init__(self, hash_name: str, max_calls: int) -> None:
        super().__init__()
        self._hash_name = hash_name
        self._calls_left = max_calls

    def create_hash(self) -> Any:
        return hashlib.new(self._hash_name)

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self._calls_left -= 1
        if self._calls_left < 0:
            raise ResourceLimitError(
                "RDFC-1.0 canonicalisation exceeded its work limit",
                hint="its blank nodes form a graph built to be expensive to canonicalise",
            )
        return super().hash_n_degree_quads(id_, issuer)


def _options(loader: DocumentLoader) -> dict[str, Any]:
    return {
        "documentLoader": loader,
        "contextResolver": jsonld.ContextResolver(loader.context_cache, loader),
        "base": RELATIVE_BASE,
        "processingMode": "json-ld-1.1",
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


def rdfc(
    document: dict[str, Any],
    loader: DocumentLoader | None = None,
    *,
    hash_name: str = "sha256",
    max_work: int = MAX_NDEGREE_CALLS,
) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (`hash_name` is RDFC's internal hash)."""
    dataset = to_dataset(document, loader)
    try:
        return _BoundedRdfc(hash_name, max_work).main(  # type: ignore[no-any-return]
            dataset, {"format": "application/n-quads"}
        )
    except EdubadgeError:
        raise
    except Exception as error:
        raise unwrap(error) from None


def jcs(value: Any) -> bytes:
    """RFC 8785 JSON Canonicalization Scheme bytes of a JSON value."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise InputError(f"value cannot be canonicalised with JCS: {error}") from None
