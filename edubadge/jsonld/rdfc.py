"""RDFC-1.0 canonicalisation: a direct route for the common case, pyld's for the rest.

When every blank node has its own first-degree hash (the case of credentials), RDFC-1.0
needs no N-degree hashing: `canonical_nquads` labels the blank nodes in hash order and sorts
the lines. When two blank nodes share a first-degree hash it hands the statements to pyld's
URDNA2015, bounded by `max_work` N-degree calls (poison graphs end in `ResourceLimitError`).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable
from typing import Any

from pyld.canon import URDNA2015
from pyld.jsonld import RDF_LANGSTRING, XSD_STRING

from ..errors import ResourceLimitError

# RDFC-1.0 on hostile input ("poison graphs") can take exponential time. The N-degree hash
# is the expensive step; a legitimate credential needs a handful of calls at most.
MAX_NDEGREE_CALLS = 2_000
# A single N-degree call can iterate many permutations, so calls alone do not bound the time:
# the work also stops at this many seconds of N-degree hashing.
MAX_NDEGREE_SECONDS = 0.5

Statement = tuple[str, str, str]


class BoundedRdfc(URDNA2015):  # type: ignore[misc]
    """pyld's RDFC-1.0 with a chosen hash and a bound on N-degree hashing work."""

    def __init__(self, hash_name: str, max_calls: int) -> None:
        super().__init__()
        self._hash_name = hash_name
        self._calls_left = max_calls
        self._deadline: float | None = None

    def create_hash(self) -> Any:
        return hashlib.new(self._hash_name)

    def _spend(self) -> None:
        self._calls_left -= 1
        now = time.monotonic()
        if self._deadline is None:
            self._deadline = now + MAX_NDEGREE_SECONDS
        if self._calls_left < 0 or now > self._deadline:
            raise ResourceLimitError(
                "RDFC-1.0 canonicalisation exceeded its work limit",
                hint="its blank nodes form a graph built to be expensive to canonicalise",
            )

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self._spend()
        return super().hash_n_degree_quads(id_, issuer)

    def hash_related_blank_node(self, *args: Any) -> Any:
        if self._deadline is not None:  # only inside N-degree hashing
            self._spend()
            self._calls_left += 1  # time-checked, not counted
        return super().hash_related_blank_node(*args)

    def canonicalize(self, dataset: dict[str, Any]) -> str:
        """Canonical N-Quads of a dataset in pyld's form (consumed)."""
        return self.main(dataset, {"format": "application/n-quads"})  # type: ignore[no-any-return]


_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", '"': '"'}
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def _component(term: str) -> dict[str, str]:
    """pyld's form of one N-Quads term written by `compiled` (the inverse of its escaping)."""
    if term[0] == "<":
        return {"type": "IRI", "value": term[1:-1]}
    if term[0] == "_":
        return {"type": "blank node", "value": term}
    end = term.rindex('"')
    value = _ESCAPED.sub(lambda m: _UNESCAPES[m.group(1)], term[1:end])
    suffix = term[end + 1 :]
    if suffix.startswith("@"):
        return {
            "type": "literal",
            "value": value,
            "datatype": RDF_LANGSTRING,
            "language": suffix[1:],
        }
    datatype = suffix[3:-1] if suffix else XSD_STRING
    return {"type": "literal", "value": value, "datatype": datatype}


def dataset_of(statements: list[Statement]) -> dict[str, Any]:
    """A dataset in pyld's form from default-graph statements given as N-Quads terms."""
    triples = [
        {"subject": _component(s), "predicate": _component(p), "object": _component(o)}
        for s, p, o in statements
    ]
    return {"@default": triples}


def _line(statement: Statement) -> str:
    return f"{statement[0]} {statement[1]} {statement[2]} .\n"


def canonical_nquads(
    statements: Iterable[Statement],
    *,
    hash_name: str = "sha256",
    max_work: int = MAX_NDEGREE_CALLS,
) -> str:
    """RDFC-1.0 canonical N-Quads of default-graph statements given as N-Quads terms."""
    statements = list(statements)
    mentions: dict[str, list[Statement]] = {}
    for statement in statements:
        subject, _, obj = statement
        if subject[0] == "_":
            mentions.setdefault(subject, []).append(statement)
        if obj[0] == "_":
            mentions.setdefault(obj, []).append(statement)
    by_hash: dict[str, str] = {}
    for node, quads in mentions.items():
        lines = sorted(
            _line(
                (
                    ("_:a" if s == node else "_:z") if s[0] == "_" else s,
                    p,
                    ("_:a" if o == node else "_:z") if o[0] == "_" else o,
                )
            )
            for s, p, o in quads
        )
        digest = hashlib.new(hash_name, "".join(lines).encode("utf-8")).hexdigest()
        if digest in by_hash:
            # Two blank nodes look alike: N-degree hashing decides, pyld's bounded route.
            return BoundedRdfc(hash_name, max_work).canonicalize(dataset_of(statements))
        by_hash[digest] = node
    canonical = {node: f"_:c14n{i}" for i, (_, node) in enumerate(sorted(by_hash.items()))}
    return "".join(
        sorted(
            _line(
                (
                    canonical[s] if s[0] == "_" else s,
                    p,
                    canonical[o] if o[0] == "_" else o,
                )
            )
            for s, p, o in statements
        )
    )
