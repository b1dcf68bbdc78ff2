"""Verification method -> public key, with the verification relationship checked.

did:key and did:jwk resolve offline from the identifier. Every other identifier (an https
issuer, a did:web) resolves through documents the caller registered with the `DocumentLoader`
(`extra={controller_id: controller_document}`), or, only when the caller passes a `Fetcher`,
from the network (did:web by its URL rules, an https controller at its own URL). A key found
in a document is trusted only when its controller lists it under the asked relationship
(`assertionMethod` for credentials): writing a key into a URL proves nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import EdubadgeError, KeyFormatError, VerificationMethodError
from ..jsonld.loader import DocumentLoader, SharedLRU
from ..net.fetcher import Fetcher, fetch_json
from .did import RELATIONSHIPS, resolve_did_key
from .did_jwk import resolve_did_jwk
from .did_web import resolve_did_web
from .keypair import KeyPair, from_jwk, from_multikey

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
MULTIBASE_TYPES = ("Multikey", "Ed25519VerificationKey2020")
JWK_TYPES = ("JsonWebKey", "JsonWebKey2020")
# JWK members that hold secrets (RFC 7518 6.2.2, 6.3.2, 6.4.1; RFC 8037)
PRIVATE_JWK_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
CONTROLLER_TYPES = ("application/did+json", "application/ld+json", "application/json")
# did:key methods resolved before, by (method id, purpose): a did:key's document is computed
# from the identifier alone, so each resolves once (unless a loader registers its own).
_DID_KEY_METHODS = SharedLRU(maxsize=1024)


@dataclass(frozen=True)
class VerificationMethod:
    """A resolved verification method: its id, its controller and its public key."""

    id: str
    controller: str
    key: KeyPair


def _absolute(ref: str, base: str) -> str:
    return base + ref if ref.startswith("#") else ref


def _load(identifier: str, loader: DocumentLoader, fetcher: Fetcher | None) -> dict[str, Any]:
    if identifier in loader:
        return loader.get(identifier)
    if identifier.startswith("did:key:"):
        return resolve_did_key(identifier)
    if identifier.startswith("did:jwk:"):
        return resolve_did_jwk(identifier)
    if fetcher is not None and identifier.startswith("did:web:"):
        return resolve_did_web(identifier, fetcher)
    if fetcher is not None and identifier.startswith("https://"):
        return _fetch_controller(identifier, fetcher)
    network = " or pass a fetcher (verify(..., fetcher=HttpsFetcher()), --fetch)"
    if identifier.startswith("did:"):
        method = identifier.split(":", 2)[1]
        fetchable = network if method == "web" else ""
        raise VerificationMethodError(
            f"cannot resolve {identifier!r} offline (did:{method})",
            hint="register its DID document with DocumentLoader(extra={did: document})" + fetchable,
        )
    raise VerificationMethodError(
        f"no controller document for {identifier!r}",
        hint="register it with DocumentLoader(extra={url: document})"
        + (network if identifier.startswith("https://") else ""),
    )


def _fetch_controller(url: str, fetcher: Fetcher) -> dict[str, Any]:
    try:
        document = fetch_json(fetcher, url, accept=CONTROLLER_TYPES)
    except EdubadgeError as error:
        raise VerificationMethodError(f"cannot fetch {url}: {error.message}") from None
    if not isinstance(document, dict) or document.get("id") != url:
        raise VerificationMethodError(f"the controller document at {url} has another id")
    return document


def _find(document: dict[str, Any], vm_id: str) -> dict[str, Any] | None:
    base = str(document.get("id", ""))
    if _absolute(str(document.get("id", "")), base) == vm_id and "type" in document:
        return document
    candidates: list[Any] = list(document.get("verificationMethod", []) or [])
    for relationship in RELATIONSHIPS:
        candidates.extend(v for v in document.get(relationship, []) or [] if isinstance(v, dict))
    for candidate in candidates:
        if isinstance(candidate, dict) and _absolute(str(candidate.get("id", "")), base) == vm_id:
            return candidate
    return None


def _listed(document: dict[str, Any], relationship: str, vm_id: str) -> bool:
    base = str(document.get("id", ""))
    for entry in document.get(relationship, []) or []:
        ref = entry.get("id") if isinstance(entry, dict) else entry
        if isinstance(ref, str) and _absolute(ref, base) == vm_id:
            return True
    return False


def _key_of(method: dict[str, Any], vm_id: str, controller: str) -> KeyPair:
    kind = method.get("type")
    if "secretKeyMultibase" in method:
        raise VerificationMethodError(f"verification method {vm_id!r} publishes a private key")
    try:
        if kind in MULTIBASE_TYPES and isinstance(method.get("publicKeyMultibase"), str):
            return from_multikey(method["publicKeyMultibase"], id=vm_id, controller=controller)
        if kind in JWK_TYPES and isinstance(method.get("publicKeyJwk"), dict):
            jwk = method["publicKeyJwk"]
            if any(member in jwk for member in PRIVATE_JWK_MEMBERS):
                raise VerificationMethodError(
                    f"verification method {vm_id!r} publishes a private key"
                )
            return from_jwk(jwk, id=vm_id, controller=controller)
    except KeyFormatError as error:
        raise VerificationMethodError(f"verification method {vm_id!r}: {error.message}") from None
    raise VerificationMethodError(
        f"verification method {vm_id!r} has no supported key (type {kind!r})"
    )


def resolve_verification_method(
    vm_id: str,
    loader: DocumentLoader,
    *,
    purpose: str = "assertionMethod",
    fetcher: Fetcher | None = None,
) -> VerificationMethod:
    """Resolve `vm_id` to its public key, requiring its controller to list it under `purpose`.

    Without a `fetcher` nothing is fetched: only did:key, did:jwk and registered documents
    resolve.
    """
    if not isinstance(vm_id, str) or not _SCHEME.match(vm_id):
        raise VerificationMethodError(
            f"verification method {vm_id!r} is not an absolute URL or DID URL"
        )
    if vm_id.startswith("did:key:") and "#" not in vm_id:
        # A did:key has exactly one key; a bare did:key names it (as OB3 validators accept).
        vm_id = f"{vm_id}#{vm_id.removeprefix('did:key:')}"
    offline = vm_id.startswith("did:key:") and vm_id.split("#", 1)[0] not in loader
    if offline and (known := _DID_KEY_METHODS.get((vm_id, purpose))) is not None:
        return known  # type: ignore[no-any-return]
    resolved = _resolve(vm_id, loader, purpose, fetcher)
    if offline:
        _DID_KEY_METHODS[vm_id, purpose] = resolved
    return resolved


def _resolve(
    vm_id: str, loader: DocumentLoader, purpose: str, fetcher: Fetcher | None
) -> VerificationMethod:
    try:
        document = _load(vm_id.split("#", 1)[0], loader, fetcher)
        method = _find(document, vm_id)
        if method is None:
            raise VerificationMethodError(
                f"verification method {vm_id!r} not found in its document"
            )
        controller_id = method.get("controller")
        if not isinstance(controller_id, str):
            raise VerificationMethodError(f"verification method {vm_id!r} names no controller")
        controller = (
            document
            if document.get("id") == controller_id
            else _load(controller_id, loader, fetcher)
        )
        if controller.get("id") != controller_id:
            raise VerificationMethodError(f"controller document of {vm_id!r} has another id")
        if not _listed(controller, purpose, vm_id):
            raise VerificationMethodError(
                f"key {vm_id!r} is not listed under {purpose!r} by its controller {controller_id!r}"
            )
        return VerificationMethod(vm_id, controller_id, _key_of(method, vm_id, controller_id))
    except VerificationMethodError:
        raise
    except EdubadgeError as error:
        raise VerificationMethodError(f"cannot resolve {vm_id!r}: {error.message}") from None


def find_published_key(
    controller_id: str,
    key: KeyPair,
    loader: DocumentLoader,
    *,
    purpose: str = "assertionMethod",
    fetcher: Fetcher | None = None,
) -> VerificationMethod:
    """The verification method under which `controller_id` publishes `key` for `purpose`.

    For a key that came without an id (a JWS `jwk` header): it is trusted for the controller
    only when the controller's own document lists that very key under `purpose`.
    """
    if not isinstance(controller_id, str) or not _SCHEME.match(controller_id):
        raise VerificationMethodError(f"{controller_id!r} is not an absolute URL or DID")
    try:
        document = _load(controller_id.split("#", 1)[0], loader, fetcher)
    except VerificationMethodError:
        raise
    except EdubadgeError as error:
        message = f"cannot resolve {controller_id!r}: {error.message}"
        raise VerificationMethodError(message) from None
    base = str(document.get("id", ""))
    for entry in document.get(purpose, []) or []:
        ref = entry.get("id") if isinstance(entry, dict) else entry
        if not isinstance(ref, str):
            continue
        try:
            method = resolve_verification_method(
                _absolute(ref, base), loader, purpose=purpose, fetcher=fetcher
            )
        except VerificationMethodError:
            continue
        same = method.key.algorithm == key.algorithm and method.key.public_bytes == key.public_bytes
        if same and method.controller == controller_id:
            return method
    raise VerificationMethodError(
        f"{controller_id!r} does not list this key under {purpose!r}",
        hint="publish the key in the controller document, or sign with a kid naming it",
    )
