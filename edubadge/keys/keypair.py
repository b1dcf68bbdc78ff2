"""Key pairs: generate, import and export (Multikey, JWK), sign and verify.

A `KeyPair` is also a `Signer`. Its secret never appears in `repr`, `str` or an error message;
exporting it takes an explicit `include_secret=True`. Algorithm-specific work is delegated to
the registered `KeyAlgorithm` (`edubadge.keys.algorithms`).
"""

from __future__ import annotations

from typing import Any

from jwcrypto import jwk

from ..errors import KeyFormatError
from .algorithms import KeyAlgorithm, algorithm_names, algorithm_of_key, get_algorithm
from .ecdsa import EcdsaCurve  # noqa: F401  (registers the P-256 and P-384 key types)
from .ed25519 import Ed25519  # noqa: F401  (registers the Ed25519 key type)
from .multikey import decode_multikey, encode_multibase


class KeyPair:
    """An asymmetric key (public, and secret when held) with its verification-method id."""

    def __init__(
        self,
        algorithm: str,
        public_key: Any,
        secret_key: Any | None = None,
        *,
        id: str | None = None,
        controller: str | None = None,
    ) -> None:
        self._algorithm: KeyAlgorithm = get_algorithm(algorithm)
        self.algorithm = algorithm
        self._public = public_key
        self.__secret = secret_key
        self.deterministic = False
        fingerprint = self.public_key_multibase
        self.controller = controller or (id.split("#", 1)[0] if id else f"did:key:{fingerprint}")
        self.id = id or f"{self.controller}#{fingerprint}"

    # --- identity --------------------------------------------------------------------------

    @property
    def public_bytes(self) -> bytes:
        """The raw public key (the bytes Multikey encodes)."""
        return self._algorithm.public_raw(self._public)

    @property
    def public_key_multibase(self) -> str:
        """The public key as a Multikey string (`z6Mk...` for Ed25519)."""
        prefix = self._algorithm.public_prefix
        if prefix is None:
            raise KeyFormatError(f"{self.algorithm} keys have no Multikey form")
        return encode_multibase(prefix + self.public_bytes)

    @property
    def public_key_object(self) -> Any:
        """The `cryptography` public key."""
        return self._public

    @property
    def has_secret(self) -> bool:
        """True when this pair can sign."""
        return self.__secret is not None

    def public(self) -> KeyPair:
        """The same key without its secret."""
        return KeyPair(self.algorithm, self._public, id=self.id, controller=self.controller)

    def with_deterministic_nonces(self) -> KeyPair:
        """The same key, signing without randomness: RFC 6979 nonces for ECDSA (EdDSA always is).

        Signatures then reproduce byte for byte (what test vectors need); random nonces, the
        default, are as valid and reveal nothing about repeated signing.
        """
        if not self._algorithm.deterministic_signing:
            raise KeyFormatError(f"{self.algorithm} keys cannot sign deterministically")
        twin = KeyPair(
            self.algorithm, self._public, self.__secret, id=self.id, controller=self.controller
        )
        twin.deterministic = True
        return twin

    def __repr__(self) -> str:
        secret = ", secret=<held>" if self.has_secret else ""
        nonces = ", deterministic" if self.deterministic else ""
        return f"KeyPair({self.algorithm}, id={self.id!r}{secret}{nonces})"

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
        if self.deterministic:
            return self._algorithm.sign_deterministic(self.__secret, data)
        return self._algorithm.sign(self.__secret, data)

    def verify(self, data: bytes, signature: bytes) -> bool:
        """True when `signature` is valid for `data` under this public key."""
        return self._algorithm.verify(self._public, data, signature)

    # --- export ----------------------------------------------------------------------------

    def _secret_or_raise(self) -> Any:
        if self.__secret is None:
            raise KeyFormatError(f"key {self.id!r} holds no secret to export")
        return self.__secret

    def to_multikey(self, *, include_secret: bool = False) -> dict[str, str]:
        """The key as a Multikey verification method (with `secretKeyMultibase` if asked)."""
        document = {
            "id": self.id,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": self.public_key_multibase,
        }
        if include_secret:
            raw = self._algorithm.secret_raw(self._secret_or_raise())
            prefix = self._algorithm.secret_prefix
            assert prefix is not None
            document["secretKeyMultibase"] = encode_multibase(prefix + raw)
        return document

    def to_jwk(self, *, include_secret: bool = False) -> dict[str, Any]:
        """The key as a JWK, public members only unless asked."""
        if include_secret:
            exported: dict[str, Any] = jwk.JWK.from_pyca(self._secret_or_raise()).export_private(
                as_dict=True
            )
        else:
            exported = jwk.JWK.from_pyca(self._public).export_public(as_dict=True)
        exported.pop("kid", None)
        return exported


# --- constructors ----------------------------------------------------------------------------


def generate(
    kind: str = "Ed25519", *, id: str | None = None, controller: str | None = None
) -> KeyPair:
    """A new random key pair; by default identified as a did:key."""
    algorithm = get_algorithm(kind)
    secret = algorithm.generate()
    return KeyPair(kind, secret.public_key(), secret, id=id, controller=controller)


def from_seed(seed: bytes, *, id: str | None = None, controller: str | None = None) -> KeyPair:
    """An Ed25519 key pair from its 32-byte seed (deterministic test keys, vectors)."""
    if len(seed) != 32:
        raise KeyFormatError(f"an Ed25519 seed has 32 bytes, not {len(seed)}")
    secret = get_algorithm("Ed25519").secret_from_raw(seed, None)
    return KeyPair("Ed25519", secret.public_key(), secret, id=id, controller=controller)


def from_multikey(
    public_key_multibase: str,
    secret_key_multibase: str | None = None,
    *,
    id: str | None = None,
    controller: str | None = None,
) -> KeyPair:
    """A key pair from Multikey strings (an Ed25519 secret: 32 bytes, or 64 = seed + public)."""
    algorithm, public_raw = decode_multikey(public_key_multibase, "public")
    public = algorithm.public_from_raw(public_raw)
    if secret_key_multibase is None:
        return KeyPair(algorithm.name, public, id=id, controller=controller)
    secret_algorithm, secret_raw = decode_multikey(secret_key_multibase, "secret")
    if secret_algorithm is not algorithm:
        raise KeyFormatError(
            f"secret key is {secret_algorithm.name}, public key is {algorithm.name}"
        )
    secret = algorithm.secret_from_raw(secret_raw, public_raw)
    if algorithm.public_raw(secret.public_key()) != public_raw:
        raise KeyFormatError("the secret key does not belong to the public key")
    return KeyPair(algorithm.name, public, secret, id=id, controller=controller)


def from_jwk(
    key: dict[str, Any], *, id: str | None = None, controller: str | None = None
) -> KeyPair:
    """A key pair from a JWK of a registered key type; private members optional."""
    if not isinstance(key, dict) or not isinstance(key.get("kty"), str):
        raise KeyFormatError("a JWK is a JSON object with a 'kty'")
    try:
        parsed = jwk.JWK(**key)
        if parsed.has_private:
            secret = parsed.get_op_key("sign")
            public = secret.public_key()
        else:
            secret, public = None, parsed.get_op_key("verify")
    except Exception as error:  # jwcrypto raises assorted types for bad members
        raise KeyFormatError(f"invalid JWK: {type(error).__name__}") from None
    algorithm = algorithm_of_key(public)
    return KeyPair(algorithm.name, public, secret, id=id, controller=controller)


__all__ = ["KeyPair", "algorithm_names", "from_jwk", "from_multikey", "from_seed", "generate"]
