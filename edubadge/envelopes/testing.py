"""A throw-away PKI for tests and demos: a root CA and an eSeal certificate under it.

Never for real seals: a real eSeal certificate comes from a (qualified) trust service
provider, and its key usually stays in a hardware token.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from .certificates import ALGORITHM_KEYS
from .material import SealingKey, SealingMaterial

_KEY_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)


def _key_usage(*allowed: str) -> x509.KeyUsage:
    return x509.KeyUsage(**{usage: usage in allowed for usage in _KEY_USAGES})


_CA_KEY_USAGE = _key_usage("key_cert_sign", "crl_sign")
_SEAL_KEY_USAGE = _key_usage("digital_signature", "content_commitment")


def _key_for(algorithm: str) -> SealingKey:
    if algorithm not in ALGORITHM_KEYS:
        raise ValueError(f"no key type for {algorithm!r}")
    curve = ALGORITHM_KEYS[algorithm]
    if curve is None:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(curve())


def _name(common_name: str, organisation: str, country: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    subject: x509.Name,
    key: SealingKey,
    issuer: x509.Name,
    issuer_key: SealingKey,
    validity: tuple[datetime, datetime],
    *,
    ca: bool,
) -> x509.Certificate:
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_CA_KEY_USAGE if ca else _SEAL_KEY_USAGE, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    return builder.sign(issuer_key, hashes.SHA256())


def make_test_material(
    algorithm: str = "RS256",
    *,
    organisation: str = "Example University",
    country: str = "BE",
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    intermediate: bool = False,
) -> tuple[SealingMaterial, x509.Certificate]:
    """Sealing material for `algorithm` (RSA-2048 or the EC curve it needs) and its root CA.

    The seal certificate is valid from `not_before` (default: a day ago) to `not_after`
    (default: a year on); the CAs cover that span. With `intermediate`, an intermediate CA
    sits between the root and the seal certificate, and the chain holds it.
    """
    start = not_before or datetime.now(UTC) - timedelta(days=1)
    end = not_after or start + timedelta(days=366)
    span = (start - timedelta(days=1), end + timedelta(days=1))
    root_key: SealingKey = ec.generate_private_key(ec.SECP256R1())
    root_name = _name(f"{organisation} Test Root CA", organisation, country)
    root = _certificate(root_name, root_key, root_name, root_key, span, ca=True)
    issuer_name, issuer_key, chain = root_name, root_key, []
    if intermediate:
        ca_key: SealingKey = ec.generate_private_key(ec.SECP256R1())
        ca_name = _name(f"{organisation} Test Seal CA", organisation, country)
        chain.append(_certificate(ca_name, ca_key, root_name, root_key, span, ca=True))
        issuer_name, issuer_key = ca_name, ca_key
    key = _key_for(algorithm)
    seal_name = _name(f"{organisation} Test eSeal", organisation, country)
    leaf = _certificate(seal_name, key, issuer_name, issuer_key, (start, end), ca=False)
    return SealingMaterial((leaf, *reversed(chain)), key), root
