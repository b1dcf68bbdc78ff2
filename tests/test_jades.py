"""JAdES seals: EDCI's header shape, round trips, tampering, refusals, certificates and time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from cryptography import x509
from hypothesis import given
from hypothesis import strategies as st
from jwcrypto.jwa import JWA
from jwcrypto.jwk import JWK

from edubadge.envelopes import ALGORITHMS, SealingMaterial, is_jades, seal, verify_seal
from edubadge.envelopes.certificates import der
from edubadge.envelopes.jades import parse_envelope
from edubadge.envelopes.testing import make_test_material
from edubadge.errors import InputError, KeyFormatError

START = datetime(2030, 1, 1, tzinfo=UTC)
END = datetime(2032, 1, 1, tzinfo=UTC)
DURING = datetime(2031, 1, 1, tzinfo=UTC)
LAST_DAY = datetime(2031, 12, 31, tzinfo=UTC)  # after every generated signing time
DOCUMENT = {"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "Grüße 🎓", "n": [1, 2.5]}


@cache
def material(algorithm: str) -> tuple[SealingMaterial, x509.Certificate]:
    """One test PKI per algorithm, valid from START to END."""
    return make_test_material(algorithm, not_before=START, not_after=END)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _header(envelope: dict[str, Any]) -> dict[str, Any]:
    protected = envelope["signatures"][0]["protected"]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(protected + "=" * 3))
    return decoded


def _resealed(
    envelope: dict[str, Any], header: dict[str, Any], key: Any, algorithm: str = "RS256"
) -> dict[str, Any]:
    """The envelope with another protected header, correctly signed with `key`."""
    protected = _b64url(json.dumps(header).encode())
    signing_input = protected.encode() + b"." + envelope["payload"].encode()
    signature = JWA.signing_alg(algorithm).sign(JWK.from_pyca(key), signing_input)
    return {
        "payload": envelope["payload"],
        "signatures": [{"protected": protected, "signature": _b64url(signature)}],
    }


def _kinds(result: Any, check_id: str) -> list[str]:
    return [p.kind for p in result.check(check_id).problems]


# --- the header EDCI writes ----------------------------------------------------------------


def test_seal_writes_edci_protected_header() -> None:
    sealing, _ = material("RS256")
    envelope = seal(DOCUMENT, sealing, signing_time=DURING)
    assert list(envelope) == ["payload", "signatures"]
    assert json.loads(envelope["payload"]) == DOCUMENT
    header = _header(envelope)
    # EDCI's order and values (Sample-MC-Annex1-signed without its B-LTA timestamp adoTst)
    assert list(header) == ["alg", "cty", "kid", "x5t#S256", "x5c", "typ", "b64", "sigT", "crit"]
    assert header["alg"] == "RS256" and header["typ"] == "jose+json"
    assert header["cty"] == "octet-stream" and header["b64"] is False
    assert header["crit"] == ["b64", "sigT"] and header["sigT"] == "2031-01-01T00:00:00Z"
    leaf = sealing.certificate
    assert header["x5c"] == [base64.b64encode(der(c)).decode() for c in sealing.certificate_chain]
    assert header["x5t#S256"] == _b64url(hashlib.sha256(der(leaf)).digest())
    kid = base64.b64decode(header["kid"])
    assert kid.startswith(b"\x30") and leaf.serial_number.to_bytes(20, "big").lstrip(b"\0") in kid


def test_seal_signs_the_unencoded_payload() -> None:
    """RFC 7797: the signing input is ASCII(protected) '.' the payload bytes themselves."""
    sealing, _ = material("RS256")
    envelope = seal(DOCUMENT, sealing)
    signature = base64.urlsafe_b64decode(envelope["signatures"][0]["signature"] + "==")
    signing_input = f"{envelope['signatures'][0]['protected']}.{envelope['payload']}".encode()
    public = sealing.certificate.public_key()
    JWA.signing_alg("RS256").verify(JWK.from_pyca(public), signing_input, signature)


# --- round trips and tampering (hypothesis) ------------------------------------------------

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**53 - 1), 2**53 - 1), st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
documents = st.dictionaries(st.text(max_size=12), json_values, min_size=1, max_size=6)
algorithms = st.sampled_from(ALGORITHMS)
signing_times = st.datetimes(
    min_value=datetime(2030, 1, 2), max_value=datetime(2031, 12, 30), timezones=st.just(UTC)
)


@given(documents, algorithms, signing_times)
def test_seal_then_verify_round_trips(
    document: dict[str, Any], algorithm: str, signed: datetime
) -> None:
    sealing, root = material(algorithm)
    envelope = seal(document, sealing, algorithm=algorithm, signing_time=signed)
    text = json.dumps(envelope)
    for form in (envelope, text, text.encode()):
        result = verify_seal(form, trust_anchors=[root], now=LAST_DAY)
        assert result.verified, [p.detail for p in result.problems]
        assert result.document == document
        assert result.signing_time == signed.replace(microsecond=0)
        assert result.chain[-1] == root


@given(documents, algorithms, st.data())
def test_one_changed_payload_character_fails(
    document: dict[str, Any], algorithm: str, data: st.DataObject
) -> None:
    sealing, root = material(algorithm)
    envelope = seal(document, sealing, algorithm=algorithm, signing_time=DURING)
    payload = envelope["payload"]
    i = data.draw(st.integers(0, len(payload) - 1))
    other = data.draw(st.characters(exclude_categories=("Cs",)).filter(lambda c: c != payload[i]))
    envelope["payload"] = payload[:i] + other + payload[i + 1 :]
    result = verify_seal(envelope, trust_anchors=[root], now=DURING)
    assert not result.verified
    assert _kinds(result, "jades-signature") == ["PROOF_VERIFICATION_ERROR"]


@given(algorithms, st.data())
def test_one_changed_header_byte_fails(algorithm: str, data: st.DataObject) -> None:
    sealing, root = material(algorithm)
    envelope = seal(DOCUMENT, sealing, algorithm=algorithm, signing_time=DURING)
    header = bytearray(json.dumps(_header(envelope), separators=(",", ":")).encode())
    assert _b64url(bytes(header)) == envelope["signatures"][0]["protected"]
    i = data.draw(st.integers(0, len(header) - 1))
    header[i] = data.draw(st.integers(0, 255).filter(lambda b: b != header[i]))
    envelope["signatures"][0]["protected"] = _b64url(bytes(header))
    result = verify_seal(envelope, trust_anchors=[root], now=DURING)
    assert not result.verified
    assert result.check("jades-signature").outcome == "failed"


@given(st.data())
def test_any_changed_envelope_character_fails(data: st.DataObject) -> None:
    """A change anywhere in the protected string or the signature string is caught too."""
    sealing, root = material("ES256")
    envelope = seal(DOCUMENT, sealing, algorithm="ES256", signing_time=DURING)
    member = data.draw(st.sampled_from(["protected", "signature"]))
    text = envelope["signatures"][0][member]
    i = data.draw(st.integers(0, len(text) - 1))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    envelope["signatures"][0][member] = (
        text[:i]
        + data.draw(st.sampled_from(alphabet).filter(lambda c: c != text[i]))
        + text[i + 1 :]
    )
    result = verify_seal(envelope, trust_anchors=[root], now=DURING)
    assert not result.verified and result.check("jades-signature").outcome == "failed"


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["none", "HS256", "HS512", "EdDSA", "RS1"])
def test_seal_refuses_algorithms_that_are_not_seal_algorithms(algorithm: str) -> None:
    with pytest.raises(InputError, match=r"refused|not supported"):
        seal(DOCUMENT, material("RS256")[0], algorithm=algorithm)


@pytest.mark.parametrize(
    ("algorithm", "key_algorithm"),
    [("ES256", "RS256"), ("RS256", "ES256"), ("PS256", "ES256"), ("ES256", "ES384")],
)
def test_seal_refuses_an_algorithm_that_does_not_fit_the_key(
    algorithm: str, key_algorithm: str
) -> None:
    with pytest.raises(KeyFormatError, match=f"this key seals with .*{key_algorithm}"):
        seal(DOCUMENT, material(key_algorithm)[0], algorithm=algorithm)


def test_verify_refuses_alg_none() -> None:
    sealing, root = material("RS256")
    envelope = seal(DOCUMENT, sealing, signing_time=DURING)
    forged = _resealed(envelope, {**_header(envelope), "alg": "none"}, sealing.key)
    forged["signatures"][0]["signature"] = ""
    result = verify_seal(forged, trust_anchors=[root], now=DURING)
    assert not result.verified and _kinds(result, "jades-signature") == ["UNSUPPORTED_ALGORITHM"]


def test_verify_refuses_hmac_keyed_with_the_public_certificate() -> None:
    """The classic confusion: an HMAC 'signature' keyed with the (public) certificate."""
    sealing, root = material("RS256")
    envelope = seal(DOCUMENT, sealing, signing_time=DURING)
    protected = _b64url(json.dumps({**_header(envelope), "alg": "HS256"}).encode())
    signing_input = protected.encode() + b"." + envelope["payload"].encode()
    tag = hmac.new(der(sealing.certificate), signing_input, hashlib.sha256).digest()
    forged = {
        "payload": envelope["payload"],
        "signatures": [{"protected": protected, "signature": _b64url(tag)}],
    }
    result = verify_seal(forged, trust_anchors=[root], now=DURING)
    assert not result.verified and _kinds(result, "jades-signature") == ["UNSUPPORTED_ALGORITHM"]


@pytest.mark.parametrize(("claimed", "real"), [("ES256", "RS256"), ("RS256", "ES256")])
def test_verify_refuses_an_alg_that_does_not_fit_the_certificate(claimed: str, real: str) -> None:
    sealing, root = material(real)
    envelope = seal(DOCUMENT, sealing, algorithm=real, signing_time=DURING)
    forged = _resealed(envelope, {**_header(envelope), "alg": claimed}, sealing.key, real)
    result = verify_seal(forged, trust_anchors=[root], now=DURING)
    assert not result.verified
    problem = result.check("jades-signature").problems[0]
    assert problem.kind == "PROOF_VERIFICATION_ERROR" and "does not fit" in problem.detail


def test_another_key_cannot_seal_in_the_certificates_name() -> None:
    sealing, root = material("RS256")
    intruder, _ = make_test_material("RS256", not_before=START, not_after=END)
    envelope = seal(DOCUMENT, sealing, signing_time=DURING)
    forged = _resealed(envelope, _header(envelope), intruder.key)
    result = verify_seal(forged, trust_anchors=[root], now=DURING)
    assert _kinds(result, "jades-signature") == ["PROOF_VERIFICATION_ERROR"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"crit": ["b64", "sigT", "sigD"], "sigD": {}}, "'sigD' is not understood"),
        ({"crit": ["sigT"]}, "b64 is present but not listed in crit"),
        ({"crit": ["b64"]}, "sigT is present but not listed in crit"),
        ({"crit": ["b64", "sigT", "adoTst"]}, "'adoTst' is listed in crit but absent"),
        ({"x5t#S256": _b64url(b"\0" * 32)}, "x5t#S256 is not the digest of x5c[0]"),
        ({"x5t#S256": None}, "x5t#S256 is missing"),
        ({"x5c": None}, "x5c is missing"),
        ({"x5c": ["bm90IGEgY2VydGlmaWNhdGU="]}, "x5c[0] is not a base64 DER certificate"),
        ({"x5c": "MIIB"}, "x5c must be a non-empty array"),
    ],
)
def test_malformed_jades_headers_fail_the_signature_check(
    change: dict[str, Any], message: str
) -> None:
    sealing, root = material("RS256")
    envelope = seal(DOCUMENT, sealing, signing_time=DURING)
    header = {k: v for k, v in {**_header(envelope), **change}.items() if v is not None}
    result = verify_seal(_resealed(envelope, header, sealing.key), trust_anchors=[root], now=DURING)
    assert not result.verified
    details = [p.detail for p in result.check("jades-signature").problems]
    assert any(message in d for d in details), details


def test_kid_naming_another_certificate_fails() -> None:
    sealing, root = material("RS256")
    other, _ = material("ES256")
    envelope = seal(DOCUMENT, sealing, signing_time=DURING)
    wrong_kid = _header(seal(DOCUMENT, other, algorithm="ES256"))["kid"]
    forged = _resealed(envelope, {**_header(envelope), "kid": wrong_kid}, sealing.key)
    result = verify_seal(forged, trust_anchors=[root], now=DURING)
    assert [p.detail for p in result.check("jades-signature").problems] == [
        "kid names another certificate than x5c[0]"
    ]


@pytest.mark.parametrize(
    ("envelope", "where"),
    [
        ("not json", None),
        ({"payload": "{}", "signatures": []}, "$.signatures"),
        ({"payload": 1, "signatures": [{}]}, "$.payload"),
        ({"payload": "{}", "signatures": [{"protected": "e30=", "signature": ""}]}, "protected"),
        ({"payload": "{}", "signatures": [{"protected": "W10", "signature": ""}]}, "protected"),
        ({"payload": "e30", "signatures": [{"protected": "e30", "signature": "*"}]}, "signature"),
    ],
)
def test_malformed_envelopes_are_parsing_errors_not_exceptions(
    envelope: Any, where: str | None
) -> None:
    result = verify_seal(envelope)
    assert not result.verified and result.document is None
    problem = result.check("jades-signature").problems[0]
    assert problem.kind == "PARSING_ERROR"
    assert where is None or (problem.path is not None and where in problem.path)
    assert [c.outcome for c in result.checks[1:]] == ["skipped", "skipped"]


def test_is_jades() -> None:
    envelope = seal(DOCUMENT, material("ES256")[0], algorithm="ES256")
    assert (
        is_jades(envelope)
        and is_jades(json.dumps(envelope))
        and is_jades(json.dumps(envelope).encode())
    )
    flattened = {"payload": "{}", "protected": "e30", "signature": ""}
    assert is_jades(flattened)
    assert not is_jades(DOCUMENT) and not is_jades({**envelope, "@context": []})
    assert not is_jades("{") and not is_jades(b"\xff") and not is_jades(42)


def test_flattened_serialisation_verifies_too() -> None:
    sealing, root = material("ES256")
    envelope = seal(DOCUMENT, sealing, algorithm="ES256", signing_time=DURING)
    flattened = {"payload": envelope["payload"], **envelope["signatures"][0]}
    assert verify_seal(flattened, trust_anchors=[root], now=DURING).verified


# --- certificates and signing time -----------------------------------------------------------


def test_no_trust_anchors_is_a_clear_untrusted_failure() -> None:
    sealing, _ = material("RS256")
    result = verify_seal(seal(DOCUMENT, sealing, signing_time=DURING), now=DURING)
    assert result.check("jades-signature").passed and result.check("jades-signing-time").passed
    assert not result.verified and _kinds(result, "jades-certificate") == ["CERTIFICATE_UNTRUSTED"]
    assert "no trust anchors" in result.check("jades-certificate").problems[0].detail
    assert result.chain == ()


def test_another_root_does_not_anchor_the_seal() -> None:
    sealing, _ = material("RS256")
    _, other_root = material("ES256")
    result = verify_seal(
        seal(DOCUMENT, sealing, signing_time=DURING), trust_anchors=[other_root], now=DURING
    )
    assert _kinds(result, "jades-certificate") == ["CERTIFICATE_UNTRUSTED"]


def test_chain_through_an_intermediate() -> None:
    sealing, root = make_test_material("PS256", not_before=START, not_after=END, intermediate=True)
    assert len(sealing.certificate_chain) == 2
    envelope = seal(DOCUMENT, sealing, algorithm="PS256", signing_time=DURING)
    result = verify_seal(envelope, trust_anchors=[root], now=DURING)
    assert result.verified and len(result.chain) == 3 and result.chain[-1] == root
    # without the intermediate in x5c the path cannot be built
    alone = SealingMaterial(sealing.certificate_chain[:1], sealing.key)
    envelope = seal(DOCUMENT, alone, algorithm="PS256", signing_time=DURING)
    result = verify_seal(envelope, trust_anchors=[root], now=DURING)
    assert _kinds(result, "jades-certificate") == ["CERTIFICATE_UNTRUSTED"]
    # the seal certificate itself may be the anchor
    assert verify_seal(envelope, trust_anchors=[alone.certificate], now=DURING).verified


def test_expired_certificate_is_a_distinct_problem() -> None:
    sealing, root = material("ES256")
    envelope = seal(DOCUMENT, sealing, algorithm="ES256", signing_time=DURING)
    later = END + timedelta(hours=12)  # the root CA is still valid
    result = verify_seal(envelope, trust_anchors=[root], now=later)
    assert result.check("jades-signature").passed and result.check("jades-signing-time").passed
    assert _kinds(result, "jades-certificate") == ["CERTIFICATE_EXPIRED"]
    assert result.chain[-1] == root  # it did chain, at the signing time
    assert not result.verified


def test_certificate_not_yet_valid() -> None:
    sealing, root = material("ES256")
    envelope = seal(DOCUMENT, sealing, algorithm="ES256", signing_time=DURING)
    result = verify_seal(envelope, trust_anchors=[root], now=START - timedelta(days=30))
    assert "CERTIFICATE_NOT_YET_VALID" in _kinds(result, "jades-certificate")
    assert _kinds(result, "jades-signing-time") == ["SIGNING_TIME_IN_FUTURE"]


def test_signing_time_outside_the_certificate_validity() -> None:
    sealing, root = material("ES256")
    envelope = seal(DOCUMENT, sealing, algorithm="ES256", signing_time=START - timedelta(days=1))
    result = verify_seal(envelope, trust_anchors=[root], now=DURING)
    assert result.check("jades-signature").passed and result.check("jades-certificate").passed
    assert _kinds(result, "jades-signing-time") == ["CERTIFICATE_NOT_VALID_AT_SIGNING_TIME"]
    assert not result.verified


def test_signing_time_in_the_future() -> None:
    sealing, root = material("ES256")
    envelope = seal(DOCUMENT, sealing, algorithm="ES256", signing_time=DURING + timedelta(hours=1))
    result = verify_seal(envelope, trust_anchors=[root], now=DURING)
    assert _kinds(result, "jades-signing-time") == ["SIGNING_TIME_IN_FUTURE"]
    within_skew = seal(
        DOCUMENT, sealing, algorithm="ES256", signing_time=DURING + timedelta(minutes=1)
    )
    assert verify_seal(within_skew, trust_anchors=[root], now=DURING).verified


@pytest.mark.parametrize("sigt", [None, "yesterday", "2031-01-01T00:00:00"])
def test_missing_or_malformed_signing_time(sigt: str | None) -> None:
    sealing, root = material("RS256")
    envelope = seal(DOCUMENT, sealing, signing_time=DURING)
    header = {**_header(envelope), "crit": ["b64"] + (["sigT"] if sigt else []), "sigT": sigt}
    header = {k: v for k, v in header.items() if v is not None}
    result = verify_seal(_resealed(envelope, header, sealing.key), trust_anchors=[root], now=DURING)
    assert result.check("jades-signature").passed
    assert _kinds(result, "jades-signing-time") == ["MALFORMED_VALUE_ERROR"]


def test_naive_signing_time_is_refused() -> None:
    with pytest.raises(InputError, match="time zone"):
        seal(DOCUMENT, material("RS256")[0], signing_time=datetime(2031, 1, 1))


def test_only_json_can_be_sealed() -> None:
    with pytest.raises(InputError, match="only a JSON document"):
        seal({"n": float("nan")}, material("RS256")[0])
    with pytest.raises(InputError, match="only a JSON document"):
        seal({"when": datetime(2031, 1, 1)}, material("RS256")[0])
    with pytest.raises(InputError, match="outside"):  # verify() would refuse it: I-JSON
        seal({"n": 2**53}, material("RS256")[0])


def test_parse_envelope_keeps_the_strings_as_sent() -> None:
    sealing, _ = material("ES256")
    envelope = seal(DOCUMENT, sealing, algorithm="ES256")
    parsed = parse_envelope(envelope)
    assert parsed.payload_text == envelope["payload"]
    assert parsed.protected == envelope["signatures"][0]["protected"]
    assert parsed.certificates == sealing.certificate_chain
