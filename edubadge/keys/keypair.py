"""Key pairs: generate, import and export (Multikey, JWK), sign and verify.

A `KeyPair` is also a `Signer`. Its secret never appears in `repr`, `str` or an error message;
exporting it takes an explicit `include_secret=True`.
"""

from __future__ import annotations

from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from jwcrypto import jwk

from ..errors import KeyFormatError
from .multikey import decode_multikey, encode_multikey

ALGORITHMS = ("Ed25519",)

_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw
_RAW_PRIVATE = serialization.PrivateFormat.Raw
_NO_ENCRYPTION = serialization.NoEncryption()


class KeyPair:
    """An asymmetric key (public, and secret when held) with its verification-method id."""

    def __init__(
        self,
        algorithm: str,
        public_key: ed25519.Ed25519PublicKey,
        secret_key: ed25519.Ed25519PrivateKey | None = None,
        *,
        id: str | None = None,
        controller: str | None = None,
    ) -> None:
        if algorithm not in ALGORITHMS:
            raise KeyFormatError(
                f"unsupported key type {algorithm!r}", hint=f"use one of {ALGORITHMS}"
            )
        self.algorithm = algorithm
        self._public = public_key
        self.__secret = secret_key
        fingerprint = self.public_key_multibase
        self.controller = controller or (id.split("#", 1)[0] if id else f"did:key:{fingerprint}")
        self.id = id or f"{self.controller}#{fingerprint}"

    # --- identity --------------------------------------------------------------------------

    @property
    def public_bytes(self) -> bytes:
        """The raw public key."""
        return self._public.public_bytes(_RAW, _RAW_PUBLIC)

    @property
    def public_key_multibase(self) -> str:
        """The public key as a Multikey string (`z6Mk...` for Ed25519)."""
        return encode_multikey(self.algorithm, "public", self.public_bytes)

    @property
    def has_secret(self) -> bool:
        """True when this pair can sign."""
        return self.__secret is not None

    def public(self) -> KeyPair:
        """The same key without its secret."""
        return KeyPair(self.algorithm, self._public, id=self.id, controller=self.controller)

    def __repr__(self) -> str:
        secret = ", secret=<held>" if self.has_secret else ""
        return f"KeyPair({self.algorithm}, id={self.id!r}{secret})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, KeyPair)
            and other.algorithm == self.algorithm
            and other.public_bytes == self.public_bytes
            and other.id == self.id
        )

    def __hash__(self) -> int:
        return hash((self.algorithm, self.public_bytes, self.id))

    # --- use -------------------------------------------------------------------------------

    def sign(self, data: bytes) -> bytes:
        """Sign `data` (the `Signer` protocol)."""
        if self.__secret is None:
            raise KeyFormatError(f"key {self.id!r} holds no secret and cannot sign")
        return self.__secret.sign(data)

    def verify(self, data: bytes, signature: bytes) -> bool:
        """True when `signature` is valid for `data` under this public key."""
        try:
            self._public.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    # --- export ----------------------------------------------------------------------------

    def to_multikey(self, *, include_secret: bool = False) -> dict[str, str]:
        """The key as a Multikey verification method (with `secretKeyMultibase` if asked)."""
        document = {
            "id": self.id,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": self.public_key_multibase,
        }
        if include_secret:
            if self.__secret is None:
                raise KeyFormatError(f"key {self.id!r} holds no secret to export")
            seed = self.__secret.private_bytes(_RAW, _RAW_PRIVATE, _NO_ENCRYPTION)
            document["secretKeyMultibase"] = encode_multikey(self.algorithm, "secret", seed)
        return document

    def to_jwk(self, *, include_secret: bool = False) -> dict[str, Any]:
        """The key as a JWK (RFC 8037 OKP for Ed25519), public members only unless asked."""
        key = jwk.JWK.from_pyca(self.__secret if include_secret and self.__secret else self._public)
        if include_secret:
            if self.__secret is None:
                raise KeyFormatError(f"key {self.id!r} holds no secret to export")
            exported: dict[str, Any] = key.export_private(as_dict=True)
        else:
            exported = key.export_public(as_dict=True)
        exported.pop("kid", None)
        return exported


# --- constructors ----------------------------------------------------------------------------


def generate(
    kind: str = "Ed25519", *, id: str | None = None, controller: str | None = None
) -> KeyPair:
    """A new random key pair; by default identified as a did:key."""
    if kind != "Ed25519":
        raise KeyFormatError(f"unsupported key type {kind!r}", hint=f"use one of {ALGORITHMS}")
    secret = ed25519.Ed25519PrivateKey.generate()
    return KeyPair(kind, secret.public_key(), secret, id=id, controller=controller)


def from_seed(seed: bytes, *, id: str | None = None, controller: str | None = None) -> KeyPair:
    """An Ed25519 key pair from its 32-byte seed (deterministic test keys, vectors)."""
    if len(seed) != 32:
        raise KeyFormatError(f"an Ed25519 seed has 32 bytes, not {len(seed)}")
    secret = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    return KeyPair("Ed25519", secret.public_key(), secret, id=id, controller=controller)


def from_multikey(
    public_key_multibase: str,
    secret_key_multibase: str | None = None,
    *,
    id: str | None = None,
    controller: str | None = None,
) -> KeyPair:
    """A key pair from Multikey strings; an Ed25519 secret holds 32 bytes or 64 (seed + public)."""
    algorithm, public_raw = decode_multikey(public_key_multibase, "public")
    if algorithm != "Ed25519":
        raise KeyFormatError(f"unsupported key type {algorithm!r}", hint=f"use one of {ALGORITHMS}")
    if len(public_raw) != 32:
        raise KeyFormatError(f"an Ed25519 public key has 32 bytes, not {len(public_raw)}")
    public = ed25519.Ed25519PublicKey.from_public_bytes(public_raw)
    if secret_key_multibase is None:
        return KeyPair(algorithm, public, id=id, controller=controller)
    secret_algorithm, secret_raw = decode_multikey(secret_key_multibase, "secret")
    if secret_algorithm != algorithm:
        raise KeyFormatError(f"secret key is {secret_algorithm}, public key is {algorithm}")
    if len(secret_raw) == 64:
        # Digital Bazaar's form: seed || public key; the halves must agree.
        if secret_raw[32:] != public_raw:
            raise KeyFormatError("the 64-byte secret key does not end with the public key")
        secret_raw = secret_raw[:32]
    if len(secret_raw) != 32:
        raise KeyFormatError(f"an Ed25519 secret key has 32 or 64 bytes, not {len(secret_raw)}")
    secret = ed25519.Ed25519PrivateKey.from_private_bytes(secret_raw)
    if secret.public_key().public_bytes(_RAW, _RAW_PUBLIC) != public_raw:
        raise KeyFormatError("the secret key does not belong to the public key")
    return KeyPair(algorithm, public, secret, id=id, controller=controller)


def from_jwk(
    key: dict[str, Any], *, id: str | None = None, controller: str | None = None
) -> KeyPair:
    """A key pair from a JWK (OKP Ed25519); private member `d` optional."""
    if not isinstance(key, dict) or key.get("kty") != "OKP" or key.get("crv") != "Ed25519":
        raise KeyFormatError(
            "only OKP Ed25519 JWKs are supported", hint='expected {"kty": "OKP", "crv": "Ed25519"}'
        )
    try:
        parsed = jwk.JWK(**key)
        if parsed.has_private:
            secret = parsed.get_op_key("sign")
            return KeyPair("Ed25519", secret.public_key(), secret, id=id, controller=controller)
        return KeyPair("Ed25519", parsed.get_op_key("verify"), id=id, controller=controller)
    except KeyFormatError:
        raise
    except Exception as error:  # jwcrypto raises assorted types for bad members
        raise KeyFormatError(f"invalid JWK: {type(error).__name__}") from None
