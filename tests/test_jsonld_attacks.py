"""JSON-LD attacks on a verifier: each is refused, and each test shows the attack works
without the defence (so the defence, not luck, is what stops it)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

import edubadge
from edubadge import keys
from edubadge.errors import InputError, ResourceLimitError
from edubadge.issuer import Issuer
from edubadge.jsonld import rdfc
from edubadge.model import Organisation, load_microcredential
from edubadge.parsing import MAX_DEPTH, MAX_DOCUMENT_BYTES, parse_json

from .shared import ROOT

KEY = keys.from_seed(b"\x21" * 32)
PROFILE = Organisation.model_validate(
    {"id": KEY.controller, "name": "Example University", "country": "BE"}
)


def _signed() -> dict[str, Any]:
    record = json.loads((ROOT / "examples" / "microcredential.json").read_text("utf-8"))
    return Issuer(PROFILE, KEY).issue(load_microcredential(record))


def test_injected_context_is_refused() -> None:
    signed = _signed()
    signed["@context"].append("https://attacker.example/context.jsonld")
    result = edubadge.verify(signed)
    assert not result.verified
    assert "unknown context" in result.check("context").problems[0].detail


def test_protected_term_redefinition_is_refused() -> None:
    signed = _signed()
    signed["@context"].append({"OpenBadgeCredential": "https://attacker.example/Other"})
    lenient = edubadge.verify(signed, allow_inline_contexts=True)
    assert not lenient.verified
    assert "protected term redefinition" in lenient.check("proof").problems[0].detail
    assert not edubadge.verify(signed).check("context").passed


def test_renamed_property_with_inline_context_is_refused() -> None:
    """Same quads, different JSON: `name` renamed and mapped back by an inline context."""
    signed = _signed()
    forged = copy.deepcopy(signed)
    forged["@context"] = [*signed["@context"], {"title": "https://schema.org/name"}]
    forged["title"] = forged.pop("name")
    assert edubadge.verify(forged, allow_inline_contexts=True).verified  # the attack works
    result = edubadge.verify(forged)  # the defence
    assert not result.verified
    inline = len(signed["@context"])  # the inline context comes after the signed ones
    assert result.check("context").problems[0].path == f"$['@context'][{inline}]"


def test_relative_id_with_inline_base_is_refused() -> None:
    signed = _signed()
    forged = copy.deepcopy(signed)
    achievement = forged["credentialSubject"]["achievement"]
    base, _, last = achievement["id"].rpartition("/")
    forged["@context"] = [*signed["@context"], {"@base": base + "/"}]
    achievement["id"] = last
    assert edubadge.verify(forged, allow_inline_contexts=True).verified  # the attack works
    assert not edubadge.verify(forged).verified


def test_vocab_trick_is_refused() -> None:
    signed = _signed()
    forged = copy.deepcopy(signed)
    forged["@context"] = [*signed["@context"], {"@vocab": "https://attacker.example/#"}]
    forged["credentialSubject"]["grade"] = "A+"
    assert not edubadge.verify(forged).verified
    assert not edubadge.verify(forged, allow_inline_contexts=True).verified  # new quads


def test_keyword_aliases_are_refused() -> None:
    """`@type` instead of `type`: the same quads, but JSON readers see no type at all."""
    signed = _signed()
    forged = copy.deepcopy(signed)
    subject = forged["credentialSubject"]
    subject["@type"] = subject.pop("type")
    result = edubadge.verify(forged)
    assert result.check("proof").passed  # the attack keeps the signature valid...
    assert not result.verified  # ...and the data-model check stops it
    assert any(
        p.path == "$.credentialSubject['@type']" for p in result.check("data-model").problems
    )


def test_ob3_type_must_be_an_array() -> None:
    signed = _signed()
    forged = copy.deepcopy(signed)
    forged["credentialSubject"]["achievement"]["type"] = "Achievement"
    result = edubadge.verify(forged)
    assert result.check("proof").passed and not result.verified
    assert result.check("data-model").problems[0].path == "$.credentialSubject.achievement.type"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"a": 1, "a": 2}', "duplicate JSON key"),
        (b'{"a": "\xff"}', "not UTF-8"),
        (b'{"a": 1e400}', "out of range"),
        (b'{"a": 12345678901234567890}', "outside"),
        (b'{"a": NaN}', "not JSON"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nested"),
        (b'{"a": "' + b"x" * MAX_DOCUMENT_BYTES + b'"}', "larger than"),
    ],
)
def test_hostile_json_is_refused(raw: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_json(raw)
    result = edubadge.verify(raw)
    assert (
        result.check("parse").outcome == "failed"
        and message.split()[0] in result.problems[0].detail
    )


def test_hostile_values_in_a_dict_are_refused() -> None:
    for value in (2**60, float("inf")):
        assert edubadge.verify({"a": value}).check("parse").outcome == "failed"
    deep: Any = "x"
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    assert edubadge.verify({"a": deep}).check("parse").outcome == "failed"


def poison_graph(nodes: int) -> dict[str, Any]:
    """Blank nodes that all look alike and all link to each other: RDFC-1.0's worst case."""
    context = {"@vocab": "https://example.org/#"}
    graph = [
        {"@id": f"_:b{i}", "link": [{"@id": f"_:b{j}"} for j in range(nodes) if j != i]}
        for i in range(nodes)
    ]
    return {"@context": context, "@graph": graph}


def test_poison_graph_is_refused_with_a_typed_error() -> None:
    with pytest.raises(ResourceLimitError):
        rdfc(poison_graph(12))


def test_legitimate_blank_nodes_still_canonicalise() -> None:
    document = {
        "@context": {"@vocab": "https://example.org/#"},
        "item": [{"n": i} for i in range(200)],
    }
    assert rdfc(document).count("_:c14n") >= 200
