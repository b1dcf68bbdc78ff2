"""Hypothesis over generated credentials: sign-then-verify holds, any single edit is rejected."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import edubadge
from edubadge.issuer import Issuer
from edubadge.model import MicroCredential, Organisation

from .strategies import key_from_seed, microcredentials, organisations

# (suite, key type): every suite that signs a whole credential, with each key type it takes
SUITES = (
    ("eddsa-rdfc-2022", "Ed25519"),
    ("eddsa-jcs-2022", "Ed25519"),
    ("ecdsa-rdfc-2019", "P-256"),
    ("ecdsa-rdfc-2019", "P-384"),
    ("ecdsa-jcs-2019", "P-256"),
    ("ecdsa-jcs-2019", "P-384"),
    ("Ed25519Signature2020", "Ed25519"),
)
NOW = datetime(2041, 6, 1, tzinfo=UTC)  # after every generated issue date
suites = st.sampled_from(SUITES)
seeds = st.binary(min_size=32, max_size=32)


def _issuer(profile: Organisation, seed: bytes, suite: tuple[str, str]) -> Issuer:
    name, kind = suite
    key = key_from_seed(kind, seed)
    return Issuer(profile.model_copy(update={"id": key.controller}), key, suite=name)


def _issue(
    record: MicroCredential, profile: Organisation, seed: bytes, suite: tuple[str, str]
) -> dict[str, Any]:
    return _issuer(profile, seed, suite).issue(record, micro_credential=False)


@given(microcredentials(), organisations(), seeds, suites)
def test_issued_credentials_verify(
    record: MicroCredential, profile: Organisation, seed: bytes, suite: tuple[str, str]
) -> None:
    credential = _issue(record, profile, seed, suite)
    result = edubadge.verify(credential, now=NOW)
    assert result.verified, result.to_dict()
    outcomes = {c.id: c.outcome for c in result.checks}
    assert outcomes.pop("status") == "skipped"  # issued without status entries
    assert list(outcomes.values()) == ["passed"] * 6


def _locations(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path and array index below the root (the @context entries included)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*path, key))
            found += _locations(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((*path, index))
            found += _locations(item, (*path, index))
    return found


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, list):
        return [*value, "extra"]
    return {**value, "name": "extra"}


def _edit(document: dict[str, Any], location: tuple[Any, ...], action: str) -> dict[str, Any]:
    edited = copy.deepcopy(document)
    parent = edited
    for step in location[:-1]:
        parent = parent[step]
    last = location[-1]
    if action == "change":
        parent[last] = _changed(parent[last])
    elif action == "remove":
        del parent[last]
    elif isinstance(parent, list):  # add next to an array item
        parent.insert(last, "added" if isinstance(parent[last], str) else _changed(parent[last]))
    else:  # add a sibling member
        target = parent[last] if isinstance(parent[last], dict) else parent
        target["description" if "description" not in target else "addedTerm"] = "added"
    return edited


@settings(max_examples=60)
@given(microcredentials(), organisations(), seeds, suites, st.data())
def test_any_single_edit_is_rejected(
    record: MicroCredential,
    profile: Organisation,
    seed: bytes,
    suite: tuple[str, str],
    data: st.DataObject,
) -> None:
    credential = _issue(record, profile, seed, suite)
    location = data.draw(st.sampled_from(_locations(credential)))
    action = data.draw(st.sampled_from(["change", "remove", "add"]))
    edited = _edit(credential, location, action)
    if edited == credential:
        return
    result = edubadge.verify(edited, now=NOW)
    assert not result.verified, (location, action)


@given(
    microcredentials(),
    organisations(),
    seeds,
    suites,
    st.from_regex(r"[a-z][a-zA-Z]{3,10}Term", fullmatch=True),
)
def test_an_undefined_term_is_refused_at_signing(
    record: MicroCredential, profile: Organisation, seed: bytes, suite: tuple[str, str], term: str
) -> None:
    issuer = _issuer(profile, seed, suite)
    credential = issuer.credential(record, micro_credential=False)
    credential["credentialSubject"][term] = "value"
    try:
        issuer.sign(credential)
    except edubadge.errors.UnsafeTermError as error:
        assert error.term == term and error.path == f"$.credentialSubject.{term}"
    else:
        raise AssertionError("an undefined term was signed")
