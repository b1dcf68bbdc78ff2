"""JAdES (ETSI TS 119 182-1) baseline B seals, made and checked the way EDCI does for Europass.

A seal is a JWS in JSON serialisation whose payload is the credential's JSON text, unencoded
(RFC 7797, `b64: false`). Its protected header names the sealing certificate (`x5c`,
`x5t#S256`, and `kid`, the DER IssuerSerial) and the claimed signing time (`sigT`). The
signing input is built from the envelope's exact strings, so any change to the payload or to
the protected header breaks the signature; jwcrypto's JWA does the RSA, RSA-PSS and ECDSA.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from jwcrypto.jwa import JWA
from jwcrypto.jwk import JWK

from ..datamodel import parse_datetime_stamp
from ..errors import CertificateError, InputError, KeyFormatError
from ..parsing import parse_json
from ..problems import Check, Problem
from .certificates import (
    ALGORITHM_KEYS,
    algorithms_for,
    build_chain,
    der,
    issuer_serial,
    key_problem,
    names_certificate,
    subject_name,
    thumbprint,
)
from .material import SealingMaterial, load_sealing_material

JADES_CHECK_IDS = ("jades-signature", "jades-certificate", "jades-signing-time")
ALGORITHMS = tuple(ALGORITHM_KEYS)
# Critical header parameters edubadge understands. `adoTst` (a timestamp over the payload) is
# accepted and reported as not validated: it can only add evidence, never replace a check.
UNDERSTOOD_CRITICAL = ("b64", "sigT", "adoTst")
JADES_PARAMETERS = ("sigT", "adoTst")
CLOCK_SKEW = timedelta(minutes=5)
CONTENT_TYPE = "octet-stream"  # what EDCI writes for a sealed credential
TYPE = "jose+json"

__all__ = [
    "ALGORITHMS",
    "JADES_CHECK_IDS",
    "Envelope",
    "SealVerification",
    "SealingMaterial",
    "is_jades",
    "load_sealing_material",
    "parse_envelope",
    "seal",
    "verify_seal",
]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: object, path: str, what: str) -> bytes:
    """Strict base64url: the alphabet, no padding, and the canonical form of its bytes."""
    if not isinstance(text, str):
        raise InputError(f"{what} must be a base64url string", path=path)
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{what} is not base64url", path=path) from None
    if _b64url(data) != text:
        raise InputError(f"{what} is not canonical base64url", path=path)
    return data


def _algorithm_refusal(algorithm: object) -> str | None:
    """Why a JWS `alg` cannot make or verify a seal, or None when it can."""
    if algorithm in ALGORITHMS:
        return None
    if algorithm == "none" or algorithm is None:
        return "alg 'none' (an unsigned JWS) is refused"
    if isinstance(algorithm, str) and algorithm.startswith("HS"):
        return f"alg {algorithm!r} (HMAC, a shared secret) is refused: a seal needs a certificate"
    return f"alg {algorithm!r} is not supported; use one of {', '.join(ALGORITHMS)}"


def _signing_time(moment: datetime | None) -> str:
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        raise InputError("signing_time needs a time zone", hint="e.g. datetime.now(UTC)")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def seal(
    document: Mapping[str, Any],
    material: SealingMaterial,
    *,
    algorithm: str = "RS256",
    signing_time: datetime | None = None,
) -> dict[str, Any]:
    """Seal a JSON document: a JAdES baseline B envelope in JWS JSON serialisation.

    The protected header is EDCI's: `alg`, `cty`, `kid`, `x5t#S256`, `x5c` (the whole chain of
    `material`), `typ`, `b64: false`, `sigT` (now, or `signing_time`) and `crit`.
    """
    refusal = _algorithm_refusal(algorithm)
    if refusal:
        raise InputError(refusal, hint=f"use one of {', '.join(ALGORITHMS)}")
    public_key = material.certificate.public_key()
    misfit = key_problem(algorithm, public_key)
    if misfit:
        raise KeyFormatError(
            misfit, hint=f"this key seals with {', '.join(algorithms_for(public_key))}"
        )
    try:
        payload = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        payload_bytes = payload.encode("utf-8")
    except (TypeError, ValueError) as error:
        raise InputError(f"only a JSON document can be sealed: {error}") from None
    header = {
        "alg": algorithm,
        "cty": CONTENT_TYPE,
        "kid": base64.b64encode(issuer_serial(material.certificate)).decode("ascii"),
        "x5t#S256": thumbprint(material.certificate),
        "x5c": [base64.b64encode(der(c)).decode("ascii") for c in material.certificate_chain],
        "typ": TYPE,
        "b64": False,
        "sigT": _signing_time(signing_time),
        "crit": ["b64", "sigT"],
    }
    protected = _b64url(json.dumps(header, separators=(",", ":")).encode("utf-8"))
    signing_input = protected.encode("ascii") + b"." + payload_bytes
    signature = JWA.signing_alg(algorithm).sign(JWK.from_pyca(material.key), signing_input)
    return {
        "payload": payload,
        "signatures": [{"protected": protected, "signature": _b64url(signature)}],
    }


# --- reading an envelope ---------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    """One parsed JAdES envelope: the strings as sent and what they decode to."""

    protected: str
    header: dict[str, Any]
    unprotected: dict[str, Any]
    payload_text: str
    payload: bytes
    signature: bytes
    path: str
    certificates: tuple[x509.Certificate, ...]
    certificate_error: str | None

    @property
    def signing_input(self) -> bytes:
        """ASCII(protected) || '.' || the payload as sent (RFC 7515, RFC 7797)."""
        return self.protected.encode("ascii") + b"." + self.payload_text.encode("utf-8")

    @property
    def signing_time(self) -> datetime | None:
        """`sigT` as an instant, or None when it is missing or malformed."""
        return parse_datetime_stamp(self.header.get("sigT"))


def _as_object(value: object) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str | bytes | bytearray):
        data = parse_json(bytes(value) if isinstance(value, bytearray) else value, what="envelope")
        if isinstance(data, dict):
            return data
    raise InputError("a JAdES envelope is a JSON object")


def is_jades(value: object) -> bool:
    """True when `value` (a dict, JSON text or bytes) has the shape of a JAdES envelope.

    That is a JWS in JSON serialisation, general (`signatures`) or flattened (`protected`,
    `signature`), with a string payload, and no `@context` of its own.
    """
    try:
        data = _as_object(value)
    except InputError:
        return False
    if "@context" in data or not isinstance(data.get("payload"), str):
        return False
    return isinstance(data.get("signatures"), list) or (
        isinstance(data.get("protected"), str) and "signature" in data
    )


def _certificates(header: Mapping[str, Any]) -> tuple[tuple[x509.Certificate, ...], str | None]:
    chain = header.get("x5c")
    if chain is None:
        return (), "x5c is missing from the protected header: the seal names no certificate"
    if not isinstance(chain, list) or not chain or not all(isinstance(c, str) for c in chain):
        return (), "x5c must be a non-empty array of base64 DER certificates"
    certificates = []
    for i, item in enumerate(chain):
        try:
            certificate = x509.load_der_x509_certificate(base64.b64decode(item, validate=True))
            # cryptography decodes lazily: read now what the checks use, so a broken
            # certificate is reported here and not raised later
            certificate.public_key()
            _ = certificate.subject, certificate.issuer, certificate.not_valid_after_utc
            _ = certificate.not_valid_before_utc
        except (binascii.Error, ValueError, UnsupportedAlgorithm):
            return (), f"x5c[{i}] is not a base64 DER certificate with a supported key"
        certificates.append(certificate)
    return tuple(certificates), None


def parse_envelope(value: Mapping[str, Any] | str | bytes) -> Envelope:
    """Read a JAdES envelope with one signature; an `InputError` says what is malformed where."""
    data = _as_object(value)
    payload = data.get("payload")
    if not isinstance(payload, str):
        raise InputError("the envelope has no payload string", path="$.payload")
    if "signatures" in data:
        signatures = data["signatures"]
        if not isinstance(signatures, list) or len(signatures) != 1:
            count = len(signatures) if isinstance(signatures, list) else "no"
            raise InputError(
                f"the envelope has {count} signatures; edubadge verifies seals with one",
                path="$.signatures",
            )
        entry, path = signatures[0], "$.signatures[0]"
    else:
        entry, path = data, "$"
    if not isinstance(entry, Mapping):
        raise InputError("a signature is a JSON object", path=path)
    protected = entry.get("protected")
    if not isinstance(protected, str):
        raise InputError("the protected header is missing", path=f"{path}.protected")
    header = parse_json(
        _b64url_decode(protected, f"{path}.protected", "the protected header"),
        what="protected header",
    )
    if not isinstance(header, dict):
        raise InputError("the protected header is not a JSON object", path=f"{path}.protected")
    unprotected = entry.get("header", {})
    if not isinstance(unprotected, dict):
        raise InputError("the unprotected header is not a JSON object", path=f"{path}.header")
    if shared := sorted(set(header) & set(unprotected)):
        raise InputError(
            f"header parameters both protected and unprotected: {', '.join(shared)}",
            path=f"{path}.header",
        )
    b64 = header.get("b64", True)
    if not isinstance(b64, bool):
        raise InputError("b64 must be true or false", path=f"{path}.protected.b64")
    try:
        payload_bytes = (
            _b64url_decode(payload, "$.payload", "the payload") if b64 else payload.encode("utf-8")
        )
    except UnicodeEncodeError:
        raise InputError("the payload is not UTF-8 text", path="$.payload") from None
    signature = _b64url_decode(entry.get("signature"), f"{path}.signature", "the signature")
    certificates, certificate_error = _certificates(header)
    return Envelope(
        protected=protected,
        header=header,
        unprotected=unprotected,
        payload_text=payload,
        payload=payload_bytes,
        signature=signature,
        path=path,
        certificates=certificates,
        certificate_error=certificate_error,
    )


# --- the three checks ------------------------------------------------------------------------


def _critical_problems(header: Mapping[str, Any]) -> list[str]:
    crit = header.get("crit", [])
    if not isinstance(crit, list) or (not crit and "crit" in header):
        return ["crit must be a non-empty array of header parameter names"]
    if not all(isinstance(c, str) for c in crit) or len(set(crit)) != len(crit):
        return ["crit must list distinct header parameter names"]
    problems = [
        f"critical header {c!r} is not understood" for c in crit if c not in UNDERSTOOD_CRITICAL
    ]
    problems += [
        f"critical header {c!r} is listed in crit but absent" for c in crit if c not in header
    ]
    problems += [
        f"{name} is present but not listed in crit"
        for name in ("b64", *JADES_PARAMETERS)
        if name in header and name not in crit
    ]
    return problems


def _reference_problems(header: Mapping[str, Any], certificate: x509.Certificate) -> list[str]:
    """The signing-certificate references must name x5c[0]."""
    problems = []
    digest = header.get("x5t#S256")
    if digest is None:
        problems.append("x5t#S256 is missing: JAdES signs the digest of the sealing certificate")
    elif digest != thumbprint(certificate):
        problems.append("x5t#S256 is not the digest of x5c[0]")
    kid = header.get("kid")
    if isinstance(kid, str):
        try:
            names = names_certificate(base64.b64decode(kid, validate=True), certificate)
        except (binascii.Error, ValueError):
            names = None
        if names is False:
            problems.append("kid names another certificate than x5c[0]")
    return problems


def check_signature(envelope: Envelope, check: Check) -> None:
    """`jades-signature`: a permitted algorithm, a well-formed JAdES header, a valid signature."""
    header = envelope.header
    where = f"{envelope.path}.protected"
    algorithm = header.get("alg")
    refusal = _algorithm_refusal(algorithm)
    if refusal:
        check.fail("UNSUPPORTED_ALGORITHM", refusal, f"{where}.alg")
        return
    for message in _critical_problems(header):
        check.fail("MALFORMED_VALUE_ERROR", message, f"{where}.crit")
    if envelope.certificate_error or not envelope.certificates:
        check.fail("MALFORMED_VALUE_ERROR", envelope.certificate_error or "", f"{where}.x5c")
        return
    certificate = envelope.certificates[0]
    for message in _reference_problems(header, certificate):
        check.fail("MALFORMED_VALUE_ERROR", message, where)
    public_key = certificate.public_key()
    misfit = key_problem(str(algorithm), public_key)
    if misfit:
        check.fail("PROOF_VERIFICATION_ERROR", f"alg does not fit the certificate: {misfit}", where)
        return
    try:
        JWA.signing_alg(algorithm).verify(
            JWK.from_pyca(public_key), envelope.signing_input, envelope.signature
        )
    except Exception:  # jwcrypto and cryptography raise several types for a bad signature
        check.fail(
            "PROOF_VERIFICATION_ERROR",
            "the signature does not verify: the payload or the protected header was changed, "
            "or another key made it",
            f"{envelope.path}.signature",
        )
    if "adoTst" in header:
        check.warnings.append("the adoTst timestamp is not validated")
    if envelope.unprotected:
        names = ", ".join(sorted(envelope.unprotected))
        check.warnings.append(f"unsigned header parameters ({names}) are not validated")
    if check.passed:
        check.detail = f"{algorithm} by {subject_name(certificate)}"


def _validity_problems(
    certificates: Sequence[x509.Certificate],
    sent: Sequence[x509.Certificate],
    now: datetime,
    where: str,
) -> list[tuple[str, str, str | None]]:
    problems = []
    for certificate in certificates:
        path = f"{where}.x5c[{sent.index(certificate)}]" if certificate in sent else None
        name = subject_name(certificate)
        if now > certificate.not_valid_after_utc:
            expired = certificate.not_valid_after_utc.isoformat()
            problems.append(
                ("CERTIFICATE_EXPIRED", f"certificate {name} expired at {expired}", path)
            )
        elif now < certificate.not_valid_before_utc:
            start = certificate.not_valid_before_utc.isoformat()
            problems.append(
                (
                    "CERTIFICATE_NOT_YET_VALID",
                    f"certificate {name} is valid only from {start}",
                    path,
                )
            )
    return problems


def check_certificate(
    envelope: Envelope, check: Check, trust_anchors: Sequence[x509.Certificate], now: datetime
) -> list[x509.Certificate]:
    """`jades-certificate`: the sealing certificate chains to a trust anchor and is valid now.

    The path is built at the signing time when the certificate was valid then (so an expired
    certificate still shows whether it chained), else now. Returns the path, or [] if none.
    """
    if not envelope.certificates:
        check.outcome = "skipped"
        check.detail = "no certificate to check (see jades-signature)"
        return []
    leaf = envelope.certificates[0]
    name = subject_name(leaf)
    signed = envelope.signing_time
    valid_then = (
        signed is not None and leaf.not_valid_before_utc <= signed <= leaf.not_valid_after_utc
    )
    at = signed if valid_then and signed is not None else now
    chain: list[x509.Certificate] = []
    if not trust_anchors:
        check.fail(
            "CERTIFICATE_UNTRUSTED",
            f"no trust anchors were given, so the sealing certificate {name} is not trusted; "
            "pass trust_anchors (edubadge verify --trust-anchor FILE)",
        )
    else:
        try:
            chain = build_chain(leaf, envelope.certificates[1:], trust_anchors, at)
        except (CertificateError, ValueError) as error:
            reason = error.message if isinstance(error, CertificateError) else str(error)
            check.fail(
                "CERTIFICATE_UNTRUSTED",
                f"{name} does not chain to a given trust anchor ({reason})",
                f"{envelope.path}.protected.x5c",
            )
    where = f"{envelope.path}.protected"
    for kind, message, path in _validity_problems(
        chain or envelope.certificates, envelope.certificates, now, where
    ):
        check.fail(kind, message, path)
    check.warnings.append("revocation (CRL, OCSP) is not checked: edubadge makes no network calls")
    if chain:
        check.detail = f"{name} chains to {subject_name(chain[-1])}"
    return chain


def check_signing_time(envelope: Envelope, check: Check, now: datetime) -> None:
    """`jades-signing-time`: `sigT` is a time at which the sealing certificate was valid."""
    where = f"{envelope.path}.protected.sigT"
    claimed = envelope.header.get("sigT")
    signed = envelope.signing_time
    if claimed is None:
        check.fail("MALFORMED_VALUE_ERROR", "sigT (the signing time) is missing", where)
        return
    if signed is None:
        check.fail(
            "MALFORMED_VALUE_ERROR", f"sigT is not a date-time with a time zone: {claimed!r}", where
        )
        return
    if signed > now + CLOCK_SKEW:
        check.fail(
            "SIGNING_TIME_IN_FUTURE", f"sigT {claimed} is later than now ({now.isoformat()})", where
        )
    if not envelope.certificates:
        if check.passed:
            check.outcome = "skipped"
            check.detail = "no certificate to compare with (see jades-signature)"
        return
    leaf = envelope.certificates[0]
    start, end = leaf.not_valid_before_utc, leaf.not_valid_after_utc
    window = f"{start.isoformat()} to {end.isoformat()}"
    if not start <= signed <= end:
        check.fail(
            "CERTIFICATE_NOT_VALID_AT_SIGNING_TIME",
            f"sigT {claimed} is outside the sealing certificate's validity ({window})",
            where,
        )
    if check.passed:
        check.detail = f"sealed at {claimed} (as claimed by the sealer), within {window}"


# --- verification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SealVerification:
    """What `verify_seal` found: the payload document and the three named checks."""

    document: dict[str, Any] | None
    payload: bytes
    header: Mapping[str, Any]
    certificates: tuple[x509.Certificate, ...]
    chain: tuple[x509.Certificate, ...]
    signing_time: datetime | None
    checks: tuple[Check, ...]

    @property
    def verified(self) -> bool:
        """True when the signature, the certificate and the signing time all passed."""
        return all(c.passed for c in self.checks)

    @property
    def problems(self) -> list[Problem]:
        """Every problem of every check."""
        return [p for c in self.checks for p in c.problems]

    def check(self, check_id: str) -> Check:
        """The check with this id."""
        for c in self.checks:
            if c.id == check_id:
                return c
        raise KeyError(check_id)


def payload_document(payload: bytes) -> dict[str, Any] | None:
    """The sealed payload as a JSON object, or None when it is not one."""
    try:
        document = parse_json(payload, what="sealed payload")
    except InputError:
        return None
    return document if isinstance(document, dict) else None


def verify_seal(
    envelope: Mapping[str, Any] | str | bytes,
    *,
    trust_anchors: Sequence[x509.Certificate] = (),
    now: datetime | None = None,
) -> SealVerification:
    """Verify a JAdES seal: `jades-signature`, `jades-certificate`, `jades-signing-time`.

    Never raises for bad input. Without `trust_anchors` the certificate check fails as
    untrusted: a seal is never trusted silently.
    """
    moment = now or datetime.now(UTC)
    checks = tuple(Check(check_id) for check_id in JADES_CHECK_IDS)
    try:
        parsed = parse_envelope(envelope)
    except InputError as error:
        checks[0].fail("PARSING_ERROR", error.message, error.path)
        for check in checks[1:]:
            check.outcome = "skipped"
            check.detail = "the envelope could not be read"
        return SealVerification(None, b"", {}, (), (), None, checks)
    check_signature(parsed, checks[0])
    chain = check_certificate(parsed, checks[1], trust_anchors, moment)
    check_signing_time(parsed, checks[2], moment)
    return SealVerification(
        document=payload_document(parsed.payload),
        payload=parsed.payload,
        header=parsed.header,
        certificates=parsed.certificates,
        chain=tuple(chain),
        signing_time=parsed.signing_time,
        checks=checks,
    )
