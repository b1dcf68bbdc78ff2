"""ECDSA keys on the NIST curves P-256 and P-384 (FIPS 186-5).

Multikey holds the compressed point (prefixes 0x1200 / 0x1201) and the raw secret scalar
(0x1306 / 0x1307); did:key identifiers start `zDn` (P-256) and `z82` (P-384). Signatures are
the fixed-width IEEE P1363 form r || s that the Data Integrity suites and JOSE use, never DER.

Verification accepts both S values of a signature: FIPS 186-5 ECDSA does, neither VC DI
ECDSA nor JOSE asks for low-S, and the W3C test vectors themselves carry high-S signatures.
What is refused is any other encoding: a wrong length, or r or s outside [1, n-1].
"""

from __future__ import annotations

from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from ..errors import KeyFormatError
from .algorithms import KeyAlgorithm, register_algorithm

# Group orders (FIPS 186-5 / SP 800-186); `cryptography` does not expose them.
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P384_ORDER = int(
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
    16,
)


class EcdsaCurve(KeyAlgorithm):
    """ECDSA on one curve, hashing with the curve's SHA-2 (SHA-256 / SHA-384)."""

    curve: ec.EllipticCurve
    hash_algorithm: hashes.HashAlgorithm
    hash_name: str
    size: int  # bytes of a scalar or coordinate
    order: int
    deterministic_signing = True

    def generate(self) -> Any:
        return ec.generate_private_key(self.curve)

    def public_raw(self, public_key: Any) -> bytes:
        return public_key.public_bytes(  # type: ignore[no-any-return]
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
        )

    def public_from_raw(self, raw: bytes) -> Any:
        if len(raw) != self.size + 1 or raw[0] not in (2, 3):
            raise KeyFormatError(
                f"a {self.name} public key is a {self.size + 1}-byte compressed point"
            )
        try:
            return ec.EllipticCurvePublicKey.from_encoded_point(self.curve, raw)
        except ValueError:
            raise KeyFormatError(f"the public key is not a point on {self.name}") from None

    def secret_raw(self, secret_key: Any) -> bytes:
        value: int = secret_key.private_numbers().private_value
        return value.to_bytes(self.size, "big")

    def secret_from_raw(self, raw: bytes, public_raw: bytes | None) -> Any:
        if len(raw) != self.size:
            raise KeyFormatError(f"a {self.name} secret key has {self.size} bytes, not {len(raw)}")
        value = int.from_bytes(raw, "big")
        if not 0 < value < self.order:
            raise KeyFormatError(f"the secret key is not a valid {self.name} scalar")
        secret = ec.derive_private_key(value, self.curve)
        if public_raw is not None and self.public_raw(secret.public_key()) != public_raw:
            raise KeyFormatError("the secret key does not belong to the public key")
        return secret

    def _raw_signature(self, der: bytes) -> bytes:
        r, s = decode_dss_signature(der)
        return r.to_bytes(self.size, "big") + s.to_bytes(self.size, "big")

    def sign(self, secret_key: Any, data: bytes) -> bytes:
        return self._raw_signature(secret_key.sign(data, ec.ECDSA(self.hash_algorithm)))

    def sign_deterministic(self, secret_key: Any, data: bytes) -> bytes:
        algorithm = ec.ECDSA(self.hash_algorithm, deterministic_signing=True)
        return self._raw_signature(secret_key.sign(data, algorithm))

    def verify(self, public_key: Any, data: bytes, signature: bytes) -> bool:
        if len(signature) != 2 * self.size:
            return False
        r = int.from_bytes(signature[: self.size], "big")
        s = int.from_bytes(signature[self.size :], "big")
        if not (0 < r < self.order and 0 < s < self.order):
            return False
        try:
            public_key.verify(encode_dss_signature(r, s), data, ec.ECDSA(self.hash_algorithm))
        except InvalidSignature:
            return False
        return True

    def owns(self, key: Any) -> bool:
        return (
            isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey))
            and key.curve.name == self.curve.name
        )


class P256(EcdsaCurve):
    """ECDSA on P-256 with SHA-256 (JOSE ES256); did:key `zDn...`."""

    name = "P-256"
    public_prefix = b"\x80\x24"
    secret_prefix = b"\x86\x26"
    curve = ec.SECP256R1()
    hash_algorithm = hashes.SHA256()
    hash_name = "sha256"
    size = 32
    order = P256_ORDER


class P384(EcdsaCurve):
    """ECDSA on P-384 with SHA-384 (JOSE ES384); did:key `z82...`."""

    name = "P-384"
    public_prefix = b"\x81\x24"
    secret_prefix = b"\x87\x26"
    curve = ec.SECP384R1()
    hash_algorithm = hashes.SHA384()
    hash_name = "sha384"
    size = 48
    order = P384_ORDER


register_algorithm(P256())
register_algorithm(P384())


def curve_hash(key_algorithm: str | None) -> str:
    """The SHA-2 hash that goes with an ECDSA key type (SHA-384 for P-384, else SHA-256)."""
    return P384.hash_name if key_algorithm == P384.name else P256.hash_name
