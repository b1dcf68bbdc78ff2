"""Selective disclosure primitives of VC DI ECDSA (section 3.4), shared by ecdsa-sd-2023.

The document becomes canonical N-Quads whose blank node labels come from a label map (HMAC
labels for the issuer and holder, the proof's own map for the verifier); JSON pointers pick
the N-Quads of each group (mandatory, selective, combined) through a skolemised copy of the
document, so that every selected object keeps the blank node label it has in the whole.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ProofError
from ..jsonld.canon import compact, dataset, expand
from ..jsonld.loader import DocumentLoader
from ..jsonld.quads import Quad, canonical_labels, map_terms, nquads, quads_of, relabel
from .pointers import select

SKOLEM_PREFIX = "urn:bnid:"
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
LabelMapFactory = Callable[[Mapping[str, str]], dict[str, str]]


def b64url(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url without padding; a `ProofError` if it is not.

    Strict: the alphabet only, no padding, and the canonical spelling of its bytes (the
    standard decoder skips stray characters and padding: second spellings of one proof).
    """
    if not isinstance(text, str) or not _B64URL.fullmatch(text):
        raise ProofError("value is not base64url (alphabet A-Z a-z 0-9 - _, no padding)")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise ProofError("value is not base64url") from None
    if b64url(data) != text:
        raise ProofError("value is not canonical base64url")
    return data


def hmac_label_factory(key: bytes) -> LabelMapFactory:
    """Labels `u` + base64url(HMAC-SHA-256(key, canonical label)): the issuer's and holder's."""

    def labels(canonical: Mapping[str, str]) -> dict[str, str]:
        return {
            source: "u" + b64url(hmac.new(key, label.encode("utf-8"), hashlib.sha256).digest())
            for source, label in canonical.items()
        }

    return labels


def label_map_factory(label_map: Mapping[str, str]) -> LabelMapFactory:
    """Labels taken from a derived proof's map of canonical label -> signed label."""

    def labels(canonical: Mapping[str, str]) -> dict[str, str]:
        try:
            return {source: label_map[label] for source, label in canonical.items()}
        except KeyError as missing:
            raise ProofError(
                f"the disclosed document has blank node {missing.args[0]} the proof does not map"
            ) from None

    return labels


def _skolemize(elements: list[Any], prefix: str, counter: list[int]) -> list[Any]:
    """Give every node object an IRI: `prefix` + a count, or its blank node label."""
    result: list[Any] = []
    for element in elements:
        if not isinstance(element, dict) or "@value" in element:
            result.append(element)
            continue
        node = {
            key: _skolemize(value, prefix, counter)
            if isinstance(value, list)
            else _skolemize([value], prefix, counter)[0]
            for key, value in element.items()
        }
        if "@list" not in node and "@set" not in node:
            node_id = node.get("@id")
            if node_id is None:
                node["@id"] = f"{prefix}{counter[0]}"
                counter[0] += 1
            elif isinstance(node_id, str) and node_id.startswith("_:"):
                node["@id"] = SKOLEM_PREFIX + node_id[2:]
        result.append(node)
    return result


def _deskolemize(quads: list[Quad]) -> list[Quad]:
    def back(term: dict[str, Any]) -> dict[str, Any]:
        if term["type"] == "IRI" and term["value"].startswith(SKOLEM_PREFIX):
            return {"type": "blank node", "value": "_:" + term["value"][len(SKOLEM_PREFIX) :]}
        return term

    return map_terms(quads, back)


def _deskolemized_quads(document: Any, loader: DocumentLoader) -> list[Quad]:
    if document is None:
        return []
    return _deskolemize(quads_of(dataset(document, loader)))


def canonical_nquads(
    quads: list[Quad], factory: LabelMapFactory
) -> tuple[list[str], dict[str, str]]:
    """(sorted canonical N-Quads relabelled by the factory's labels, input label -> label)."""
    labels = factory(canonical_labels(quads))
    return sorted(nquads(relabel(quads, labels))), labels


def document_nquads(
    document: dict[str, Any], factory: LabelMapFactory, loader: DocumentLoader
) -> list[str]:
    """The document's canonical N-Quads with the factory's blank node labels (verifier side)."""
    return canonical_nquads(quads_of(dataset(document, loader)), factory)[0]


@dataclass(frozen=True)
class Group:
    """The canonical N-Quads (by index) that a group's pointers select, and those they do not."""

    matching: dict[int, str]
    non_matching: dict[int, str]
    selected_quads: list[Quad]  # the selection's deskolemized quads, input labels kept


@dataclass(frozen=True)
class Grouping:
    """`canonicalizeAndGroup`'s result."""

    groups: dict[str, Group]
    labels: dict[str, str]  # input blank node label -> label used in `nquads`
    nquads: list[str]


def canonicalize_and_group(
    document: dict[str, Any],
    factory: LabelMapFactory,
    group_pointers: Mapping[str, Sequence[str]],
    loader: DocumentLoader,
) -> Grouping:
    """Canonical N-Quads of `document` and, per named group of pointers, which ones it selects."""
    expanded = expand(document, loader)
    skolemized = _skolemize(expanded, f"{SKOLEM_PREFIX}{uuid.uuid4().hex}_", [0])
    skolemized_compact = compact(skolemized, document.get("@context"), loader)
    # the same statements as the expanded form (compaction round-trips), read by the fast route
    quads = _deskolemized_quads(skolemized_compact, loader)
    lines, labels = canonical_nquads(quads, factory)
    groups = {}
    for name, pointers in group_pointers.items():
        select(document, pointers)  # a pointer that misses the JSON itself: say so plainly
        try:
            selection = select(skolemized_compact, pointers)
        except ProofError as error:
            raise ProofError(
                f"{error.message} as JSON-LD compacts it",
                hint="selective disclosure reads pointers in the compacted form, where a value "
                "can take another shape (a one-element array a single value, an object with "
                "only an id its IRI): point at the enclosing member",
            ) from None
        selected_quads = _deskolemized_quads(selection, loader)
        selected = set(nquads(relabel(selected_quads, labels)))
        groups[name] = Group(
            {i: line for i, line in enumerate(lines) if line in selected},
            {i: line for i, line in enumerate(lines) if line not in selected},
            selected_quads,
        )
    return Grouping(groups, labels, lines)
