"""Key pairs: generate, import and export (Multikey, JWK, PEM), sign and verify.

A `KeyPair` is also a `Signer`. Its secret never appears in `repr`, `str` or an error message;
exporting it takes an explicit `include_secret=True`. Algorithm-specific work is delegated to
the registered `KeyAlgorithm` (`edubadge.keys.algorithms`).
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization
from jwcrypto import jwk

from ..errors import KeyFormatError
from .algorithms import KeyAlgorithm, algorithm_names, algorithm_of_key, get_algorithm
from .did_jwk import encode_did_jwk
from .ecdsa import EcdsaCurve  # noqa: F401  (registers the P-256 and P-384 key types)
from .ed25519 import Ed25519  # noqa: F401  (registers the Ed25519 key type)
from .multikey import decode_multikey, encode_multibase
from .rsa import RSA

_PEM = serialization.Encoding.PEM


def _passphrase_bytes(passphrase: str | bytes) -> bytes:
    value = passphrase.encode("utf-8") if isinstance(passphrase, str) else bytes(passphrase)
    if not value:
        raise KeyFormatError("an empty passphrase protects nothing")
    return value


class KeyPair:
    """An asymmetric key (public, and secret when held) with its verification-method id.

    Without an `id` or `controller`, a key is identified by its did:key (key types with a
    Multikey form) or its did:jwk (RSA). `signature_algorithm` picks the scheme of a key type
    that has several (RSA: "RS256", the default, or "PS256").
    """

    def __init__(
        self,
        algorithm: str,
        public_key: Any,
        secret_key: Any | None = None,
        *,
        id: str | None = None,
        controller: str | None = None,
        signature_algorithm: str | None = None,
    ) -> None:
        self._algorithm: KeyAlgorithm = get_algorithm(algorithm)
        self._algorithm.validate(public_key)
        self.algorithm = algorithm
        self._public = public_key
        self.__secret = secret_key
        self.deterministic = False
        self._algorithm.check_scheme(signature_algorithm)
        schemes = self._algorithm.signature_algorithms
        self.signature_algorithm = signature_algorithm or (schemes[0] if schemes else None)
        if controller is None and id is None:
            if self._algorithm.public_prefix is None:
                controller = encode_did_jwk(self.to_jwk())
                id = f"{controller}#0"
            else:
                controller = f"did:key:{self.public_key_multibase}"
        self.controller = controller or str(id).split("#", 1)[0]
        self.id = id or f"{self.controller}#{self.fingerprint}"

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
    def fingerprint(self) -> str:
        """The Multikey string, or the RFC 7638 JWK thumbprint for keys without Multikey."""
        if self._algorithm.public_prefix is None:
            return str(jwk.JWK.from_pyca(self._public).thumbprint())
        return self.public_key_multibase

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
        return KeyPair(
            self.algorithm,
            self._public,
            id=self.id,
            controller=self.controller,
            signature_algorithm=self.signature_algorithm,
        )

    def with_signature_algorithm(self, name: str | None) -> KeyPair:
        """The same key signing with another scheme of its type (RSA: "RS256" or "PS256")."""
        twin = KeyPair(
            self.algorithm,
            self._public,
            self.__secret,
            id=self.id,
            controller=self.controller,
            signature_algorithm=name,
        )
        twin.deterministic = self.deterministic
        return twin

    def with_deterministic_nonces(self) -> KeyPair:
        """The same key, signing without randomness: RFC 6979 nonces for ECDSA (EdDSA always is).

        Signatures then reproduce byte for byte (what test vectors need); random nonces, the
        default, are as valid and reveal nothing about repeated signing.
        """
        if not self._algorithm.deterministic_signing:
            raise KeyFormatError(f"{self.algorithm} keys cannot sign deterministically")
        twin = self.with_signature_algorithm(self.signature_algorithm)
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
        return self._algorithm.sign_as(self.__secret, data, self.signature_algorithm)

    def verify(self, data: bytes, signature: bytes) -> bool:
        """True when `signature` is valid for `data` under this public key (and its scheme)."""
        return self._algorithm.verify_as(self._public, data, signature, self.signature_algorithm)

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

    def to_verification_method(self) -> dict[str, Any]:
        """The public key as a verification method: Multikey, or JsonWebKey when it has none."""
        if self._algorithm.public_prefix is not None:
            return dict(self.public().to_multikey())
        return {
            "id": self.id,
            "type": "JsonWebKey",
            "controller": self.controller,
            "publicKeyJwk": self.to_jwk(),
        }

    def to_pem(self, *, include_secret: bool = False, passphrase: str | bytes | None = None) -> str:
        """PEM: the public key (SubjectPublicKeyInfo), or with `include_secret` the private key
        as PKCS#8, encrypted with `passphrase` when given (PBES2, PBKDF2-SHA256, AES-256-CBC)."""
        if not include_secret:
            if passphrase is not None:
                raise KeyFormatError("a passphrase encrypts a private key: pass include_secret")
            data = self._public.public_bytes(_PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        else:
            encryption: serialization.KeySerializationEncryption = (
                serialization.NoEncryption()
                if passphrase is None
                else serialization.BestAvailableEncryption(_passphrase_bytes(passphrase))
            )
            data = self._secret_or_raise().private_bytes(
                _PEM, serialization.PrivateFormat.PKCS8, encryption
            )
        return str(data.decode("ascii"))


# --- constructors ----------------------------------------------------------------------------


def generate(
    kind: str = "Ed25519",
    *,
    id: str | None = None,
    controller: str | None = None,
    bits: int | None = None,
) -> KeyPair:
    """A new random key pair; by default identified as a did:key (did:jwk for RSA).

    `bits` sizes an RSA key (at least 2048; default 3072); other key types have a fixed size.
    """
    algorithm = get_algorithm(kind)
    if bits is None:
        secret = algorithm.generate()
    elif isinstance(algorithm, RSA):
        secret = algorithm.generate(bits)
    else:
        raise KeyFormatError(f"{kind} keys have a fixed size", hint="bits is for RSA keys")
    return KeyPair(kind, secret.public_key(), secret, id=id, controller=controller)


def from_pem(
    data: str | bytes,
    *,
    passphrase: str | bytes | None = None,
    id: str | None = None,
    controller: str | None = None,
) -> KeyPair:
    """A key pair from PEM: a PKCS#8 private key (encrypted or not) or a public key."""
    raw = data.encode("ascii", "replace") if isinstance(data, str) else bytes(data)
    if b"PRIVATE KEY-----" in raw:
        encrypted = b"ENCRYPTED PRIVATE KEY" in raw
        if encrypted and passphrase is None:
            raise KeyFormatError("the private key is encrypted", hint="give its passphrase")
        if not encrypted and passphrase is not None:
            raise KeyFormatError("the private key is not encrypted, yet a passphrase was given")
        try:
            secret = serialization.load_pem_private_key(
                raw, None if passphrase is None else _passphrase_bytes(passphrase)
            )
        except (ValueError, TypeError):
            problem = "wrong passphrase or damaged data" if encrypted else "damaged data"
            raise KeyFormatError(f"cannot read the PEM private key: {problem}") from None
        public: Any = secret.public_key()
    else:
        try:
            public = serialization.load_pem_public_key(raw)
        except (ValueError, TypeError):
            raise KeyFormatError("not a PEM public key or PKCS#8 private key") from None
        secret = None
    algorithm = algorithm_of_key(public)
    return KeyPair(algorithm.name, public, secret, id=id, controller=controller)


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
    if secret is not None:
        # jwcrypto derives the public key from the private members and ignores the public
        # ones: a JWK whose `x` names another key must not pass for that key.
        derived = jwk.JWK.from_pyca(public).export_public(as_dict=True)
        for member in ("crv", "x", "y", "n", "e"):
            if member in key and key[member] != derived.get(member):
                raise KeyFormatError(f"the JWK's private key does not belong to its {member!r}")
    algorithm = algorithm_of_key(public)
    return KeyPair(algorithm.name, public, secret, id=id, controller=controller)


__all__ = [
    "KeyPair",
    "algorithm_names",
    "from_jwk",
    "from_multikey",
    "from_pem",
    "from_seed",
    "generate",
]
