"""Key algorithms: what each key type knows about its bytes, signatures and Multikey form.

A `KeyPair` delegates every algorithm-specific step to one `KeyAlgorithm`; adding a key type
is one module with one subclass and one `register_algorithm` call.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from ..errors import KeyFormatError


class KeyAlgorithm(ABC):
    """One key type (e.g. "Ed25519"): generation, raw encodings, signing, verifying."""

    name: str
    # multicodec varint prefixes of the Multikey encodings (None: no Multikey form)
    public_prefix: bytes | None = None
    secret_prefix: bytes | None = None
    # True when `sign_deterministic` exists: the same key and data give the same signature
    deterministic_signing: bool = False
    # JOSE names of the signature schemes of a key type that has several (RSA: RS256, PS256);
    # the first is what `sign` does. Empty: the key type has one scheme.
    signature_algorithms: tuple[str, ...] = ()

    @abstractmethod
    def generate(self) -> Any:
        """A new private key object (a `cryptography` key)."""

    @abstractmethod
    def public_raw(self, public_key: Any) -> bytes:
        """The public key bytes used in Multikey and did:key."""

    @abstractmethod
    def public_from_raw(self, raw: bytes) -> Any:
        """A public key object from `public_raw` bytes; `KeyFormatError` if invalid."""

    @abstractmethod
    def secret_raw(self, secret_key: Any) -> bytes:
        """The secret key bytes used in `secretKeyMultibase`."""

    @abstractmethod
    def secret_from_raw(self, raw: bytes, public_raw: bytes | None) -> Any:
        """A private key object from `secret_raw` bytes (checked against `public_raw` if given)."""

    @abstractmethod
    def sign(self, secret_key: Any, data: bytes) -> bytes:
        """The algorithm's signature over `data`."""

    def sign_deterministic(self, secret_key: Any, data: bytes) -> bytes:
        """The signature over `data` with no randomness (RFC 6979 nonces for ECDSA)."""
        raise KeyFormatError(f"{self.name} keys cannot sign deterministically")

    @abstractmethod
    def verify(self, public_key: Any, data: bytes, signature: bytes) -> bool:
        """True when `signature` is valid for `data`."""

    def owns(self, key: Any) -> bool:
        """True when a `cryptography` key object is of this algorithm."""
        return False

    def validate(self, public_key: Any) -> None:
        """Refuse a key this algorithm must not use (e.g. a short RSA modulus)."""
        return None

    def check_scheme(self, scheme: str | None) -> None:
        """Refuse a signature scheme this key type does not have."""
        if scheme is not None and scheme not in self.signature_algorithms:
            have = ", ".join(self.signature_algorithms) or "only its own scheme"
            raise KeyFormatError(
                f"{self.name} keys cannot sign {scheme!r}", hint=f"they sign {have}"
            )

    def sign_as(self, secret_key: Any, data: bytes, scheme: str | None) -> bytes:
        """The signature over `data` with the named scheme (None: the default one)."""
        self.check_scheme(scheme)
        return self.sign(secret_key, data)

    def verify_as(self, public_key: Any, data: bytes, signature: bytes, scheme: str | None) -> bool:
        """True when `signature` is valid for `data` under the named scheme."""
        self.check_scheme(scheme)
        return self.verify(public_key, data, signature)


_ALGORITHMS: dict[str, KeyAlgorithm] = {}


def register_algorithm(algorithm: KeyAlgorithm) -> None:
    """Make a key type available to `generate`, `from_multikey`, `from_jwk` and the resolver."""
    _ALGORITHMS[algorithm.name] = algorithm


def get_algorithm(name: str) -> KeyAlgorithm:
    """The registered key type `name`."""
    try:
        return _ALGORITHMS[name]
    except KeyError:
        raise KeyFormatError(
            f"unsupported key type {name!r}", hint=f"use one of {', '.join(algorithm_names())}"
        ) from None


def algorithm_names() -> list[str]:
    """Names of the registered key types."""
    return list(_ALGORITHMS)


def algorithm_of_key(key: Any) -> KeyAlgorithm:
    """The registered algorithm of a `cryptography` key object."""
    for algorithm in _ALGORITHMS.values():
        if algorithm.owns(key):
            return algorithm
    raise KeyFormatError(f"unsupported key object {type(key).__name__}")


def algorithm_of_prefix(data: bytes, kind: str) -> tuple[KeyAlgorithm, bytes]:
    """(algorithm, raw bytes) of a decoded Multikey value of the given kind."""
    for algorithm in _ALGORITHMS.values():
        prefix = algorithm.public_prefix if kind == "public" else algorithm.secret_prefix
        if prefix and data.startswith(prefix):
            return algorithm, data[len(prefix) :]
    raise KeyFormatError(f"{kind} key has an unknown multicodec prefix 0x{data[:2].hex()}")
