"""Hypothesis over selective disclosure (ecdsa-sd-2023) and presentations.

A derived credential reveals exactly what the holder selected plus what the issuer made
mandatory (and the `id`/`type` of the objects on the way), verifies, and any single edit of
it is rejected; a presentation verifies only for its own challenge and domain and rejects
any single edit.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import edubadge
from edubadge.issuer import Issuer
from edubadge.model import MicroCredential, Organisation
from edubadge.proofs.pointers import parse_pointer

from .strategies import key_from_seed, microcredentials, organisations
from .test_properties import _edit, _locations

NOW = datetime(2041, 6, 1, tzinfo=UTC)
seeds = st.binary(min_size=32, max_size=32)
STRUCTURE = ("@context", "id", "type")  # what a selection keeps on the way to each value


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _pointers(value: Any, prefix: str = "") -> list[str]:
    """Pointers to every object member and every object in an array, below the root."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("@context", "proof"):
                continue
            pointer = f"{prefix}/{_escape(key)}"
            found.append(pointer)
            found += _pointers(item, pointer)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                pointer = f"{prefix}/{index}"
                found.append(pointer)
                found += _pointers(item, pointer)
    return found


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], Any]:
    """Every scalar (and empty container) by its path; `@context` counted as one value."""
    if isinstance(value, dict) and value:
        found: dict[tuple[Any, ...], Any] = {}
        for key, item in value.items():
            if key == "@context":
                found[(*path, key)] = item
            else:
                found.update(_leaves(item, (*path, key)))
        return found
    if isinstance(value, list) and value:
        found = {}
        for index, item in enumerate(value):
            found.update(_leaves(item, (*path, index)))
        return found
    return {path: value}


def _unindexed(leaves: dict[tuple[Any, ...], Any]) -> Counter[tuple[tuple[str, ...], str]]:
    return Counter(
        (tuple(k for k in path if isinstance(k, str)), json.dumps(value, sort_keys=True))
        for path, value in leaves.items()
    )


def _resolve(document: Any, tokens: list[str | int]) -> Any:
    for token in tokens:
        document = document[token] if isinstance(document, list) else document[str(token)]
    return document


def _revealed_by(path: tuple[Any, ...], pointers: list[list[str | int]], original: Any) -> bool:
    """True when a leaf of the original is one the pointers reveal or one a selection keeps."""
    for tokens in pointers:
        if list(path[: len(tokens)]) == [str(t) if isinstance(t, str) else t for t in tokens]:
            return True  # at or below a selected value
    for tokens in pointers:
        for depth in range(len(tokens) + 1):
            above = list(tokens[:depth])
            if list(path[:depth]) == above and len(path) > depth and path[depth] in STRUCTURE:
                holder = _resolve(original, above)
                if isinstance(holder, dict) and path[depth] in holder:
                    return True  # the id/type of an object on the way
    return False


def _issue_sd(
    record: MicroCredential, profile: Organisation, seed: bytes, mandatory: list[str]
) -> dict[str, Any]:
    key = key_from_seed("P-256", seed)
    issuer = Issuer(profile.model_copy(update={"id": key.controller}), key, suite="ecdsa-sd-2023")
    return issuer.issue(record, micro_credential=False, options={"mandatoryPointers": mandatory})


@settings(max_examples=25)
@given(microcredentials(), organisations(), seeds, st.data())
def test_a_disclosure_reveals_exactly_the_selected_and_mandatory_values(
    record: MicroCredential, profile: Organisation, seed: bytes, data: st.DataObject
) -> None:
    key = key_from_seed("P-256", seed)
    unsigned = Issuer(profile.model_copy(update={"id": key.controller}), key).credential(
        record, micro_credential=False
    )
    candidates = _pointers(unsigned)
    mandatory = ["/issuer", *data.draw(st.lists(st.sampled_from(candidates), max_size=2))]
    subject = [p for p in candidates if p.startswith("/credentialSubject/")]
    selective = [
        data.draw(st.sampled_from(subject)),  # a credential needs a subject to be one
        *data.draw(st.lists(st.sampled_from(candidates), max_size=3)),
    ]
    base = _issue_sd(record, profile, seed, mandatory)
    derived = edubadge.derive(base, selective)
    result = edubadge.verify(derived, now=NOW)
    assert result.verified, result.to_dict()
    original = {k: v for k, v in base.items() if k != "proof"}
    shown = _leaves({k: v for k, v in derived.items() if k != "proof"})
    parsed = [parse_pointer(p) for p in mandatory + selective]
    expected = {
        path: value
        for path, value in _leaves(original).items()
        if _revealed_by(path, parsed, original)
    }
    # selected arrays are made dense, so compare values by their paths without array indexes
    assert _unindexed(shown) == _unindexed(expected)
    for pointer in parsed:  # every selected value is there (arrays aside), unchanged
        if not any(isinstance(token, int) for token in pointer):
            assert _resolve(derived, pointer) == _resolve(original, pointer)


@settings(max_examples=25)
@given(microcredentials(), organisations(), seeds, st.data())
def test_any_single_edit_of_a_disclosure_is_rejected(
    record: MicroCredential, profile: Organisation, seed: bytes, data: st.DataObject
) -> None:
    base = _issue_sd(record, profile, seed, ["/issuer", "/validFrom"])
    derived = edubadge.derive(
        base,
        [
            "/credentialSubject/type",
            *data.draw(st.lists(st.sampled_from(_pointers(base)), max_size=3)),
        ],
    )
    location = data.draw(st.sampled_from(_locations(derived)))
    action = data.draw(st.sampled_from(["change", "remove", "add"]))
    edited = _edit(derived, location, action)
    if edited == derived:
        return
    assert not edubadge.verify(edited, now=NOW).verified, (location, action)


@settings(max_examples=25)
@given(microcredentials(), organisations(), seeds, seeds, st.data())
def test_a_presentation_holds_only_for_its_challenge_and_domain_and_unedited(
    record: MicroCredential,
    profile: Organisation,
    issuer_seed: bytes,
    holder_seed: bytes,
    data: st.DataObject,
) -> None:
    key = key_from_seed(data.draw(st.sampled_from(["Ed25519", "P-256"])), issuer_seed)
    suite = "eddsa-rdfc-2022" if key.algorithm == "Ed25519" else "ecdsa-rdfc-2019"
    issuer = Issuer(profile.model_copy(update={"id": key.controller}), key, suite=suite)
    credential = issuer.issue(record, micro_credential=False)
    holder = key_from_seed(data.draw(st.sampled_from(["Ed25519", "P-256", "P-384"])), holder_seed)
    holder_suite = "eddsa-jcs-2022" if holder.algorithm == "Ed25519" else "ecdsa-jcs-2019"
    challenge = data.draw(st.text(min_size=1, max_size=20))
    vp = edubadge.present(
        [credential], holder, challenge=challenge, domain="https://v.example", suite=holder_suite
    )
    result = edubadge.verify_presentation(
        vp, challenge=challenge, domain="https://v.example", now=NOW
    )
    assert result.verified, result.to_dict()
    other = edubadge.verify_presentation(
        vp, challenge=challenge + "x", domain="https://v.example", now=NOW
    )
    assert [p.kind for p in other.problems] == ["INVALID_CHALLENGE_ERROR"]
    location = data.draw(st.sampled_from(_locations(vp)))
    edited = _edit(vp, location, data.draw(st.sampled_from(["change", "remove", "add"])))
    if edited != vp:
        again = edubadge.verify_presentation(
            edited, challenge=challenge, domain="https://v.example", now=NOW
        )
        assert not again.verified, location
