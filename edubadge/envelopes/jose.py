"""JOSE envelopes: VC-JOSE (`application/vc+jwt`, `application/vp+jwt`) and the OB 3.0 VC-JWT.

A credential or presentation is secured as a compact JWS whose payload is the document
itself. Two profiles:

- `vc-jose` (W3C VC-JOSE-COSE): header `typ` `vc+jwt` (`vp+jwt`), `cty` `vc` (`vp`), `kid`;
  the payload is exactly the document.
- `ob3` (Open Badges 3.0.3 VC-JWT): header `typ` `JWT`, `kid` (or a public `jwk`); the payload
  is the credential plus the claims `iss` (issuer id), `sub` (subject id), `nbf` (validFrom),
  `jti` (id) and `exp` (validUntil), each derived from the credential.

Signing goes through any `Signer` (a key pair, an HSM), so keys never leave their signer; the
JWS algorithm is the signer's `signature_algorithm` when it has one, else the key type's
default (`JWS_ALGORITHMS`). Verification (signature by jwcrypto) refuses `alg: none`, HMAC,
any algorithm not allowed for the key type, a `jwk` header carrying private members,
critical headers, and unencoded payloads.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from ..errors import (
    EdubadgeError,
    EnvelopeError,
    InputError,
    InsecureEnvelopeError,
    VerificationMethodError,
)
from ..jsonld.loader import DocumentLoader
from ..keys.keypair import KeyPair, from_jwk
from ..keys.resolve import PRIVATE_JWK_MEMBERS, find_published_key, resolve_verification_method
from ..keys.signer import Signer
from ..net.fetcher import Fetcher
from ..parsing import parse_json
from ..proofs.data_integrity import parse_datetime

# JWS algorithms each key type may use; the first is the default for signing.
JWS_ALGORITHMS: dict[str, tuple[str, ...]] = {
    "Ed25519": ("EdDSA", "Ed25519"),
    "P-256": ("ES256",),
    "P-384": ("ES384",),
    "RSA": ("RS256", "PS256"),
}
MEDIA_TYPES = {"credential": "application/vc+jwt", "presentation": "application/vp+jwt"}
PROFILES = ("vc-jose", "ob3")
JWT_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")
_TYP = {"credential": "vc+jwt", "presentation": "vp+jwt"}
_CTY = {"credential": "vc", "presentation": "vp"}
_ES_SIZES = {"ES256": 32, "ES384": 48}
_COMPACT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


# --- encoding ---------------------------------------------------------------------------------


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(part: str, what: str) -> bytes:
    """Strict base64url: no padding, and only the canonical encoding (no spare bits set), so
    that one token has exactly one spelling."""
    try:
        data = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise EnvelopeError(f"the JWS {what} is not base64url") from None
    if _b64encode(data) != part:
        raise EnvelopeError(f"the JWS {what} is not canonical base64url")
    return data


def _json(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def looks_like_jws(value: str | bytes) -> bool:
    """True when `value` has the shape of a compact JWS (three base64url parts)."""
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    return bool(_COMPACT.match(text.strip()))


# --- the parsed envelope ----------------------------------------------------------------------


@dataclass(frozen=True)
class Jws:
    """A compact JWS taken apart (nothing trusted yet): header, payload claims, signature."""

    compact: str
    header: dict[str, Any]
    payload: dict[str, Any]
    signature: bytes

    @property
    def signing_input(self) -> bytes:
        """The bytes that were signed: base64url(header) '.' base64url(payload)."""
        return self.compact.rsplit(".", 1)[0].encode("ascii")

    @property
    def legacy(self) -> bool:
        """True for a VC 1.1 JWT, whose document is in a `vc` or `vp` claim."""
        return isinstance(self.payload.get("vc"), dict) or isinstance(self.payload.get("vp"), dict)

    @property
    def document(self) -> dict[str, Any]:
        """The secured credential or presentation (JWT registered claims set aside)."""
        for claim in ("vc", "vp"):
            if isinstance(self.payload.get(claim), dict):
                return dict(self.payload[claim])
        return {k: v for k, v in self.payload.items() if k not in JWT_CLAIMS}

    @property
    def kind(self) -> str:
        """'presentation' or 'credential', by the document's type or the `typ` header."""
        types = self.document.get("type")
        types = types if isinstance(types, list) else [types]
        typ = str(self.header.get("typ", "")).lower().removeprefix("application/")
        presentation = "VerifiablePresentation" in types or typ == "vp+jwt" or "vp" in self.payload
        return "presentation" if presentation else "credential"


def parse(token: str | bytes) -> Jws:
    """Take a compact JWS apart (strict JSON in header and payload); nothing is verified."""
    try:
        text = token.decode("ascii") if isinstance(token, bytes) else token
    except UnicodeDecodeError:
        raise EnvelopeError("a compact JWS is ASCII text") from None
    text = text.strip()
    if not _COMPACT.match(text):
        raise EnvelopeError("not a compact JWS (header.payload.signature, base64url)")
    header_part, payload_part, signature_part = text.split(".")
    try:
        header = parse_json(_b64decode(header_part, "header"), what="JWS header")
        payload = parse_json(_b64decode(payload_part, "payload"), what="JWS payload")
    except InputError as error:
        raise EnvelopeError(error.message) from None
    if not isinstance(header, dict):
        raise EnvelopeError("the JWS header is not a JSON object")
    if not isinstance(payload, dict):
        raise EnvelopeError("the JWS payload is not a JSON object")
    return Jws(text, header, payload, _b64decode(signature_part, "signature"))


# --- signing ----------------------------------------------------------------------------------


def _signature_algorithm(signer: Signer) -> str:
    allowed = JWS_ALGORITHMS.get(signer.algorithm)
    if not allowed:
        raise EnvelopeError(f"{signer.algorithm} keys cannot sign a JWS")
    chosen = getattr(signer, "signature_algorithm", None) or allowed[0]
    if chosen not in allowed:
        raise EnvelopeError(f"a {signer.algorithm} key cannot sign {chosen}")
    return str(chosen)


def _jose_signature(alg: str, signature: bytes) -> bytes:
    """ECDSA signatures as JOSE wants them (r || s), whatever form the signer returned."""
    size = _ES_SIZES.get(alg)
    if size is None or len(signature) == 2 * size:
        return signature
    try:
        r, s = decode_dss_signature(signature)
    except ValueError:
        raise EnvelopeError(f"the signer returned no {alg} signature") from None
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def _numeric_date(value: Any, what: str) -> int:
    try:
        return int(parse_datetime(value, what=what).timestamp())
    except EdubadgeError as error:
        raise EnvelopeError(error.message) from None


def _id_of(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


def ob3_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The JWT claims the OB 3.0 VC-JWT derives from a credential: iss, sub, nbf, jti, exp."""
    claims: dict[str, Any] = {}
    issuer = _id_of(credential.get("issuer"))
    if not isinstance(issuer, str):
        raise EnvelopeError("the credential has no issuer id for the iss claim")
    claims["iss"] = issuer
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and isinstance(subject.get("id"), str):
        claims["sub"] = subject["id"]
    start = credential.get("validFrom", credential.get("issuanceDate"))
    if start is not None:
        claims["nbf"] = _numeric_date(start, "validFrom")
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    end = credential.get("validUntil", credential.get("expirationDate"))
    if end is not None:
        claims["exp"] = _numeric_date(end, "validUntil")
    return claims


def sign(
    document: Mapping[str, Any],
    signer: Signer,
    *,
    profile: str = "vc-jose",
    kid: str | None = None,
    jwk: Mapping[str, Any] | None = None,
) -> str:
    """The compact JWS securing `document` (a credential or a presentation).

    `kid` defaults to the signer's verification-method id. With the `ob3` profile a public
    `jwk` may name the key instead of (or beside) the `kid`; it must hold no private member.
    """
    if profile not in PROFILES:
        raise EnvelopeError(
            f"unknown JOSE profile {profile!r}", hint=f"use {' or '.join(PROFILES)}"
        )
    if not isinstance(document, Mapping):
        raise EnvelopeError("only a JSON object can be secured")
    kind = "presentation" if "VerifiablePresentation" in _types(document) else "credential"
    clashing = [claim for claim in (*JWT_CLAIMS, "vc", "vp") if claim in document]
    if clashing:
        raise EnvelopeError(f"the document already has JWT claims: {', '.join(clashing)}")
    alg = _signature_algorithm(signer)
    header: dict[str, Any] = {"alg": alg}
    payload = dict(document)
    if profile == "ob3":
        if kind != "credential":
            raise EnvelopeError("the OB 3.0 VC-JWT profile secures credentials only")
        header["typ"] = "JWT"
        payload.update(ob3_claims(document))
    else:
        header["typ"], header["cty"] = _TYP[kind], _CTY[kind]
    if jwk is not None:
        if profile != "ob3":
            raise EnvelopeError("a jwk header is part of the ob3 profile; vc-jose names a kid")
        if any(member in jwk for member in PRIVATE_JWK_MEMBERS):
            raise InsecureEnvelopeError("refused to put a private key into a JWS header")
        header["jwk"] = dict(jwk)
    if kid is not None or jwk is None:
        header["kid"] = kid or signer.id
    signing_input = f"{_b64encode(_json(header))}.{_b64encode(_json(payload))}"
    signature = _jose_signature(alg, signer.sign(signing_input.encode("ascii")))
    return f"{signing_input}.{_b64encode(signature)}"


def _types(document: Mapping[str, Any]) -> list[Any]:
    types = document.get("type")
    return types if isinstance(types, list) else [types]


# --- verifying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnvelopeOutcome:
    """What verifying a JWS established: its algorithm, key, and who controls that key."""

    alg: str
    key: KeyPair
    verification_method: str | None
    controller: str | None
    binding_problem: str | None = None


def check_header(jws: Jws) -> str:
    """Refuse headers edubadge never accepts; the `alg` to verify with."""
    header = jws.header
    alg = header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise EnvelopeError("the JWS header has no alg")
    if alg.lower() == "none":
        raise InsecureEnvelopeError("alg 'none': the JWS is unsigned")
    if alg.upper().startswith("HS"):
        raise InsecureEnvelopeError(
            f"alg {alg!r} is an HMAC: a shared secret proves nothing about an issuer"
        )
    if not any(alg in algs for algs in JWS_ALGORITHMS.values()):
        raise InsecureEnvelopeError(f"alg {alg!r} is not accepted")
    if "crit" in header:
        raise InsecureEnvelopeError(f"critical header parameters {header['crit']!r} not supported")
    if header.get("b64", True) is not True:
        raise InsecureEnvelopeError("unencoded payloads (b64: false) are not accepted")
    if "zip" in header:
        raise InsecureEnvelopeError("compressed payloads (zip) are not accepted")
    typ = header.get("typ")
    allowed_typ = {"jwt", _TYP[jws.kind]}
    if typ is not None and str(typ).lower().removeprefix("application/") not in allowed_typ:
        raise EnvelopeError(f"typ {typ!r} does not fit a {jws.kind}")
    cty = header.get("cty")
    if cty is not None and str(cty).lower().removeprefix("application/") != _CTY[jws.kind]:
        raise EnvelopeError(f"cty {cty!r} does not fit a {jws.kind}")
    if str(typ).lower().removeprefix("application/") in _TYP.values() and jws.legacy:
        raise EnvelopeError("a vc+jwt or vp+jwt payload must not wrap the document in vc/vp")
    return alg


def _header_key(jws: Jws) -> KeyPair | None:
    jwk = jws.header.get("jwk")
    if jwk is None:
        return None
    if not isinstance(jwk, dict):
        raise EnvelopeError("the jwk header is not a JSON object")
    if any(member in jwk for member in PRIVATE_JWK_MEMBERS):
        raise InsecureEnvelopeError("the jwk header carries private key members")
    try:
        return from_jwk(jwk)
    except EdubadgeError as error:
        raise EnvelopeError(f"the jwk header: {error.message}") from None


def verify_jws(
    jws: Jws,
    *,
    loader: DocumentLoader,
    purpose: str = "assertionMethod",
    fetcher: Fetcher | None = None,
    controller: str | None = None,
) -> EnvelopeOutcome:
    """Check the header, find the key (`kid` resolved, or the `jwk` header), verify the signature.

    A key given only as a `jwk` header is bound to `controller` (the issuer or holder) only
    when that controller's document lists the same key under `purpose`; otherwise the outcome
    says why in `binding_problem` and names no controller.
    """
    alg = check_header(jws)
    embedded = _header_key(jws)
    kid = jws.header.get("kid")
    method = None
    if kid is not None:
        if not isinstance(kid, str):
            raise EnvelopeError("the kid header is not a string")
        method = resolve_verification_method(kid, loader, purpose=purpose, fetcher=fetcher)
        key = method.key
        if embedded is not None and embedded.public_bytes != key.public_bytes:
            raise EnvelopeError(f"the jwk header is not the key {kid!r}")
    elif embedded is not None:
        key = embedded
    else:
        raise EnvelopeError("the JWS names no key (neither kid nor jwk)")
    if alg not in JWS_ALGORITHMS.get(key.algorithm, ()):
        raise InsecureEnvelopeError(f"alg {alg!r} is not allowed for a {key.algorithm} key")
    _check_signature(jws, alg, key)
    if method is not None:
        return EnvelopeOutcome(alg, key, method.id, method.controller)
    if controller is None:
        return EnvelopeOutcome(alg, key, None, None, "no issuer to bind the jwk header key to")
    try:
        published = find_published_key(controller, key, loader, purpose=purpose, fetcher=fetcher)
    except VerificationMethodError as error:
        return EnvelopeOutcome(alg, key, None, None, f"the jwk header key: {error.message}")
    return EnvelopeOutcome(alg, key, published.id, published.controller)


def _check_signature(jws: Jws, alg: str, key: KeyPair) -> None:
    token = jwcrypto_jws.JWS()
    try:
        token.deserialize(jws.compact)
        token.allowed_algs = [alg]
        token.verify(jwcrypto_jwk.JWK.from_pyca(key.public_key_object), alg=alg)
    except jwcrypto_jws.InvalidJWSSignature:
        raise EnvelopeError(
            "the JWS signature does not match",
            hint="the credential was changed or signed with another key",
        ) from None
    except Exception as error:  # jwcrypto raises assorted types for malformed input
        raise EnvelopeError(f"the JWS cannot be verified: {type(error).__name__}") from None


def claimed_controller(jws: Jws) -> str | None:
    """Who the envelope says controls its key: the issuer (holder of a presentation)."""
    owner = _id_of(jws.document.get("holder" if jws.kind == "presentation" else "issuer"))
    return owner if isinstance(owner, str) else None


def claim_problems(jws: Jws) -> list[tuple[str, str]]:
    """(message, path) for JWT claims that contradict the document they secure."""
    document = jws.document
    problems: list[tuple[str, str]] = []
    holder = jws.kind == "presentation"
    expected = {
        "iss": _id_of(document.get("holder" if holder else "issuer")),
        "jti": document.get("id"),
    }
    subject = document.get("credentialSubject")
    if isinstance(subject, dict):
        expected["sub"] = subject.get("id")
    for claim, value in expected.items():
        if claim in jws.payload and jws.payload[claim] != value:
            problems.append(
                (
                    f"JWT claim {claim} {jws.payload[claim]!r} contradicts the document: {value!r}",
                    f"$.{claim}",
                )
            )
    for claim in ("nbf", "exp", "iat"):
        value = jws.payload.get(claim)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            problems.append((f"JWT claim {claim} is not a NumericDate", f"$.{claim}"))
    return problems


def time_window(jws: Jws) -> tuple[datetime | None, datetime | None]:
    """The JWT's `nbf` and `exp` as datetimes (None when absent or malformed)."""

    def at(claim: str) -> datetime | None:
        value = jws.payload.get(claim)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None

    return at("nbf"), at("exp")


__all__ = [
    "JWS_ALGORITHMS",
    "MEDIA_TYPES",
    "EnvelopeOutcome",
    "Jws",
    "check_header",
    "claim_problems",
    "claimed_controller",
    "looks_like_jws",
    "ob3_claims",
    "parse",
    "sign",
    "time_window",
    "verify_jws",
]
