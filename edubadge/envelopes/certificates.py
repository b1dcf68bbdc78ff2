"""X.509 for seals: algorithms and keys, reading certificates, certificate references, chains.

The references are those EDCI writes into a JAdES header: `x5t#S256` (the SHA-256 digest of
the certificate, base64url) and `kid` (the DER `IssuerSerial` of ETSI EN 319 122 / RFC 5035,
standard base64). cryptography has no encoder for `IssuerSerial`, so its DER comes from
pyasn1's RFC 5035 and RFC 5280 modules; everything else is cryptography.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import verification
from pyasn1.codec.der import decoder, encoder
from pyasn1.error import PyAsn1Error
from pyasn1_modules import rfc5035, rfc5280

from ..errors import CertificateError

MIN_RSA_BITS = 2048
# JWS algorithm -> the curve its key must be on (None: an RSA key of at least MIN_RSA_BITS).
ALGORITHM_KEYS: dict[str, type[ec.EllipticCurve] | None] = {
    "RS256": None,
    "RS384": None,
    "RS512": None,
    "PS256": None,
    "PS384": None,
    "PS512": None,
    "ES256": ec.SECP256R1,
    "ES384": ec.SECP384R1,
    "ES512": ec.SECP521R1,
}
ALGORITHMS = tuple(ALGORITHM_KEYS)


def algorithm_refusal(algorithm: object) -> str | None:
    """Why a JWS `alg` cannot make or verify a seal, or None when it can."""
    if algorithm in ALGORITHMS:
        return None
    if algorithm == "none" or algorithm is None:
        return "alg 'none' (an unsigned JWS) is refused"
    if isinstance(algorithm, str) and algorithm.startswith("HS"):
        return f"alg {algorithm!r} (HMAC, a shared secret) is refused: a seal needs a certificate"
    return f"alg {algorithm!r} is not supported; use one of {', '.join(ALGORITHMS)}"


def read_file(path: str | os.PathLike[str], what: str) -> bytes:
    """The bytes of a file; a `CertificateError` names the file when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CertificateError(f"cannot read {what} {path}: {error.strerror}") from None


def parse_certificates(data: bytes, source: str) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle, or the one certificate of a DER file."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise CertificateError(
            f"{source} holds no X.509 certificate", hint="give PEM or DER certificates"
        ) from None


def load_certificates(path: str | os.PathLike[str]) -> list[x509.Certificate]:
    """The certificates of a PEM file (one or more) or of a DER file."""
    return parse_certificates(read_file(path, "certificate file"), str(path))


def der(certificate: x509.Certificate) -> bytes:
    """The DER encoding of a certificate."""
    return certificate.public_bytes(Encoding.DER)


def thumbprint(certificate: x509.Certificate) -> str:
    """`x5t#S256`: the base64url (unpadded) SHA-256 digest of the certificate's DER."""
    digest = hashlib.sha256(der(certificate)).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _issuer_serial(certificate: x509.Certificate) -> rfc5035.IssuerSerial:
    name, _ = decoder.decode(certificate.issuer.public_bytes(), asn1Spec=rfc5280.Name())
    general_name = rfc5280.GeneralName()
    general_name.getComponentByName("directoryName").setComponentByPosition(0, name["rdnSequence"])
    names = rfc5280.GeneralNames()
    names.append(general_name)
    value = rfc5035.IssuerSerial()
    value["issuer"] = names
    value["serialNumber"] = certificate.serial_number
    return value


def issuer_serial(certificate: x509.Certificate) -> bytes:
    """The DER `IssuerSerial` (issuer name, serial number) that EDCI puts in `kid`."""
    return bytes(encoder.encode(_issuer_serial(certificate)))


def names_certificate(kid: bytes, certificate: x509.Certificate) -> bool | None:
    """Whether a DER `IssuerSerial` names this certificate; None when it is no IssuerSerial."""
    try:
        value, rest = decoder.decode(kid, asn1Spec=rfc5035.IssuerSerial())
    except PyAsn1Error:
        return None
    if rest:
        return None
    expected = _issuer_serial(certificate)
    return bool(
        int(value["serialNumber"]) == certificate.serial_number
        and encoder.encode(value["issuer"]) == encoder.encode(expected["issuer"])
    )


def key_problem(algorithm: str, public_key: object) -> str | None:
    """Why a public key cannot be used with a JWS algorithm, or None when it fits."""
    if algorithm not in ALGORITHM_KEYS:
        return f"{algorithm!r} is not a JAdES seal algorithm"
    curve = ALGORITHM_KEYS[algorithm]
    if curve is None:
        if not isinstance(public_key, rsa.RSAPublicKey):
            return f"{algorithm} needs an RSA key, not {describe_key(public_key)}"
        if public_key.key_size < MIN_RSA_BITS:
            return f"{algorithm} needs an RSA key of at least {MIN_RSA_BITS} bits"
        return None
    if not isinstance(public_key, ec.EllipticCurvePublicKey) or not isinstance(
        public_key.curve, curve
    ):
        return f"{algorithm} needs an EC {curve.name} key, not {describe_key(public_key)}"
    return None


def describe_key(public_key: object) -> str:
    """A short name of a key type: 'an RSA-2048 key', 'an EC secp256r1 key'."""
    if isinstance(public_key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        return f"an RSA-{public_key.key_size} key"
    if isinstance(public_key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey):
        return f"an EC {public_key.curve.name} key"
    return f"a {type(public_key).__name__}"


def algorithms_for(public_key: object) -> list[str]:
    """The seal algorithms a key can be used with."""
    return [name for name in ALGORITHM_KEYS if key_problem(name, public_key) is None]


def order_chain(
    leaf: x509.Certificate, others: Sequence[x509.Certificate], source: str
) -> tuple[x509.Certificate, ...]:
    """Leaf first, then each issuer; a certificate outside that chain is an error."""
    chain = [leaf]
    rest = [c for c in others if c != leaf]
    while rest:
        issuer = next((c for c in rest if c.subject == chain[-1].issuer), None)
        if issuer is None or chain[-1].issuer == chain[-1].subject:
            break
        chain.append(issuer)
        rest.remove(issuer)
    if rest:
        names = "; ".join(c.subject.rfc4514_string() for c in rest)
        raise CertificateError(
            f"{source} holds certificates outside the chain of "
            f"{leaf.subject.rfc4514_string()}: {names}",
            hint="give only the sealing certificate and its issuers",
        )
    return tuple(chain)


def _seal_key_usage(
    policy: verification.Policy, certificate: x509.Certificate, usage: x509.KeyUsage
) -> None:
    if not (usage.digital_signature or usage.content_commitment):
        raise ValueError("key usage allows neither digitalSignature nor nonRepudiation")


# The sealing certificate needs a signing key usage; any extended key usage is accepted (eSeal
# certificates carry clientAuth, emailProtection, documentSigning...). CAs follow the Web PKI
# rules: basic constraints, keyCertSign, permitted signature algorithms and key sizes.
_SEAL_POLICY = verification.ExtensionPolicy.permit_all().require_present(
    x509.KeyUsage, verification.Criticality.AGNOSTIC, _seal_key_usage
)


def build_chain(
    leaf: x509.Certificate,
    intermediates: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    at: datetime,
) -> list[x509.Certificate]:
    """The path from `leaf` to one of `anchors`, valid at `at`; a `CertificateError` if none."""
    verifier = (
        verification.PolicyBuilder()
        .store(verification.Store(list(anchors)))
        .time(at)
        .extension_policies(
            ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(), ee_policy=_SEAL_POLICY
        )
        .build_client_verifier()
    )
    try:
        return list(verifier.verify(leaf, list(intermediates)).chain)
    except verification.VerificationError as error:
        raise CertificateError(f"no trusted path at {at.isoformat()}: {error}") from None


def subject_name(certificate: x509.Certificate) -> str:
    """The certificate's subject as an RFC 4514 string."""
    return certificate.subject.rfc4514_string()
