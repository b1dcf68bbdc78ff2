"""A `Signer` whose private key stays in a PKCS#11 token (an HSM, a smart card, SoftHSM2).

Ed25519 keys sign with CKM_EDDSA (tokens that support it, such as SoftHSM2 2.6), P-256 and
P-384 keys with CKM_ECDSA over a SHA-256/384 digest (r || s, as JOSE and the ECDSA suites
want), RSA keys with CKM_SHA256_RSA_PKCS (RS256) or CKM_SHA256_RSA_PKCS_PSS (PS256). The
public key is read from the token, so the signer knows its did:key / did:jwk like a `KeyPair`.

PKCS#11 login belongs to the process: while one signer holds a session on a token, further
signers of the same process on that token share its login. The PIN is used to log in and
then dropped: it is never stored, shown in a repr, logged or
put into an exception, and neither is anything of the private key (which never leaves the
token: generated keys are sensitive and not extractable).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

import pkcs11
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.util.ec import encode_named_curve_parameters

from ..errors import EdubadgeError, SignerError
from .keypair import KeyPair

ED25519_OID = "1.3.101.112"
_CURVES = {
    "P-256": ("secp256r1", ec.SECP256R1(), hashlib.sha256),
    "P-384": ("secp384r1", ec.SECP384R1(), hashlib.sha384),
}
_RSA_MECHANISMS = {"RS256": Mechanism.SHA256_RSA_PKCS, "PS256": Mechanism.SHA256_RSA_PKCS_PSS}
_PSS_PARAMS = (Mechanism.SHA256, pkcs11.MGF.SHA256, 32)
PIN_ENV = "EDUBADGE_PKCS11_PIN"
MODULE_ENV = "EDUBADGE_PKCS11_MODULE"


def _der_octets(value: bytes) -> bytes:
    """The content of a DER OCTET STRING (CKA_EC_POINT), or the bytes as they are."""
    if len(value) > 2 and value[0] == 0x04:
        length, offset = value[1], 2
        if length & 0x80:
            count = length & 0x7F
            length, offset = int.from_bytes(value[2 : 2 + count], "big"), 2 + count
        if offset + length == len(value):
            return value[offset:]
    return value


def _public_key(public: Any) -> tuple[str, Any]:
    """(key type, `cryptography` public key) of a PKCS#11 public key object."""
    kind = public.key_type
    if kind == KeyType.EC_EDWARDS:
        point = _der_octets(bytes(public[Attribute.EC_POINT]))
        return "Ed25519", ed25519.Ed25519PublicKey.from_public_bytes(point)
    if kind == KeyType.EC:
        params = bytes(public[Attribute.EC_PARAMS])
        point = _der_octets(bytes(public[Attribute.EC_POINT]))
        for name, (curve_name, curve, _) in _CURVES.items():
            if params == encode_named_curve_parameters(curve_name):
                return name, ec.EllipticCurvePublicKey.from_encoded_point(curve, point)
        raise SignerError("the token's EC key is on a curve edubadge does not use")
    if kind == KeyType.RSA:
        modulus = int.from_bytes(bytes(public[Attribute.MODULUS]), "big")
        exponent = int.from_bytes(bytes(public[Attribute.PUBLIC_EXPONENT]), "big")
        return "RSA", rsa.RSAPublicNumbers(exponent, modulus).public_key()
    raise SignerError(f"the token's key type {kind!r} is not supported")


def _token_error(error: Exception, token_label: str) -> SignerError:
    """A `SignerError` naming what failed, never the PIN."""
    reasons = {
        pkcs11.exceptions.PinIncorrect: "the PIN is incorrect",
        pkcs11.exceptions.PinLocked: "the PIN is locked",
        pkcs11.exceptions.NoSuchToken: "no such token",
        pkcs11.exceptions.NoSuchKey: "no such key on the token",
        pkcs11.exceptions.MultipleObjectsReturned: "several keys match: name one by label or id",
        pkcs11.exceptions.MechanismInvalid: "the token does not support this mechanism",
    }
    reason = next((text for cls, text in reasons.items() if isinstance(error, cls)), None)
    return SignerError(f"PKCS#11 token {token_label!r}: {reason or type(error).__name__}")


@contextmanager
def _closed_on_error(session: Any, token_label: str) -> Iterator[None]:
    """Close the session if what runs inside fails; token errors become `SignerError`s."""
    try:
        yield
    except pkcs11.exceptions.PKCS11Error as error:
        session.close()
        raise _token_error(error, token_label) from None
    except EdubadgeError:
        session.close()
        raise


class Pkcs11Signer:
    """Signs with a private key held in a PKCS#11 token; implements `Signer`.

    Open one with `Pkcs11Signer.open(...)`, `Pkcs11Signer.from_uri("pkcs11:...")`, or make a
    new key inside the token with `Pkcs11Signer.generate(...)`. `id` and `controller` default
    to the public key's did:key (did:jwk for RSA); `signature_algorithm` picks RS256 or PS256.
    """

    def __init__(
        self,
        session: Any,
        private_key: Any,
        public_key: KeyPair,
        *,
        token_label: str,
        key_label: str | None,
    ) -> None:
        self._session = session
        self._private = private_key
        self._public = public_key
        self._lock = threading.Lock()
        self.token_label = token_label
        self.key_label = key_label
        self.id = public_key.id
        self.controller = public_key.controller
        self.algorithm = public_key.algorithm
        self.signature_algorithm = public_key.signature_algorithm

    # --- opening -------------------------------------------------------------------------

    @staticmethod
    def _login(module: str, token_label: str, pin: str) -> Any:
        try:
            token = pkcs11.lib(module).get_token(token_label=token_label)
            try:
                return token.open(user_pin=pin, rw=True)
            except pkcs11.exceptions.UserAlreadyLoggedIn:
                # PKCS#11 login belongs to the process: another signer of this process has
                # already logged in to the token, and every session shares that login.
                return token.open(rw=True)
        except pkcs11.exceptions.PKCS11Error as error:
            raise _token_error(error, token_label) from None
        except (OSError, RuntimeError) as error:
            raise SignerError(f"cannot load the PKCS#11 module {module}: {error}") from None

    @classmethod
    def open(
        cls,
        *,
        module: str,
        token_label: str,
        pin: str,
        key_label: str | None = None,
        key_id: bytes | None = None,
        id: str | None = None,
        controller: str | None = None,
        signature_algorithm: str | None = None,
    ) -> Pkcs11Signer:
        """A signer for the key named by `key_label` and/or `key_id` on a token."""
        session = cls._login(module, token_label, pin)
        match: dict[str, Any] = {}
        if key_label is not None:
            match["label"] = key_label
        if key_id is not None:
            match["id"] = key_id
        with _closed_on_error(session, token_label):
            private = session.get_key(object_class=ObjectClass.PRIVATE_KEY, **match)
            public = session.get_key(object_class=ObjectClass.PUBLIC_KEY, **match)
            return cls._of(
                session,
                private,
                public,
                token_label,
                key_label,
                id,
                controller,
                signature_algorithm,
            )

    @classmethod
    def generate(
        cls,
        *,
        module: str,
        token_label: str,
        pin: str,
        key_label: str,
        key_type: str = "Ed25519",
        bits: int = 3072,
        id: str | None = None,
        controller: str | None = None,
    ) -> Pkcs11Signer:
        """A new key pair made inside the token (sensitive, never extractable)."""
        session = cls._login(module, token_label, pin)
        private_template = {Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False}
        curves = {"Ed25519": (KeyType.EC_EDWARDS, ED25519_OID)} | {
            name: (KeyType.EC, curve[0]) for name, curve in _CURVES.items()
        }
        with _closed_on_error(session, token_label):
            if key_type in curves:
                kind, curve_name = curves[key_type]
                params = {Attribute.EC_PARAMS: encode_named_curve_parameters(curve_name)}
                domain = session.create_domain_parameters(kind, params, local=True)
                public, private = domain.generate_keypair(
                    store=True, label=key_label, private_template=private_template
                )
            elif key_type == "RSA":
                public, private = session.generate_keypair(
                    KeyType.RSA,
                    bits,
                    store=True,
                    label=key_label,
                    private_template=private_template,
                )
            else:
                raise SignerError(f"cannot make {key_type!r} keys in a PKCS#11 token")
            return cls._of(session, private, public, token_label, key_label, id, controller, None)

    @classmethod
    def from_uri(
        cls,
        uri: str,
        *,
        pin: str | None = None,
        id: str | None = None,
        controller: str | None = None,
        signature_algorithm: str | None = None,
    ) -> Pkcs11Signer:
        """A signer named by a PKCS#11 URI (RFC 7512).

        `pkcs11:token=T;object=K?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:P`:
        `token` and `object` (or `id`) pick the key; the module comes from `module-path` or
        the environment variable EDUBADGE_PKCS11_MODULE; the PIN from `pin`, the file named by
        `pin-source`, or EDUBADGE_PKCS11_PIN. A PIN written into the URI is refused.
        """
        module, token_label, pin, attributes = _uri_target(uri, pin)
        key_id = attributes.get("id")
        return cls.open(
            module=module,
            token_label=token_label,
            pin=pin,
            key_label=attributes.get("object"),
            key_id=unquote_to_bytes(key_id) if key_id else None,
            id=id,
            controller=controller,
            signature_algorithm=signature_algorithm,
        )

    @classmethod
    def generate_from_uri(
        cls,
        uri: str,
        *,
        key_type: str = "Ed25519",
        bits: int = 3072,
        pin: str | None = None,
        id: str | None = None,
        controller: str | None = None,
    ) -> Pkcs11Signer:
        """A new key in the token a PKCS#11 URI names, labelled with its `object`."""
        module, token_label, pin, attributes = _uri_target(uri, pin)
        label = attributes.get("object")
        if not label:
            raise SignerError("the PKCS#11 URI needs object=LABEL to name the new key")
        return cls.generate(
            module=module,
            token_label=token_label,
            pin=pin,
            key_label=label,
            key_type=key_type,
            bits=bits,
            id=id,
            controller=controller,
        )

    @classmethod
    def _of(
        cls,
        session: Any,
        private: Any,
        public: Any,
        token_label: str,
        key_label: str | None,
        id: str | None,
        controller: str | None,
        signature_algorithm: str | None,
    ) -> Pkcs11Signer:
        kind, public_key = _public_key(public)
        key = KeyPair(
            kind,
            public_key,
            id=id,
            controller=controller,
            signature_algorithm=signature_algorithm,
        )
        return cls(session, private, key, token_label=token_label, key_label=key_label)

    # --- use -----------------------------------------------------------------------------

    def public_key(self) -> KeyPair:
        """The public key, as a `KeyPair` without secret (for controller documents, JWKs)."""
        return self._public

    def with_signature_algorithm(self, name: str) -> Pkcs11Signer:
        """The same token key signing with another scheme of its type (RSA: RS256, PS256)."""
        key = self._public.with_signature_algorithm(name)
        return Pkcs11Signer(
            self._session,
            self._private,
            key,
            token_label=self.token_label,
            key_label=self.key_label,
        )

    def sign(self, data: bytes) -> bytes:
        """The signature over `data`, made inside the token."""
        try:
            with self._lock:  # one PKCS#11 session signs one thing at a time
                if self.algorithm == "Ed25519":
                    return bytes(self._private.sign(data, mechanism=Mechanism.EDDSA))
                if self.algorithm in _CURVES:
                    digest = _CURVES[self.algorithm][2](data).digest()
                    return bytes(self._private.sign(digest, mechanism=Mechanism.ECDSA))
                scheme = self.signature_algorithm or "RS256"
                mechanism = _RSA_MECHANISMS[scheme]
                param = _PSS_PARAMS if scheme == "PS256" else None
                return bytes(self._private.sign(data, mechanism=mechanism, mechanism_param=param))
        except pkcs11.exceptions.PKCS11Error as error:
            raise _token_error(error, self.token_label) from None

    def close(self) -> None:
        """Log out and close the token session."""
        self._session.close()

    def __enter__(self) -> Pkcs11Signer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        label = f", key={self.key_label!r}" if self.key_label else ""
        return f"Pkcs11Signer({self.algorithm}, id={self.id!r}, token={self.token_label!r}{label})"

    __str__ = __repr__


def parse_pkcs11_uri(uri: str) -> tuple[dict[str, str], dict[str, str]]:
    """(path attributes, query attributes) of a PKCS#11 URI, percent-decoded (RFC 7512)."""
    if not uri.startswith("pkcs11:"):
        raise SignerError("a PKCS#11 URI starts with 'pkcs11:'")
    path, _, query = uri.removeprefix("pkcs11:").partition("?")

    def pairs(text: str, separator: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for item in filter(None, text.split(separator)):
            name, sep, value = item.partition("=")
            if not sep:
                raise SignerError(f"PKCS#11 URI attribute {name!r} has no value")
            found[name] = value if name == "id" else unquote(value)
        return found

    return pairs(path, ";"), pairs(query, "&")


def _uri_target(uri: str, pin: str | None) -> tuple[str, str, str, dict[str, str]]:
    """(module, token label, PIN, path attributes) of a PKCS#11 URI."""
    attributes, query = parse_pkcs11_uri(uri)
    if "pin-value" in query:
        raise SignerError(
            "refused a PIN written into the PKCS#11 URI",
            hint=f"use pin-source=file:PATH or the environment variable {PIN_ENV}",
        )
    module = query.get("module-path") or os.environ.get(MODULE_ENV)
    if not module:
        raise SignerError(f"the PKCS#11 URI names no module-path (nor is {MODULE_ENV} set)")
    token_label = attributes.get("token")
    if not token_label:
        raise SignerError("the PKCS#11 URI names no token")
    return (
        module,
        token_label,
        pin if pin is not None else _pin_from(query.get("pin-source")),
        attributes,
    )


def _pin_from(source: str | None) -> str:
    if source is not None:
        if not source.startswith("file:"):
            raise SignerError("pin-source must be a file: URI")
        path = Path(unquote(source.removeprefix("file:")).removeprefix("//"))
        try:
            return path.read_text("utf-8").strip()
        except OSError as error:
            raise SignerError(f"cannot read the PIN file {path}: {error.strerror}") from None
    pin = os.environ.get(PIN_ENV)
    if pin is None:
        raise SignerError(
            "no PIN for the PKCS#11 token", hint=f"use pin-source=file:PATH or set {PIN_ENV}"
        )
    return pin


__all__ = ["Pkcs11Signer", "parse_pkcs11_uri"]
