"""RSA keys (RFC 8017) for JOSE: RS256 (PKCS#1 v1.5) and PS256 (PSS), SHA-256.

RSA has no Multikey form here: an RSA key is exchanged as a JWK or PEM, published as a
`JsonWebKey` verification method, and identified by default as a did:jwk. Keys shorter than
2048 bits are refused everywhere (generate, import, verify); new keys have 3072 bits.

A key pair signs RS256 unless it was made with `signature_algorithm="PS256"` (see
`KeyPair.with_signature_algorithm`): a signer states its scheme in `signature_algorithm`.
"""

from __future__ import annotations

from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ..errors import KeyFormatError
from .algorithms import KeyAlgorithm, register_algorithm

MIN_BITS = 2048
DEFAULT_BITS = 3072
_DER = serialization.Encoding.DER


def _padding(scheme: str | None) -> padding.AsymmetricPadding:
    if scheme == "PS256":
        # RFC 7518 3.5: MGF1 with the same hash, a salt as long as the hash
        return padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    return padding.PKCS1v15()


class RSA(KeyAlgorithm):
    """RSA with SHA-256: RS256 by default, PS256 when asked."""

    name = "RSA"
    signature_algorithms = ("RS256", "PS256")

    def generate(self, bits: int = DEFAULT_BITS) -> Any:
        if bits < MIN_BITS:
            raise KeyFormatError(f"RSA keys need at least {MIN_BITS} bits, not {bits}")
        return rsa.generate_private_key(public_exponent=65537, key_size=bits)

    def validate(self, public_key: Any) -> None:
        if public_key.key_size < MIN_BITS:
            raise KeyFormatError(
                f"RSA key of {public_key.key_size} bits refused: at least {MIN_BITS} are needed"
            )

    def public_raw(self, public_key: Any) -> bytes:
        """DER SubjectPublicKeyInfo."""
        return public_key.public_bytes(_DER, serialization.PublicFormat.SubjectPublicKeyInfo)  # type: ignore[no-any-return]

    def public_from_raw(self, raw: bytes) -> Any:
        try:
            key = serialization.load_der_public_key(raw)
        except ValueError:
            raise KeyFormatError("not a DER RSA public key") from None
        if not isinstance(key, rsa.RSAPublicKey):
            raise KeyFormatError("not an RSA public key")
        self.validate(key)
        return key

    def secret_raw(self, secret_key: Any) -> bytes:
        """DER PKCS#8, unencrypted."""
        return secret_key.private_bytes(  # type: ignore[no-any-return]
            _DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def secret_from_raw(self, raw: bytes, public_raw: bytes | None) -> Any:
        try:
            key = serialization.load_der_private_key(raw, password=None)
        except (ValueError, TypeError):
            raise KeyFormatError("not a DER PKCS#8 RSA private key") from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise KeyFormatError("not an RSA private key")
        if public_raw is not None and self.public_raw(key.public_key()) != public_raw:
            raise KeyFormatError("the secret key does not belong to the public key")
        self.validate(key.public_key())
        return key

    def sign(self, secret_key: Any, data: bytes) -> bytes:
        return self.sign_as(secret_key, data, None)

    def verify(self, public_key: Any, data: bytes, signature: bytes) -> bool:
        return self.verify_as(public_key, data, signature, None)

    def sign_as(self, secret_key: Any, data: bytes, scheme: str | None) -> bytes:
        self.check_scheme(scheme)
        return secret_key.sign(data, _padding(scheme), hashes.SHA256())  # type: ignore[no-any-return]

    def verify_as(self, public_key: Any, data: bytes, signature: bytes, scheme: str | None) -> bool:
        self.check_scheme(scheme)
        try:
            public_key.verify(signature, data, _padding(scheme), hashes.SHA256())
        except InvalidSignature:
            return False
        return True

    def owns(self, key: Any) -> bool:
        return isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey))


register_algorithm(RSA())
