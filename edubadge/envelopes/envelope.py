"""Reading a JAdES envelope: a JWS in JSON serialisation, strictly, keeping the strings as sent.

The signing input is rebuilt from the exact strings of the envelope (RFC 7515, RFC 7797), so
base64url must be canonical: a string that decodes to the same bytes in another spelling is
refused rather than silently re-encoded.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm

from ..datamodel import parse_datetime_stamp
from ..errors import InputError
from ..parsing import parse_json


def b64url(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: object, path: str, what: str) -> bytes:
    """Strict base64url: the alphabet, no padding, and the canonical form of its bytes."""
    if not isinstance(text, str):
        raise InputError(f"{what} must be a base64url string", path=path)
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{what} is not base64url", path=path) from None
    if b64url(data) != text:
        raise InputError(f"{what} is not canonical base64url", path=path)
    return data


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


def payload_document(payload: bytes) -> dict[str, Any] | None:
    """The sealed payload as a JSON object, or None when it is not one."""
    try:
        document = parse_json(payload, what="sealed payload")
    except InputError:
        return None
    return document if isinstance(document, dict) else None
