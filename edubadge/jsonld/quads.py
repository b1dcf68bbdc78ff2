"""RDF statements as data: what selective disclosure relabels, selects and matches.

Quads are in pyld's form (`subject`, `predicate`, `object`, and `name` for a named graph).
Blank node labels in the maps here are written without their `_:` prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pyld.nquads import serialize_nquad

from ..errors import EdubadgeError, InputError
from .rdfc import MAX_NDEGREE_CALLS, BoundedRdfc
from .safe import unwrap

Quad = dict[str, Any]
_TERMS = ("subject", "object", "name")


def quads_of(dataset: dict[str, Any]) -> list[Quad]:
    """The quads of a dataset (`canon.to_dataset` output), each carrying its graph name."""
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
    """RDFC-1.0's canonical blank node labels: input label -> `c14nN`."""
    dataset: dict[str, list[Quad]] = {}
    for quad in quads:
        graph = quad["name"]["value"] if "name" in quad else "@default"
        dataset.setdefault(graph, []).append({k: dict(v) for k, v in quad.items() if k != "name"})
    canonicaliser = BoundedRdfc(hash_name, max_work)
    try:
        canonicaliser.canonicalize(dataset)
    except EdubadgeError:
        raise
    except Exception as error:
        raise unwrap(error) from None
    issued: dict[str, str] = canonicaliser.canonical_issuer.existing
    return {source[2:]: label[2:] for source, label in issued.items()}
