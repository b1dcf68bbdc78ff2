"""The three named checks of a JAdES seal: signature, certificate, signing time.

Each takes a parsed `Envelope` and records what it finds in a `Check`; none raises.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from jwcrypto.jwa import JWA
from jwcrypto.jwk import JWK

from ..errors import CertificateError
from ..problems import Check
from .certificates import (
    algorithm_refusal,
    build_chain,
    key_problem,
    names_certificate,
    subject_name,
    thumbprint,
)
from .envelope import Envelope

JADES_CHECK_IDS = ("jades-signature", "jades-certificate", "jades-signing-time")
# Critical header parameters edubadge understands. `adoTst` (a timestamp over the payload) is
# accepted and reported as not validated: it can only add evidence, never replace a check.
UNDERSTOOD_CRITICAL = ("b64", "sigT", "adoTst")
JADES_PARAMETERS = ("sigT", "adoTst")
CLOCK_SKEW = timedelta(minutes=5)


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
    refusal = algorithm_refusal(algorithm)
    if refusal:
        check.fail("UNSUPPORTED_ALGORITHM", refusal, f"{where}.alg")
        return
    for message in _critical_problems(header):
        check.fail("MALFORMED_VALUE_ERROR", message, f"{where}.crit")
    if envelope.certificate_error is not None:
        check.fail("MALFORMED_VALUE_ERROR", envelope.certificate_error, f"{where}.x5c")
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
    """(problem kind, detail, path) for each certificate that is not valid `now`."""
    problems: list[tuple[str, str, str | None]] = []
    for certificate in certificates:
        path = f"{where}.x5c[{sent.index(certificate)}]" if certificate in sent else None
        name = subject_name(certificate)
        start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
        if now > end:
            detail = f"certificate {name} expired at {end.isoformat()}"
            problems.append(("CERTIFICATE_EXPIRED", detail, path))
        elif now < start:
            detail = f"certificate {name} is valid only from {start.isoformat()}"
            problems.append(("CERTIFICATE_NOT_YET_VALID", detail, path))
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
