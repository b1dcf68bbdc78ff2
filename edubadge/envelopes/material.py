"""Sealing material: an X.509 certificate chain and its private key (PEM or PKCS#12)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from jwcrypto.jwk import JWK

from ..errors import CertificateError, KeyFileError, KeyFormatError
from .certificates import describe_key, order_chain, parse_certificates, read_file

SealingKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class SealingMaterial:
    """The sealing certificate first, then its issuers, and the certificate's private key.

    The key never shows in `repr` or `str`.
    """

    certificate_chain: tuple[x509.Certificate, ...]
    key: SealingKey = field(repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.certificate_chain:
            raise CertificateError("sealing material needs at least the sealing certificate")
        if not isinstance(self.key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise KeyFormatError(
                f"a seal needs an RSA or EC key, not {describe_key(self.key)}",
                hint="JAdES seals use RS256, PS256 or ES256 (and their 384/512 variants)",
            )
        if _public_bytes(self.key.public_key()) != _public_bytes(self.certificate.public_key()):
            raise KeyFormatError(
                f"the key does not belong to the certificate of {self.certificate.subject}",
                hint="give the private key of the sealing certificate",
            )

    @property
    def certificate(self) -> x509.Certificate:
        """The sealing certificate (the first of the chain)."""
        return self.certificate_chain[0]

    @cached_property
    def jwk(self) -> Any:
        """The key as a jwcrypto JWK, made once: jwcrypto rebuilds (and re-checks) an RSA key
        on its first use, which costs tens of milliseconds."""
        return JWK.from_pyca(self.key)


def _public_bytes(key: object) -> bytes:
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        return b""
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _refuse_exposed(path: str | os.PathLike[str]) -> None:
    """An unencrypted key must be readable by its owner only."""
    mode = Path(path).stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"key file {path} is not encrypted and group or others can access it "
            f"(mode {stat.S_IMODE(mode):o})",
            hint=f"chmod 600 {path}, or encrypt the key and pass its password",
        )


def _sealing_key(key: object, source: str) -> SealingKey:
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise KeyFormatError(
            f"{source} holds {describe_key(key)}: a seal needs an RSA or EC key",
        )
    return key


def _private_key(data: bytes, password: bytes | None, source: str) -> SealingKey:
    try:
        if b"-----BEGIN" in data:
            key: object = serialization.load_pem_private_key(data, password)
        else:
            key = serialization.load_der_private_key(data, password)
    except TypeError:
        if password is None:
            raise KeyFileError(
                f"the key in {source} is encrypted", hint="pass its password"
            ) from None
        raise KeyFileError(
            f"the key in {source} is not encrypted", hint="pass no password"
        ) from None
    except ValueError:
        raise KeyFileError(
            f"cannot read a private key from {source}",
            hint="give a PEM or DER private key and, if it is encrypted, its password",
        ) from None
    except UnsupportedAlgorithm:
        raise KeyFormatError(f"{source} holds a key type that cannot seal") from None
    return _sealing_key(key, source)


def _pkcs12(
    data: bytes, password: bytes | None, source: str
) -> tuple[SealingKey, list[x509.Certificate]]:
    try:
        key, certificate, additional = pkcs12.load_key_and_certificates(data, password)
    except ValueError:
        raise KeyFileError(
            f"cannot open {source} as a PKCS#12 bundle",
            hint="a wrong or missing password, or not a PKCS#12 (.p12/.pfx) file",
        ) from None
    if key is None or certificate is None:
        raise KeyFileError(f"PKCS#12 bundle {source} lacks the private key or its certificate")
    return _sealing_key(key, source), [certificate, *additional]


def _leaf(key: SealingKey, certificates: list[x509.Certificate], source: str) -> x509.Certificate:
    public = _public_bytes(key.public_key())
    for certificate in certificates:
        if _public_bytes(certificate.public_key()) == public:
            return certificate
    raise KeyFormatError(
        f"no certificate in {source} belongs to the private key",
        hint="give the sealing certificate together with its own private key",
    )


def load_sealing_material(
    certificate: str | os.PathLike[str],
    key: str | os.PathLike[str] | None = None,
    *,
    password: bytes | None = None,
) -> SealingMaterial:
    """Read a sealing certificate chain and its key.

    `certificate` is a PEM file (the sealing certificate and its issuers, in any order,
    optionally with the key), a DER certificate, or, when `key` is None, a PKCS#12 bundle.
    `key` is a PEM or DER private key file. `password` decrypts an encrypted key or bundle; a
    key that is not encrypted must be in a file only its owner can read.
    """
    data = read_file(certificate, "certificate file")
    source = str(certificate)
    if key is not None:
        certificates = parse_certificates(data, source)
        key_source = str(key)
        key_data = read_file(key, "key file")
        private = _private_key(key_data, password, key_source)
        if password is None:
            _refuse_exposed(key)
    elif b"-----BEGIN" in data:
        certificates = parse_certificates(data, source)
        if b"PRIVATE KEY-----" not in data:
            raise KeyFileError(
                f"{source} holds no private key",
                hint="pass the key file as well, or give a PKCS#12 bundle",
            )
        private = _private_key(data, password, source)
        if password is None:
            _refuse_exposed(certificate)
    else:
        private, certificates = _pkcs12(data, password, source)
        if password is None:
            _refuse_exposed(certificate)
    leaf = _leaf(private, certificates, source)
    chain = order_chain(leaf, certificates, source)
    return SealingMaterial(chain, private)
