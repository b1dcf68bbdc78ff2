"""Learner binding: is a component's subject the stack's learner?

Two ways to show it: the same subject id (a DID or other URI), or OB 3.0 `IdentityObject`s
that agree. Identity objects agree when, for an identity type both carry, the values match:
in clear, one in clear against the other's salted hash, two hashes with the same salt, or two
hashes with different salts checked against a value the verifier knows (`known`, such as
`{"emailAddress": "lotte@student.example.eu"}`). Any disagreement is a mismatch; no
comparable identity at all leaves the binding unproven.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..formats.ob3 import check_identity

Outcome = Literal["matched", "mismatch", "unproven"]


@dataclass(frozen=True)
class Binding:
    """The result of binding one component to the stack's learner."""

    outcome: Outcome
    detail: str


def _identities(subject: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    value = subject.get("identifier")
    items = value if isinstance(value, list) else [value]
    return [
        i
        for i in items
        if isinstance(i, Mapping)
        and isinstance(i.get("identityType"), str)
        and isinstance(i.get("identityHash"), str)
    ]


def _holds(identity: Mapping[str, Any], value: str) -> bool:
    """Whether one identity object holds `value` (hashed or in clear)."""
    return check_identity(
        {"credentialSubject": {"identifier": [identity]}}, str(identity["identityType"]), value
    )


def _compare(a: Mapping[str, Any], b: Mapping[str, Any], known: str | None) -> bool | None:
    """True/False when two identity objects of one type can be compared, else None."""
    a_hashed, b_hashed = a.get("hashed") is True, b.get("hashed") is True
    if not a_hashed:
        return _holds(b, str(a["identityHash"]))
    if not b_hashed:
        return _holds(a, str(b["identityHash"]))
    if a.get("salt") == b.get("salt"):
        return str(a["identityHash"]).lower() == str(b["identityHash"]).lower()
    if known is not None:
        return _holds(a, known) and _holds(b, known)
    return None


def bind(
    stack_subject: Mapping[str, Any],
    component_subject: Mapping[str, Any],
    known: Mapping[str, str] | None = None,
) -> Binding:
    """Bind a component's subject to the stack's subject (see the module docstring)."""
    ours, theirs = stack_subject.get("id"), component_subject.get("id")
    if isinstance(ours, str) and isinstance(theirs, str):
        if ours == theirs:
            return Binding("matched", f"same subject {ours}")
        return Binding("mismatch", f"subject {theirs} is not the stack's learner {ours}")
    matched: list[str] = []
    mismatched: list[str] = []
    open_types: list[str] = []
    for mine in _identities(stack_subject):
        kind = str(mine["identityType"])
        for other in _identities(component_subject):
            if other["identityType"] != kind:
                continue
            verdict = _compare(mine, other, (known or {}).get(kind))
            if verdict is None:
                open_types.append(kind)
            else:
                (matched if verdict else mismatched).append(kind)
    if mismatched:
        return Binding("mismatch", "identity differs: " + ", ".join(sorted(set(mismatched))))
    if matched:
        return Binding("matched", "same identity: " + ", ".join(sorted(set(matched))))
    if open_types:
        return Binding(
            "unproven",
            "identities are hashed with different salts ("
            + ", ".join(sorted(set(open_types)))
            + "): give the learner's plain identity to compare them",
        )
    return Binding("unproven", "no subject id or identity in common with the stack's learner")
