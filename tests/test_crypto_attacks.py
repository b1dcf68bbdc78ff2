"""Cryptographic misuse of Data Integrity proofs: each attack is refused, and each test shows
the attack working once its defence is lifted (an option, or the lower-level call without the
guard), so the defence is what stops it. JOSE and JAdES misuse: tests/test_jose.py and
tests/test_jades.py (alg none, HMAC keyed with a public key, algorithm/key mismatch)."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from typing import Any

import base58
import pytest
from cryptography.exceptions import InvalidSignature

import edubadge
from edubadge import keys
from edubadge.envelopes import jose
from edubadge.errors import KeyFormatError
from edubadge.issuer import Issuer
from edubadge.keys.ecdsa import P256_ORDER
from edubadge.keys.multikey import decode_multibase
from edubadge.model import Organisation, load_microcredential
from edubadge.proofs import verify_proofs
from edubadge.proofs.registry import get_suite

from .shared import ROOT

NOW = datetime(2030, 1, 1, tzinfo=UTC)
ISSUER = keys.from_seed(b"\x31" * 32)
OTHER = keys.from_seed(b"\x32" * 32)
RECORD = load_microcredential(ROOT / "examples" / "microcredential.json")
ED25519_ORDER = 2**252 + 27742317777372353535851937790883648493  # L, the group order


def _unsigned(issuer: keys.KeyPair = ISSUER) -> dict[str, Any]:
    profile = Organisation(id=issuer.controller, name="Example University", country="BE")
    return Issuer(profile, issuer).credential(RECORD)


P256 = keys.generate("P-256")


def _signed(
    suite: str = "eddsa-rdfc-2022", key: keys.KeyPair | None = None, **options: Any
) -> dict[str, Any]:
    """`_unsigned()` signed with `suite`; by the issuer's own key of the suite's key type
    unless `key` is given (a key of someone else)."""
    own = ISSUER if "Ed25519" in get_suite(suite).key_algorithms else P256
    signer = key or own
    return edubadge.sign(_unsigned(own), signer, suite=suite, options=options or None)


def _proof_problems(result: edubadge.VerificationResult) -> str:
    return " ".join(p.detail for p in result.check("proof").problems)


SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019", "ecdsa-jcs-2019")
ED25519_SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")


@pytest.mark.parametrize("suite", SUITES)
def test_wrong_proof_purpose_is_refused(suite: str) -> None:
    """A proof made for authentication (say, a login) is not an assertion of the credential."""
    signed = _signed(suite, proofPurpose="authentication")
    result = edubadge.verify(signed, now=NOW)
    assert not result.verified
    assert "proofPurpose is 'authentication', expected 'assertionMethod'" in _proof_problems(result)
    # without the defence (the verifier asking for the proof's own purpose) it verifies
    assert edubadge.verify(signed, now=NOW, purpose="authentication").verified


@pytest.mark.parametrize("suite", SUITES)
def test_expired_proof_is_refused(suite: str) -> None:
    signed = _signed(suite, expires="2029-06-01T00:00:00Z")
    result = edubadge.verify(signed, now=NOW)
    assert not result.verified and "proof expired at 2029-06-01" in _proof_problems(result)
    before = datetime(2029, 5, 1, tzinfo=UTC)  # control: the same proof before it expired
    assert edubadge.verify(signed, now=before).verified


def test_proof_expiry_is_signed() -> None:
    """Moving `expires` later is an edit of the signed proof options."""
    signed = _signed(expires="2029-06-01T00:00:00Z")
    signed["proof"]["expires"] = "2099-01-01T00:00:00Z"
    assert "signature does not match" in _proof_problems(edubadge.verify(signed, now=NOW))


def test_key_type_that_does_not_fit_the_suite_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """An RSA signature under an Ed25519 suite's name: refused before any signature check."""
    rsa = keys.generate("RSA", bits=2048)
    suite = get_suite("eddsa-rdfc-2022")
    with monkeypatch.context() as lifted:  # the signer refuses too: lift it to forge
        lifted.setattr(suite, "key_algorithms", ("Ed25519", "RSA"))
        document = {**_unsigned(rsa), "issuer": {**_unsigned()["issuer"], "id": rsa.controller}}
        forged = edubadge.sign(document, rsa, suite="eddsa-rdfc-2022")
        assert edubadge.verify(forged, now=NOW).verified  # the attack, without the defence
    result = edubadge.verify(forged, now=NOW)
    assert not result.verified
    assert "a RSA key cannot verify eddsa-rdfc-2022" in _proof_problems(result)


def test_key_of_another_controller_is_refused() -> None:
    """Signed by a valid key, but not the issuer's: the proof holds, the binding does not."""
    forged = _signed(key=OTHER)
    result = edubadge.verify(forged, now=NOW)
    assert result.check("proof").passed and not result.verified
    assert result.check("issuer-key").problems[0].kind == "ISSUER_KEY_MISMATCH"
    assert edubadge.verify(forged, now=NOW, issuer_binding=False).verified  # without it


def test_did_key_url_naming_another_key_is_refused() -> None:
    """`did:key:A#B`: a did:key document holds one key; B is not in A's document."""
    forged = _signed(key=OTHER, verificationMethod=f"{ISSUER.controller}#{OTHER.fingerprint}")
    result = edubadge.verify(forged, now=NOW)
    assert not result.verified and "not found in its document" in _proof_problems(result)


def test_key_document_claiming_a_controller_that_does_not_list_it_is_refused() -> None:
    """The attacker publishes a key naming the issuer as controller; the issuer never listed it."""
    issuer_id, attacker_vm = "https://issuer.example/", "https://attacker.example/key#1"
    issuer_key = keys.from_seed(b"\x33" * 32, id=issuer_id + "#key-1", controller=issuer_id)
    attacker = keys.from_seed(b"\x34" * 32, id=attacker_vm, controller=issuer_id)
    issuer_doc = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": issuer_id,
        "verificationMethod": [issuer_key.to_verification_method()],
        "assertionMethod": [issuer_key.id],
    }
    attacker_doc = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": "https://attacker.example/key",
        "verificationMethod": [attacker.to_verification_method()],
        "assertionMethod": [attacker_vm],
    }
    loader = edubadge.DocumentLoader(
        extra={issuer_id: issuer_doc, attacker_doc["id"]: attacker_doc}
    )
    document = {**_unsigned(), "issuer": {**_unsigned()["issuer"], "id": issuer_id}}
    forged = edubadge.sign(document, attacker, suite="eddsa-rdfc-2022", loader=loader)
    result = edubadge.verify(forged, now=NOW, loader=loader)
    assert not result.verified
    assert f"not listed under 'assertionMethod' by its controller {issuer_id!r}" in (
        _proof_problems(result)
    )
    # without the defence (trusting the key document's own word) the key is the issuer's
    assert attacker_doc["assertionMethod"] == [attacker_vm]
    honest = edubadge.sign(document, issuer_key, suite="eddsa-rdfc-2022", loader=loader)
    assert edubadge.verify(honest, now=NOW, loader=loader).verified


@pytest.mark.parametrize("suite", SUITES)
def test_one_bad_proof_in_a_set_fails_the_whole(suite: str) -> None:
    own = ISSUER if "Ed25519" in get_suite(suite).key_algorithms else P256
    partner = suite.replace("rdfc", "jcs") if "rdfc" in suite else suite.replace("jcs", "rdfc")
    both = edubadge.sign(_signed(partner), own, suite=suite)
    assert edubadge.verify(both, now=NOW).verified
    broken = copy.deepcopy(both)
    value = broken["proof"][1]["proofValue"]
    broken["proof"][1]["proofValue"] = value[:-2] + ("2" if value[-2] != "2" else "3") + value[-1]
    result = edubadge.verify(broken, now=NOW)
    assert not result.verified
    assert [p.detail[:7] for p in result.check("proof").problems] == ["proof 1"]
    # without the defence ("one good proof is enough") the set would pass
    assert any(outcome.verified for outcome in verify_proofs(broken, now=NOW))


def test_unknown_suite_in_a_set_fails_the_whole() -> None:
    signed = _signed()
    extra = {**signed["proof"], "cryptosuite": "made-up-2099"}
    result = edubadge.verify({**signed, "proof": [signed["proof"], extra]}, now=NOW)
    assert not result.verified and "unknown cryptosuite 'made-up-2099'" in _proof_problems(result)


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize("suffix", [" ", "\n", "\t", "\r\n"])
def test_non_canonical_base58_proof_value_is_refused(suite: str, suffix: str) -> None:
    """The base58 library forgives trailing whitespace: a second spelling of one signature."""
    signed = _signed(suite)
    value = signed["proof"]["proofValue"]
    forged = copy.deepcopy(signed)
    forged["proof"]["proofValue"] = value + suffix
    result = edubadge.verify(forged, now=NOW)
    assert not result.verified and "not canonical base58btc" in _proof_problems(result)
    # without the defence: the lenient decoder reads the very same signature bytes
    assert base58.b58decode(value[1:] + suffix) == base58.b58decode(value[1:])
    with pytest.raises(KeyFormatError, match="canonical"):
        decode_multibase(value + suffix, what="proofValue")


def test_leading_zero_digits_change_the_signature_bytes() -> None:
    value = _signed()["proof"]["proofValue"]
    assert len(decode_multibase("z1" + value[1:])) == 65  # a '1' is a zero byte: not 64 bytes
    forged = _signed()
    forged["proof"]["proofValue"] = "z1" + value[1:]
    assert not edubadge.verify(forged, now=NOW).verified


def _high_s(signature: bytes) -> bytes:
    """The same Ed25519 signature with S + L in place of S (non-canonical, RFC 8032 5.1.7)."""
    s = int.from_bytes(signature[32:], "little") + ED25519_ORDER
    return signature[:32] + s.to_bytes(32, "little")


def test_ed25519_non_canonical_s_is_refused_by_the_library() -> None:
    """cryptography (OpenSSL) checks S < L; our verify relies on it, this test pins it."""
    data = b"hash data"
    signature = ISSUER.sign(data)
    malleated = _high_s(signature)
    assert malleated != signature and int.from_bytes(malleated[32:], "little") >= ED25519_ORDER
    assert ISSUER.verify(data, signature) and not ISSUER.verify(data, malleated)
    with pytest.raises(InvalidSignature):
        ISSUER.public_key_object.verify(malleated, data)


@pytest.mark.parametrize("suite", ED25519_SUITES)
def test_ed25519_non_canonical_s_in_a_proof_is_refused(suite: str) -> None:
    signed = _signed(suite)
    raw = decode_multibase(signed["proof"]["proofValue"])
    signed["proof"]["proofValue"] = "z" + base58.b58encode(_high_s(raw)).decode()
    assert "signature does not match" in _proof_problems(edubadge.verify(signed, now=NOW))


def test_ed25519_non_canonical_s_in_a_jws_is_refused() -> None:
    token = jose.sign(_unsigned(), ISSUER)
    head, payload, signature = token.split(".")
    raw = base64.urlsafe_b64decode(signature + "==")
    forged = base64.urlsafe_b64encode(_high_s(raw)).rstrip(b"=").decode()
    result = edubadge.verify(f"{head}.{payload}.{forged}", now=NOW)
    assert not result.verified and result.check("envelope").outcome == "failed"
    assert edubadge.verify(token, now=NOW).verified


def test_proof_value_must_be_base58btc_multibase() -> None:
    """Another multibase (base64url `u`) of the same bytes is not accepted either."""
    signed = _signed()
    raw = decode_multibase(signed["proof"]["proofValue"])
    signed["proof"]["proofValue"] = "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    assert "must start with 'z'" in _proof_problems(edubadge.verify(signed, now=NOW))


def test_a_proof_cannot_be_moved_to_another_credential() -> None:
    """Replay: a valid proof lifted onto a different credential of the same issuer."""
    donor = _signed()
    other = _unsigned()
    other["credentialSubject"] = json.loads(json.dumps(other["credentialSubject"]))
    other["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    other["proof"] = donor["proof"]
    assert "signature does not match" in _proof_problems(edubadge.verify(other, now=NOW))


@pytest.mark.parametrize(
    "respell", [lambda v: v + "=", lambda v: v[:9] + "\n" + v[9:], lambda v: v[:9] + "!" + v[9:]]
)
def test_non_canonical_base64url_sd_proof_value_is_refused(respell: Any) -> None:
    """ecdsa-sd-2023 proofValues are multibase base64url (`u`): the standard decoder skips
    stray characters and padding, so each respelling read as the very same proof."""
    base = edubadge.sign(
        _unsigned(P256), P256, suite="ecdsa-sd-2023", options={"mandatoryPointers": ["/issuer"]}
    )
    derived = edubadge.derive(base, ["/credentialSubject"])
    assert edubadge.verify(derived, now=NOW).verified
    value = derived["proof"]["proofValue"]
    forged = copy.deepcopy(derived)
    forged["proof"]["proofValue"] = respell(value)
    result = edubadge.verify(forged, now=NOW)
    assert not result.verified and "base64url" in _proof_problems(result)
    # without the defence: the lenient decoder reads the same bytes
    lenient = base64.urlsafe_b64decode(respell(value)[1:] + "==")
    assert lenient == base64.urlsafe_b64decode(value[1:] + "==")


@pytest.mark.parametrize("suite", ["ecdsa-rdfc-2019", "ecdsa-jcs-2019"])
def test_ecdsa_high_s_twin_is_accepted_by_design(suite: str) -> None:
    """(r, n - s) is a valid ECDSA signature of the same data: FIPS 186-5 accepts it, the
    W3C vectors carry high-S signatures (tests/test_ecdsa_keys.py), so verification accepts
    both S values. The twin changes no signed content: it is a second spelling of the proof,
    not a forgery (docs/security.md, "Known limits")."""
    signed = _signed(suite)
    raw = decode_multibase(signed["proof"]["proofValue"])
    r, s = raw[:32], int.from_bytes(raw[32:], "big")
    twin = r + (P256_ORDER - s).to_bytes(32, "big")
    signed["proof"]["proofValue"] = "z" + base58.b58encode(twin).decode()
    assert edubadge.verify(signed, now=NOW).verified
    signed["credentialSubject"]["id"] = "did:example:someone-else"
    assert not edubadge.verify(signed, now=NOW).verified  # content is still fixed


@pytest.mark.parametrize("suite", ["eddsa-jcs-2022", "ecdsa-jcs-2019"])
def test_context_appended_after_a_jcs_proof_is_refused(
    suite: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JCS proofs sign with their own copy of @context; the spec lets the document's list go
    on past it, and what follows is signed by nobody (found by the mutation tests)."""
    signed = _signed(suite)
    appended = copy.deepcopy(signed)
    appended["@context"].append("https://www.w3.org/ns/credentials/undefined-terms/v2")
    result = edubadge.verify(appended, now=NOW)
    assert not result.verified
    assert "the signature does not cover it" in _proof_problems(result)
    # without the defence (the spec's prefix rule alone) the unsigned context verifies
    from edubadge.proofs import data_integrity

    with monkeypatch.context() as lifted:
        lax = data_integrity.PROOF_CONTEXTS | {appended["@context"][-1]}
        lifted.setattr(data_integrity, "PROOF_CONTEXTS", lax)
        assert edubadge.verify(appended, now=NOW).verified
    # anything else that follows is refused too, without an exception (found by hypothesis)
    for extra in ([], {"@vocab": "https://attacker.example/#"}, 7):
        odd = copy.deepcopy(signed)
        odd["@context"].append(extra)
        assert not edubadge.verify(odd, now=NOW).verified
    # a context that only defines proof terms may still follow
    with_proof_terms = copy.deepcopy(signed)
    with_proof_terms["@context"].append("https://w3id.org/security/data-integrity/v2")
    assert edubadge.verify(with_proof_terms, now=NOW).verified


@pytest.mark.parametrize("suite", SUITES)
def test_signing_leaves_the_callers_document_alone_and_never_signs_a_null_proof(
    suite: str,
) -> None:
    own = ISSUER if "Ed25519" in get_suite(suite).key_algorithms else P256
    unsigned = _unsigned(own)
    before = copy.deepcopy(unsigned)
    signed = edubadge.sign(unsigned, own, suite=suite)
    assert unsigned == before
    signed["credentialSubject"]["id"] = "did:example:edited"  # the copy shares nothing
    assert unsigned == before
    with_null = edubadge.sign({**before, "proof": None}, own, suite=suite)
    assert isinstance(with_null["proof"], dict)
    assert edubadge.verify(with_null, now=NOW).check("proof").passed
    assert {k: v for k, v in with_null.items() if k != "proof"} == before
