"""The five EDCI-sealed samples of ../shared/vectors/edc: signatures, references, certificates."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import edubadge
from edubadge.envelopes import verify_seal
from edubadge.envelopes.certificates import issuer_serial, thumbprint
from edubadge.envelopes.jades import parse_envelope
from edubadge.jsonld.loader import DocumentLoader

from .shared import load, require_shared

EXAMPLES = "vectors/edc/examples/"
SEALED = (
    "edci-jades/credential-signed.jsonld",
    "edci-jades/json_sealed_advanced.json",
    "edci-jades/json_to_seal-signed-jades-baseline-lta.json",
    "elm-v3/Sample-CertOfPart-signed.jsonld",
    "elm-v3/Sample-MC-Annex1-signed.jsonld",
)
EDC_AP = "http://data.europa.eu/snb/model/context/edc-ap"
NOW = datetime(2026, 6, 1, tzinfo=UTC)  # after every sample certificate expired


def _raw(name: str) -> bytes:
    return (require_shared() / EXAMPLES / name).read_bytes()


def _summary(name: str) -> dict[str, Any]:
    summary: dict[str, Any] = load(EXAMPLES + "JADES-SIGNATURES.json")["files"][name]
    return summary


@pytest.mark.parametrize("name", SEALED)
def test_edci_samples_verify_at_signature_level_and_report_expired_certificates(
    name: str,
) -> None:
    result = verify_seal(_raw(name), now=NOW)
    signature = result.check("jades-signature")
    assert signature.passed, signature.problems
    assert result.check("jades-signing-time").passed
    kinds = [p.kind for p in result.check("jades-certificate").problems]
    assert "CERTIFICATE_EXPIRED" in kinds and "CERTIFICATE_UNTRUSTED" in kinds
    expired = next(p for p in result.problems if p.kind == "CERTIFICATE_EXPIRED")
    assert expired.title == "Certificate Expired" and expired.path is not None
    assert expired.type == "https://w3id.org/edubadge/problems#CERTIFICATE_EXPIRED"
    not_after = _summary(name)["signatures"][0]["x5c0_validity"][1]
    assert datetime.fromisoformat(not_after).isoformat() in expired.detail
    assert not result.verified
    # the same seal while its certificate was valid: only the missing trust anchor remains
    signed_at = result.signing_time
    assert signed_at is not None
    then = verify_seal(_raw(name), now=signed_at)
    assert [p.kind for p in then.problems] == ["CERTIFICATE_UNTRUSTED"]


@pytest.mark.parametrize("name", SEALED)
def test_edci_signing_certificate_references_are_byte_exact(name: str) -> None:
    """kid is the DER IssuerSerial and x5t#S256 the digest of x5c[0], as our seal writes them."""
    envelope = parse_envelope(_raw(name))
    leaf = envelope.certificates[0]
    assert base64.b64encode(issuer_serial(leaf)).decode() == envelope.header["kid"]
    assert thumbprint(leaf) == envelope.header["x5t#S256"]
    summary = _summary(name)["signatures"][0]
    assert envelope.header["sigT"] == summary["protected_header"]["sigT"]
    assert envelope.header["crit"] == summary["protected_header"]["crit"]


def test_a_real_chain_validates_against_its_root_while_valid() -> None:
    """json_sealed_advanced carries leaf, intermediate and the ANF root in x5c."""
    raw = _raw("edci-jades/json_sealed_advanced.json")
    certificates = parse_envelope(raw).certificates
    root = certificates[2]
    then = verify_seal(raw, trust_anchors=[root], now=datetime(2022, 8, 1, tzinfo=UTC))
    assert then.verified and then.chain == certificates
    now = verify_seal(raw, trust_anchors=[root], now=NOW)
    kinds = [p.kind for p in now.check("jades-certificate").problems]
    assert kinds == ["CERTIFICATE_EXPIRED", "CERTIFICATE_EXPIRED"]  # leaf and intermediate
    other = parse_envelope(_raw("elm-v3/Sample-MC-Annex1-signed.jsonld")).certificates[0]
    untrusted = verify_seal(raw, trust_anchors=[other], now=datetime(2022, 8, 1, tzinfo=UTC))
    assert [p.kind for p in untrusted.problems] == ["CERTIFICATE_UNTRUSTED"]


@given(st.sampled_from(SEALED), st.data())
def test_one_changed_byte_of_an_edci_sample_fails(name: str, data: st.DataObject) -> None:
    envelope = json.loads(_raw(name))
    if data.draw(st.booleans(), label="payload"):
        text = envelope["payload"]
        i = data.draw(st.integers(0, len(text) - 1))
        new = data.draw(
            st.characters(min_codepoint=32, max_codepoint=126).filter(lambda c: c != text[i])
        )
        envelope["payload"] = text[:i] + new + text[i + 1 :]
    else:
        protected = envelope["signatures"][0]["protected"]
        header = bytearray(base64.urlsafe_b64decode(protected + "=" * (-len(protected) % 4)))
        i = data.draw(st.integers(0, len(header) - 1))
        header[i] = data.draw(st.integers(0, 255).filter(lambda b: b != header[i]))
        envelope["signatures"][0]["protected"] = (
            base64.urlsafe_b64encode(header).rstrip(b"=").decode()
        )
    result = verify_seal(envelope, now=NOW)
    assert result.check("jades-signature").outcome == "failed"


def _edc_loader() -> DocumentLoader:
    return DocumentLoader()  # edc-ap is bundled


@pytest.mark.parametrize(
    "name", ["elm-v3/Sample-CertOfPart-signed.jsonld", "elm-v3/Sample-MC-Annex1-signed.jsonld"]
)
def test_verify_runs_the_seal_checks_then_the_payload_checks(name: str) -> None:
    result = edubadge.verify(_raw(name), loader=_edc_loader(), now=NOW)
    assert [c.id for c in result.checks] == [
        "parse",
        "jades-signature",
        "jades-certificate",
        "jades-signing-time",
        "context",
        "data-model",
        "validity",
    ]
    outcomes = {c.id: c.outcome for c in result.checks}
    assert outcomes == {
        "parse": "passed",
        "jades-signature": "passed",
        "jades-certificate": "failed",
        "jades-signing-time": "passed",
        "context": "passed",  # VC 1.1 + edc-ap (bundled), with the legacy warning
        "data-model": "passed",  # a VC 1.1 EDC is a valid credential
        "validity": "passed",
    }
    assert "CERTIFICATE_EXPIRED" in [p.kind for p in result.problems]
    assert not result.verified
    data = result.to_dict()
    assert data["credential"]["id"] == json.loads(json.loads(_raw(name))["payload"])["id"]


@pytest.mark.parametrize("name", SEALED)
def test_verify_reports_every_sample_at_signature_level(name: str) -> None:
    result = edubadge.verify(json.loads(_raw(name)), now=NOW)
    assert result.check("jades-signature").passed
    assert "CERTIFICATE_EXPIRED" in [p.kind for p in result.check("jades-certificate").problems]
    assert not result.verified
