"""Canonical forms: RDFC-1.0 N-Quads (through pyld, in safe mode) and JCS (RFC 8785)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import rfc8785
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.nquads import serialize_nquad

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


# --- quads: what selective disclosure works on ------------------------------------------------

Quad = dict[str, Any]  # pyld's form: subject, predicate, object (+ name for a named graph)
_TERMS = ("subject", "object", "name")


def quads_of(dataset: dict[str, Any]) -> list[Quad]:
    """The quads of a dataset (`to_dataset` output), each carrying its graph name."""
    quads = []
    for graph, triples in dataset.items():
        for triple in triples:
            quad = dict(triple)
            if graph != "@default":
                kind = "blank node" if graph.startswith("_:") else "IRI"
                quad["name"] = {"type": kind, "value": graph}
            quads.append(quad)
    return quads


def map_terms(quads: list[Quad], change: Callable[[dict[str, Any]], dict[str, Any]]) -> list[Quad]:
    """New quads with `change` applied to every subject, object and graph name."""
    return [{k: change(v) if k in _TERMS else v for k, v in quad.items()} for quad in quads]


def relabel(quads: list[Quad], labels: Mapping[str, str]) -> list[Quad]:
    """New quads with each blank node `_:x` renamed `_:labels[x]` (every one must be mapped)."""

    def rename(term: dict[str, Any]) -> dict[str, Any]:
        if term["type"] != "blank node":
            return term
        try:
            return {**term, "value": "_:" + labels[term["value"][2:]]}
        except KeyError:
            raise InputError(f"blank node {term['value']} has no label") from None

    return map_terms(quads, rename)


def nquads(quads: list[Quad]) -> list[str]:
    """Each quad as one N-Quads line (with its newline), in the given order."""
    return [serialize_nquad(quad) for quad in quads]


def canonical_labels(
    quads: list[Quad], *, hash_name: str = "sha256", max_work: int = MAX_NDEGREE_CALLS
) -> dict[str, str]:
    """RDFC-1.0's canonical blank node labels: input label -> `c14nN` (both without `_:`)."""
    dataset: dict[str, list[Quad]] = {}
    for quad in quads:
        graph = quad["name"]["value"] if "name" in quad else "@default"
        dataset.setdefault(graph, []).append({k: dict(v) for k, v in quad.items() if k != "name"})
    canonicaliser = _BoundedRdfc(hash_name, max_work)
    try:
        canonicaliser.main(dataset, {"format": "application/n-quads"})
    except EdubadgeError:
        raise
    except Exception as error:
        raise unwrap(error) from None
    issued: dict[str, str] = canonicaliser.canonical_issuer.existing
    return {source[2:]: label[2:] for source, label in issued.items()}


def jcs(value: Any) -> bytes:
    """RFC 8785 JSON Canonicalization Scheme bytes of a JSON value."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise InputError(f"value cannot be canonicalised with JCS: {error}") from None
