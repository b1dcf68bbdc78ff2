"""`edubadge.verify()` on JAdES envelopes: the seal checks replace the proof checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import edubadge
from edubadge import keys
from edubadge.envelopes import seal
from edubadge.envelopes.testing import make_test_material
from edubadge.issuer import Issuer
from edubadge.jsonld.loader import DocumentLoader
from edubadge.model import Organisation, load_microcredential
from edubadge.verifier import SEALED_CHECK_IDS

from .shared import ROOT, load

SEALING, ROOT_CA = make_test_material(
    "ES256", not_before=datetime(2024, 1, 1, tzinfo=UTC), not_after=datetime(2040, 1, 1, tzinfo=UTC)
)
NOW = datetime(2035, 1, 1, tzinfo=UTC)
SIGNED_AT = datetime(2034, 6, 1, tzinfo=UTC)
EDC_AP = "http://data.europa.eu/snb/model/context/edc-ap"


def _credential() -> dict[str, Any]:
    """An unsigned OB 3.0 credential (VC 2.0): the seal is its only security."""
    key = keys.from_seed(b"\x07" * 32)
    profile = Organisation.model_validate(
        {"id": key.controller, "name": "Example", "country": "BE"}
    )
    record = load_microcredential(
        json.loads((ROOT / "examples" / "microcredential.json").read_text("utf-8"))
    )
    return Issuer(profile, key).credential(record)


def _sealed(document: dict[str, Any]) -> dict[str, Any]:
    return seal(document, SEALING, algorithm="ES256", signing_time=SIGNED_AT)


def test_a_sealed_credential_verifies_with_its_trust_anchor(tmp_path: Path) -> None:
    envelope = _sealed(_credential())
    path = tmp_path / "sealed.json"
    path.write_text(json.dumps(envelope))
    for form in (envelope, json.dumps(envelope), json.dumps(envelope).encode(), path):
        result = edubadge.verify(form, trust_anchors=[ROOT_CA], now=NOW)
        assert result.verified, result.to_dict()
        assert [c.id for c in result.checks] == list(SEALED_CHECK_IDS)
        assert all(c.outcome == "passed" for c in result.checks)


def test_without_trust_anchors_a_seal_is_not_trusted() -> None:
    result = edubadge.verify(_sealed(_credential()), now=NOW)
    assert not result.verified
    assert result.check("jades-signature").passed
    assert [p.kind for p in result.check("jades-certificate").problems] == ["CERTIFICATE_UNTRUSTED"]


def test_the_payload_checks_still_run() -> None:
    credential = _credential()
    del credential["issuer"]
    credential["validUntil"] = "2034-01-01T00:00:00Z"
    result = edubadge.verify(_sealed(credential), trust_anchors=[ROOT_CA], now=NOW)
    assert result.check("jades-signature").passed and result.check("jades-certificate").passed
    assert result.check("data-model").outcome == "failed"
    assert result.check("validity").problems[0].kind == "EXPIRED"
    assert not result.verified


def test_a_sealed_vc11_edc_verifies() -> None:
    """EDCI's Annex I credential (VC 1.1 + edc-ap), resealed by us, passes every check."""
    edci = load("vectors/edc/examples/elm-v3/Sample-MC-Annex1-signed.jsonld")
    document = json.loads(edci["payload"])
    loader = DocumentLoader()  # edc-ap is bundled
    result = edubadge.verify(_sealed(document), loader=loader, trust_anchors=[ROOT_CA], now=NOW)
    assert result.verified, result.to_dict()
    assert result.check("context").warnings  # the legacy VC 1.1 context
    assert result.to_dict()["credential"]["id"] == document["id"]


def test_a_sealed_payload_that_is_not_an_object_is_a_parse_failure() -> None:
    envelope = seal({"a": 1}, SEALING, algorithm="ES256", signing_time=SIGNED_AT)
    envelope["payload"] = "[1]"
    result = edubadge.verify(envelope, trust_anchors=[ROOT_CA], now=NOW)
    assert not result.verified
    assert result.check("parse").problems[0].kind == "PARSING_ERROR"
    assert all(c.outcome == "skipped" for c in result.checks[1:])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(st.sampled_from(["payload", "protected", "signature", "header", "signatures"]), json_values)
def test_verify_never_raises_on_a_damaged_envelope(member: str, value: Any) -> None:
    envelope = _sealed({"a": 1})
    if member == "signatures":
        envelope["signatures"] = value
    elif member == "payload":
        envelope["payload"] = value
    else:
        envelope["signatures"][0][member] = value
    result = edubadge.verify(envelope, trust_anchors=[ROOT_CA], now=NOW)
    assert not result.verified
