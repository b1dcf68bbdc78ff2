"""The verification pipeline: named checks, ProblemDetails, never raises, offline."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import edubadge
from edubadge import keys
from edubadge.issuer import Issuer
from edubadge.model import Organisation, load_microcredential
from edubadge.verifier import CHECK_IDS

from .shared import ROOT

KEY = keys.from_seed(b"\x09" * 32)
PROFILE = Organisation.model_validate(
    {"id": KEY.controller, "name": "Example University", "country": "BE"}
)


def _record(**changes: Any) -> Any:
    data = json.loads((ROOT / "examples" / "microcredential.json").read_text("utf-8"))
    data.update(changes)
    return load_microcredential(data)


def _signed(**changes: Any) -> dict[str, Any]:
    return Issuer(PROFILE, KEY).issue(_record(**changes))


def test_result_lists_every_named_check() -> None:
    result = edubadge.verify(_signed())
    assert result.verified
    assert [c.id for c in result.checks] == list(CHECK_IDS)
    data = result.to_dict()
    assert data["verified"] is True and data["problems"] == []
    assert data["credential"]["issuer"] == KEY.controller


def test_problems_are_problem_details() -> None:
    signed = _signed()
    signed["name"] = "Forged"
    data = edubadge.verify(signed).to_dict()
    assert data["verified"] is False
    problem = data["problems"][0]
    assert problem["type"] == "https://w3id.org/security#PROOF_VERIFICATION_ERROR"
    assert (
        problem["code"] == -17
        and problem["title"]
        and problem["detail"]
        and problem["check"] == "proof"
    )


def test_unsigned_credential_is_never_verified() -> None:
    unsigned = Issuer(PROFILE, KEY).credential(_record())
    result = edubadge.verify(unsigned)
    assert not result.verified
    assert "not signed" in result.check("proof").problems[0].detail


def test_validity_window() -> None:
    signed = _signed(issued="2030-01-01T00:00:00Z")
    early = edubadge.verify(signed, now=datetime(2029, 1, 1, tzinfo=UTC))
    assert not early.verified and early.check("validity").problems[0].title == "Not Yet Valid"
    assert edubadge.verify(signed, now=datetime(2031, 1, 1, tzinfo=UTC)).verified


def test_all_checks_run_even_after_a_failure() -> None:
    signed = _signed()
    del signed["issuer"]
    result = edubadge.verify(signed)
    failed = {c.id for c in result.checks if c.outcome == "failed"}
    assert {"data-model", "proof"} <= failed
    assert result.check("validity").outcome == "passed"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"a": 1, "a": 2}',
        b'{"x": NaN}',
        b"[" * 5000,
        "{" * 100 + "}" * 100,
        42,
        None,
        b"null",
    ],
)
def test_bad_input_is_a_parse_problem_not_an_exception(raw: Any) -> None:
    result = edubadge.verify(raw)
    assert not result.verified
    assert result.check("parse").outcome == "failed"
    assert all(c.outcome == "skipped" for c in result.checks[1:])


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
        max_leaves=20,
    )
)
def test_verify_never_raises_on_json(value: Any) -> None:
    assert edubadge.verify(json.dumps(value)).verified is False


@given(st.binary(max_size=200))
def test_verify_never_raises_on_bytes(data: bytes) -> None:
    assert edubadge.verify(data).verified is False


def test_issue_and_verify_with_networking_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        signed = Issuer(PROFILE, KEY, suite=suite).issue(_record())
        assert edubadge.verify(signed).verified
