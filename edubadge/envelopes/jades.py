"""JAdES (ETSI TS 119 182-1) baseline B seals, made and checked the way EDCI does for Europass.

A seal is a JWS in JSON serialisation whose payload is the credential's JSON text, unencoded
(RFC 7797, `b64: false`). Its protected header names the sealing certificate (`x5c`,
`x5t#S256`, and `kid`, the DER IssuerSerial) and the claimed signing time (`sigT`). The
signing input is built from the envelope's exact strings, so any change to the payload or to
the protected header breaks the signature; jwcrypto's JWA does the RSA, RSA-PSS and ECDSA.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from jwcrypto.jwa import JWA

from ..errors import InputError, KeyFormatError
from ..parsing import MAX_DOCUMENT_BYTES, check_limits
from ..problems import Check, CheckResults
from .certificates import (
    ALGORITHMS,
    algorithm_refusal,
    algorithms_for,
    der,
    issuer_serial,
    key_problem,
    thumbprint,
)
from .envelope import Envelope, b64url, is_jades, parse_envelope, payload_document
from .material import SealingMaterial, load_sealing_material
from .seal_checks import JADES_CHECK_IDS, check_certificate, check_signature, check_signing_time

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
    refusal = algorithm_refusal(algorithm)
    if refusal:
        raise InputError(refusal, hint=f"use one of {', '.join(ALGORITHMS)}")
    public_key = material.certificate.public_key()
    misfit = key_problem(algorithm, public_key)
    if misfit:
        raise KeyFormatError(
            misfit, hint=f"this key seals with {', '.join(algorithms_for(public_key))}"
        )
    try:
        check_limits(document)  # what verify() would refuse is not sealed
        payload = json.dumps(
            dict(document), ensure_ascii=False, separators=(",", ":"), allow_nan=False
        )
        payload_bytes = payload.encode("utf-8")
        if len(payload_bytes) > MAX_DOCUMENT_BYTES:
            raise InputError(f"it is larger than {MAX_DOCUMENT_BYTES} bytes")
    except (InputError, TypeError, ValueError) as error:
        reason = error.message if isinstance(error, InputError) else str(error)
        raise InputError(f"only a JSON document can be sealed: {reason}") from None
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
    protected = b64url(json.dumps(header, separators=(",", ":")).encode("utf-8"))
    signing_input = protected.encode("ascii") + b"." + payload_bytes
    signature = JWA.signing_alg(algorithm).sign(material.jwk, signing_input)
    return {
        "payload": payload,
        "signatures": [{"protected": protected, "signature": b64url(signature)}],
    }


@dataclass(frozen=True)
class SealVerification(CheckResults):
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
