"""Ed25519 (RFC 8032) keys."""

from __future__ import annotations

from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from ..errors import KeyFormatError
from .algorithms import KeyAlgorithm, register_algorithm

_RAW = serialization.Encoding.Raw


class Ed25519(KeyAlgorithm):
    """Ed25519: 32-byte public keys and seeds; a 64-byte secret is seed || public key."""

    name = "Ed25519"
    public_prefix = b"\xed\x01"
    secret_prefix = b"\x80\x26"
    deterministic_signing = True  # EdDSA signatures are deterministic by construction

    def generate(self) -> Any:
        return ed25519.Ed25519PrivateKey.generate()

    def public_raw(self, public_key: Any) -> bytes:
        return public_key.public_bytes(_RAW, serialization.PublicFormat.Raw)  # type: ignore[no-any-return]

    def public_from_raw(self, raw: bytes) -> Any:
        if len(raw) != 32:
            raise KeyFormatError(f"an Ed25519 public key has 32 bytes, not {len(raw)}")
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)

    def secret_raw(self, secret_key: Any) -> bytes:
        return secret_key.private_bytes(  # type: ignore[no-any-return]
            _RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )

    def secret_from_raw(self, raw: bytes, public_raw: bytes | None) -> Any:
        if len(raw) == 64:
            # Digital Bazaar's form: seed || public key; the halves must agree.
            if public_raw is not None and raw[32:] != public_raw:
                raise KeyFormatError("the 64-byte secret key does not end with the public key")
            raw = raw[:32]
        if len(raw) != 32:
            raise KeyFormatError(f"an Ed25519 secret key has 32 or 64 bytes, not {len(raw)}")
        return ed25519.Ed25519PrivateKey.from_private_bytes(raw)

    def sign(self, secret_key: Any, data: bytes) -> bytes:
        return secret_key.sign(data)  # type: ignore[no-any-return]

    def sign_deterministic(self, secret_key: Any, data: bytes) -> bytes:
        return self.sign(secret_key, data)

    def verify(self, public_key: Any, data: bytes, signature: bytes) -> bool:
        try:
            public_key.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def owns(self, key: Any) -> bool:
        return isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey))


register_algorithm(Ed25519())
