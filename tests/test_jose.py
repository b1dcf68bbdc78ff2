"""VC-JOSE and OB 3.0 VC-JWT: round trips per algorithm, any change rejected, alg confusion
refused, the 1EdTech JWT vectors' verdicts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import edubadge
from edubadge import keys
from edubadge.bake import unbake
from edubadge.envelopes import jose
from edubadge.errors import EnvelopeError, InsecureEnvelopeError
from edubadge.issuer import Issuer
from edubadge.model import MicroCredential, Organisation
from edubadge.verifier import CHECK_IDS, ENVELOPE_CHECK_IDS

from .shared import load, require_shared
from .strategies import microcredentials, organisations

VALIDATOR = "vectors/ob3/examples/validator/"
NOW = datetime(2041, 6, 1, tzinfo=UTC)
# (key type, JWS alg): ES256/ES384 join when their key types are registered
ALGORITHMS = [("Ed25519", "EdDSA"), ("RSA", "RS256"), ("RSA", "PS256")] + [
    (kind, alg)
    for kind, alg in (("P-256", "ES256"), ("P-384", "ES384"))
    if kind in keys.algorithm_names()
]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@cache
def _key(kind: str, alg: str) -> keys.KeyPair:
    key = keys.generate(kind, bits=2048) if kind == "RSA" else keys.generate(kind)
    return key.with_signature_algorithm(alg) if kind == "RSA" else key


def _credential(record: MicroCredential, profile: Organisation, key: keys.KeyPair) -> Any:
    issuer = Issuer(profile.model_copy(update={"id": key.controller}), key)
    return issuer.credential(record, micro_credential=False)


@settings(max_examples=30)
@given(
    microcredentials(),
    organisations(),
    st.sampled_from(ALGORITHMS),
    st.sampled_from(jose.PROFILES),
)
def test_round_trip(
    record: MicroCredential, profile: Organisation, algorithm: tuple[str, str], name: str
) -> None:
    key = _key(*algorithm)
    credential = _credential(record, profile, key)
    token = jose.sign(credential, key, profile=name)
    parsed = jose.parse(token)
    assert parsed.header["alg"] == algorithm[1]
    assert parsed.document == credential
    result = edubadge.verify(token, now=NOW)
    assert result.verified, result.to_dict()
    expected = [CHECK_IDS[0], *ENVELOPE_CHECK_IDS, *CHECK_IDS[1:]]
    assert [c.id for c in result.checks] == expected
    assert result.document == credential


@settings(max_examples=60)
@given(
    microcredentials(),
    organisations(),
    st.sampled_from(ALGORITHMS),
    st.sampled_from(jose.PROFILES),
    st.data(),
)
def test_any_single_change_is_rejected(
    record: MicroCredential,
    profile: Organisation,
    algorithm: tuple[str, str],
    name: str,
    data: st.DataObject,
) -> None:
    key = _key(*algorithm)
    token = jose.sign(_credential(record, profile, key), key, profile=name)
    position = data.draw(st.integers(0, len(token) - 1))
    if token[position] == ".":
        return
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    replacement = data.draw(st.sampled_from(alphabet.replace(token[position], "")))
    changed = token[:position] + replacement + token[position + 1 :]
    result = edubadge.verify(changed, now=NOW)
    assert not result.verified, (position, result.to_dict())


@settings(max_examples=30)
@given(microcredentials(), organisations(), st.sampled_from(ALGORITHMS), st.data())
def test_any_change_to_decoded_parts_is_rejected(
    record: MicroCredential, profile: Organisation, algorithm: tuple[str, str], data: st.DataObject
) -> None:
    """Re-encode an edited header, payload or signature: the signature no longer holds."""
    key = _key(*algorithm)
    token = jose.sign(_credential(record, profile, key), key, profile="ob3")
    parts = token.split(".")
    index = data.draw(st.integers(0, 2))
    decoded = base64.urlsafe_b64decode(parts[index] + "==")
    if index < 2:
        value = json.loads(decoded)
        member = data.draw(st.sampled_from(sorted(value)))
        value[member] = data.draw(st.sampled_from(["x", 1, None, [], {"a": 1}]))
        if value == json.loads(decoded):
            return
        parts[index] = _b64(json.dumps(value).encode())
    else:
        flip = data.draw(st.integers(0, len(decoded) - 1))
        parts[index] = _b64(decoded[:flip] + bytes([decoded[flip] ^ 1]) + decoded[flip + 1 :])
    assert not edubadge.verify(".".join(parts), now=NOW).verified


def _forge(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"") -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}." + _b64(
        signature
    )


def _signed_rsa() -> tuple[keys.KeyPair, dict[str, Any], str]:
    key = _key("RSA", "RS256")
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": key.controller,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    return key, credential, jose.sign(credential, key)


def _envelope_problems(token: str) -> list[str]:
    result = edubadge.verify(token, now=NOW)
    assert not result.verified
    return [p.detail for p in result.check("envelope").problems]


def test_alg_none_is_refused() -> None:
    key, credential, _ = _signed_rsa()
    token = _forge({"alg": "none", "kid": key.id}, credential)
    result = edubadge.verify(token, now=NOW)
    assert not result.verified
    problem = result.check("envelope").problems[0]
    assert problem.kind == "CRYPTOGRAPHIC_SECURITY_ERROR" and "unsigned" in problem.detail


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_hmac_keyed_with_the_public_key_is_refused(alg: str) -> None:
    """The classic confusion: an attacker MACs with the issuer's public key bytes."""
    key, credential, _ = _signed_rsa()
    for secret in (key.to_pem().encode(), json.dumps(key.to_jwk()).encode()):
        header = {"alg": alg, "kid": key.id}
        signing_input = (
            f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(credential).encode())}"
        )
        digest = getattr(hashlib, "sha" + alg[2:])
        mac = hmac.new(secret, signing_input.encode(), digest).digest()
        problems = _envelope_problems(f"{signing_input}.{_b64(mac)}")
        assert "HMAC" in problems[0]


def test_algorithm_not_allowed_for_the_key_type_is_refused() -> None:
    ed = _key("Ed25519", "EdDSA")
    credential = {"issuer": ed.controller, "credentialSubject": {}}
    for alg in ("RS256", "PS256", "ES256"):
        token = _forge({"alg": alg, "kid": ed.id}, credential, b"\x00" * 64)
        assert "not allowed for a Ed25519 key" in _envelope_problems(token)[0]
    rsa = _key("RSA", "RS256")
    token = _forge({"alg": "EdDSA", "kid": rsa.id}, credential, b"\x00" * 64)
    assert "not allowed for a RSA key" in _envelope_problems(token)[0]
    for alg in ("RS384", "ES512", "ML-DSA-44", "Ed448"):
        assert "not accepted" in _envelope_problems(_forge({"alg": alg, "kid": rsa.id}, {}))[0]


def test_jwk_header_with_private_members_is_refused() -> None:
    key = _key("Ed25519", "EdDSA")
    credential = {"issuer": key.controller, "credentialSubject": {}}
    token = jose.sign(credential, key, profile="ob3", jwk=key.to_jwk())
    private = key.to_jwk(include_secret=True)
    forged = _forge({**jose.parse(token).header, "jwk": private}, jose.parse(token).payload)
    problem = edubadge.verify(forged, now=NOW).check("envelope").problems[0]
    assert problem.kind == "CRYPTOGRAPHIC_SECURITY_ERROR" and "private" in problem.detail
    with pytest.raises(InsecureEnvelopeError):
        jose.sign(credential, key, profile="ob3", jwk=private)
    assert "'d'" not in repr(problem) and private["d"] not in json.dumps(problem.to_dict())


@pytest.mark.parametrize(
    "extra", [{"crit": ["exp"]}, {"b64": False, "crit": ["b64"]}, {"b64": False}, {"zip": "DEF"}]
)
def test_unsupported_header_parameters_are_refused(extra: dict[str, Any]) -> None:
    _, credential, token = _signed_rsa()
    forged = _forge({**jose.parse(token).header, **extra}, credential, jose.parse(token).signature)
    assert edubadge.verify(forged, now=NOW).check("envelope").problems[0].kind == (
        "CRYPTOGRAPHIC_SECURITY_ERROR"
    )


def test_a_key_the_issuer_does_not_control_is_refused() -> None:
    _, credential, _ = _signed_rsa()
    other = _key("Ed25519", "EdDSA")
    token = jose.sign(credential, other)  # signed by a did:key that is not the issuer
    result = edubadge.verify(token, now=NOW)
    assert result.check("envelope").passed and not result.verified
    assert result.check("issuer-key").problems[0].kind == "ISSUER_KEY_MISMATCH"
    # a bare jwk header proves nothing about the issuer either
    jwk_only = jose.sign(credential, other, profile="ob3", jwk=other.to_jwk())
    result = edubadge.verify(jwk_only, now=NOW)
    assert not result.verified and not result.check("issuer-key").passed
    assert edubadge.verify(jwk_only, now=NOW, issuer_binding=False).verified


def test_jwk_header_bound_through_the_issuers_document() -> None:
    key = keys.generate("RSA", bits=2048, controller="https://issuer.example/")
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": key.controller,
        "credentialSubject": {"id": "did:example:learner"},
    }
    token = jose.sign(credential, key, profile="ob3", jwk=key.to_jwk())
    assert "kid" not in jose.parse(token).header
    loader = edubadge.DocumentLoader(extra={key.controller: keys.controller_document(key)})
    result = edubadge.verify(token, loader=loader, now=NOW)
    assert result.verified, result.to_dict()
    authentication_only = keys.controller_document(key, relationships=("authentication",))
    loader = edubadge.DocumentLoader(extra={key.controller: authentication_only})
    assert not edubadge.verify(token, loader=loader, now=NOW).verified


def test_ob3_claims() -> None:
    key = _key("RSA", "RS256")
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:1d6f8d44-1b6b-4bd5-8b0b-0b4f0a8c2c11",
        "type": ["VerifiableCredential"],
        "issuer": {"id": key.controller, "type": ["Profile"]},
        "validFrom": "2025-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    token = jose.sign(credential, key, profile="ob3")
    parsed = jose.parse(token)
    assert parsed.header == {"alg": "RS256", "typ": "JWT", "kid": key.id}
    claims = {k: parsed.payload[k] for k in ("iss", "sub", "nbf", "jti", "exp")}
    assert claims == {
        "iss": key.controller,
        "sub": "did:example:learner",
        "nbf": 1735689600,
        "jti": credential["id"],
        "exp": 1893456000,
    }
    assert parsed.document == credential
    vc_jose = jose.parse(jose.sign(credential, key))
    assert vc_jose.header == {"alg": "RS256", "typ": "vc+jwt", "cty": "vc", "kid": key.id}
    assert vc_jose.payload == credential
    # the JWT's own window is enforced too
    result = edubadge.verify(token, now=datetime(2031, 1, 1, tzinfo=UTC))
    assert [p.kind for p in result.check("validity").problems] == ["EXPIRED", "EXPIRED"]


def test_claims_contradicting_the_credential_are_refused() -> None:
    key, credential, token = _signed_rsa()
    header = jose.parse(token).header
    payload = {**credential, "iss": "https://someone.else/"}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    forged = f"{signing_input}.{_b64(key.sign(signing_input.encode()))}"
    result = edubadge.verify(forged, now=NOW)
    assert not result.verified
    assert "iss" in result.check("envelope").problems[0].detail


def test_signing_refusals() -> None:
    key, credential, _ = _signed_rsa()
    with pytest.raises(EnvelopeError, match="already has JWT claims"):
        jose.sign({**credential, "iss": "x"}, key)
    with pytest.raises(EnvelopeError, match="unknown JOSE profile"):
        jose.sign(credential, key, profile="jades")
    presentation = {"type": ["VerifiablePresentation"], "holder": key.controller}
    with pytest.raises(EnvelopeError, match="credentials only"):
        jose.sign(presentation, key, profile="ob3")


def test_presentation_envelope() -> None:
    holder = _key("Ed25519", "EdDSA")
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder.controller,
    }
    parsed = jose.parse(jose.sign(presentation, holder))
    assert parsed.kind == "presentation"
    assert (parsed.header["typ"], parsed.header["cty"]) == ("vp+jwt", "vp")
    loader = edubadge.DocumentLoader()
    outcome = jose.verify_jws(parsed, loader=loader, purpose="authentication")
    assert outcome.controller == holder.controller and outcome.alg == "EdDSA"


def test_non_canonical_base64_is_refused() -> None:
    _, _, token = _signed_rsa()
    signature = token.rsplit(".", 1)[1]
    # 256 bytes end in a character carrying 4 spare bits: set one, same bytes decoded
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".index(signature[-1])
    sibling = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last | 1]
    if sibling == signature[-1]:
        sibling = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last & ~1]
    malleated = token[:-1] + sibling
    assert base64.urlsafe_b64decode(signature + "==") == base64.urlsafe_b64decode(
        malleated.rsplit(".", 1)[1] + "=="
    )
    result = edubadge.verify(malleated, now=NOW)
    assert not result.verified and "canonical" in result.check("parse").problems[0].detail


# --- the 1EdTech vectors ------------------------------------------------------------------------


def _expectation(name: str) -> str:
    return str(load(VALIDATOR + "EXPECTATIONS.json")["files"][name]["expected"])


def test_simple_jwt_is_parsed_but_not_verifiable() -> None:
    """EXPECTATIONS: a parser test only; its header names no key, so nothing can verify it."""
    assert _expectation("simple.jwt").startswith("n/a")
    token = (require_shared() / VALIDATOR / "ob30/simple.jwt").read_text()
    parsed = jose.parse(token)
    assert parsed.legacy and parsed.header == {"alg": "RS256", "typ": "JWT"}
    assert parsed.document["id"] == parsed.payload["jti"] == "http://example.edu/credentials/3732"
    result = edubadge.verify(token)
    assert result.check("parse").passed and not result.verified
    assert result.check("envelope").problems[0].detail == (
        "the JWS names no key (neither kid nor jwk)"
    )
    assert result.document == parsed.payload["vc"]


def test_velocity_jwt_is_invalid() -> None:
    assert _expectation("velocity.jwt") == "invalid"
    token = (require_shared() / VALIDATOR / "ob30/velocity.jwt").read_text()
    result = edubadge.verify(token)
    assert not result.verified
    assert "did:velocity" in result.check("envelope").problems[0].detail  # no such resolver
    assert "credential-extensions-2022" in result.check("context").problems[0].detail


@pytest.mark.parametrize("name", ["simple-jwt.png", "simple-jwt.svg"])
def test_1edtech_signed_jwts_verify(name: str) -> None:
    """Real RS256 JWTs signed by 1EdTech, key in the jwk header: the signature holds. The
    issuer is bound to that key once its controller document publishes it."""
    assert _expectation(name) == "valid"
    image = (require_shared() / VALIDATOR / "ob30" / name).read_bytes()
    token = unbake(image)
    parsed = jose.parse(token)
    assert parsed.header["alg"] == "RS256" and "kid" not in parsed.header
    alone = edubadge.verify(token)
    assert alone.check("envelope").passed and alone.check("proof").passed
    assert not alone.check("issuer-key").passed  # nothing ties a header key to the issuer
    issuer = parsed.payload["iss"]
    key = keys.from_jwk(parsed.header["jwk"], id=f"{issuer}#key-1")
    loader = edubadge.DocumentLoader(extra={issuer: keys.controller_document(key)})
    result = edubadge.verify(token, loader=loader)
    assert result.verified, result.to_dict()
    baked = edubadge.verify(image, loader=loader)  # verify() unbakes the image itself
    assert baked.verified and baked.check("envelope").passed
    tampered = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(tampered[1] + "=="))
    payload["name"] = "Leadership Badge"
    tampered[1] = _b64(json.dumps(payload).encode())
    assert not edubadge.verify(".".join(tampered), loader=loader).verified


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
_headers = st.fixed_dictionaries(
    {},
    optional={
        "alg": st.sampled_from(["none", "HS256", "RS256", "EdDSA", "ES256", "PS256", 5]),
        "kid": st.one_of(
            st.text(max_size=20),
            st.sampled_from(["did:key:z6Mk", "did:web:a.b#k", "did:jwk:e30#0"]),
        ),
        "jwk": st.one_of(_json_values, st.just({"kty": "RSA", "n": "AQAB", "e": "AQAB"})),
        "typ": _json_values,
        "cty": _json_values,
        "crit": _json_values,
    },
)


@given(
    _headers,
    st.dictionaries(
        st.sampled_from(["iss", "vc", "nbf", "exp", "type", "issuer", "id", "@context"]),
        _json_values,
    ),
    st.binary(max_size=80),
)
def test_verify_never_raises_on_hostile_tokens(
    header: dict[str, Any], payload: dict[str, Any], signature: bytes
) -> None:
    result = edubadge.verify(_forge(header, payload, signature), now=NOW)
    assert not result.verified
    if result.check("parse").passed:  # (an out-of-range number already fails parsing)
        assert result.check("envelope").outcome == "failed"
