"""RDFC-1.0's worst case: blank nodes that all look alike and all link to each other.

As JSON-LD it needs blank node labels, which safe mode refuses (canonicalisation relabels
them, so no signature covers them); the work bound is for statements that reach RDFC-1.0
by any other way, so the tests hand it the statements themselves.
"""

from __future__ import annotations

from typing import Any

from edubadge.jsonld.rdfc import Statement

LINK = "<https://example.org/link>"


def poison_statements(nodes: int) -> list[Statement]:
    """Every blank node linked to every other one."""
    labels = [f"_:p{i}" for i in range(nodes)]
    return [(a, LINK, b) for a in labels for b in labels if a != b]


def poison_document(nodes: int) -> dict[str, Any]:
    """The same graph as JSON-LD (blank node labels link the nodes)."""
    labels = [f"_:p{i}" for i in range(nodes)]
    graph = [{"@id": a, "link": [{"@id": b} for b in labels if b != a]} for a in labels]
    return {"@context": {"@vocab": "https://example.org/#"}, "@graph": graph}
