"""RDFC-1.0 canonicalisation: a direct route for the common case, pyld's for the rest.

When every blank node has its own first-degree hash (the case of credentials), RDFC-1.0
needs no N-degree hashing: `canonical_nquads` labels the blank nodes in hash order and sorts
the lines. When two blank nodes share a first-degree hash it hands the statements to pyld's
URDNA2015, bounded by `max_work` N-degree calls (poison graphs end in `ResourceLimitError`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from pyld.canon import URDNA2015
from pyld.nquads import parse_nquads

from ..errors import ResourceLimitError

# RDFC-1.0 on hostile input ("poison graphs") can take exponential time. The N-degree hash
# is the expensive step; a legitimate credential needs a handful of calls at most.
MAX_NDEGREE_CALLS = 2_000

Statement = tuple[str, str, str]


class BoundedRdfc(URDNA2015):  # type: ignore[misc]
    """pyld's RDFC-1.0 with a chosen hash and a bound on N-degree hashing work."""

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

    def canonicalize(self, dataset: dict[str, Any]) -> str:
        """Canonical N-Quads of a dataset in pyld's form (consumed)."""
        return self.main(dataset, {"format": "application/n-quads"})  # type: ignore[no-any-return]


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
            text = "".join(_line(s) for s in statements)
            return BoundedRdfc(hash_name, max_work).canonicalize(parse_nquads(text))
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
