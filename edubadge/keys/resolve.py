"""Verification method -> public key, with the verification relationship checked.

did:key resolves offline from the identifier. Every other identifier (an https issuer, a
did:web) resolves only through documents the caller registered with the `DocumentLoader`
(`extra={controller_id: controller_document}`); nothing is fetched. A key found in a
document is trusted only when its controller lists it under the asked relationship
(`assertionMethod` for credentials): writing a key into a URL proves nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import EdubadgeError, KeyFormatError, VerificationMethodError
from ..jsonld.loader import DocumentLoader
from .did import resolve_did_key
from .keypair import KeyPair, from_jwk, from_multikey

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
MULTIBASE_TYPES = ("Multikey", "Ed25519VerificationKey2020")
JWK_TYPES = ("JsonWebKey", "JsonWebKey2020")


@dataclass(frozen=True)
class VerificationMethod:
    """A resolved verification method: its id, its controller and its public key."""

    id: str
    controller: str
    key: KeyPair


def _absolute(ref: str, base: str) -> str:
    return base + ref if ref.startswith("#") else ref


def _load(identifier: str, loader: DocumentLoader) -> dict[str, Any]:
    if identifier in loader:
        return loader.get(identifier)
    if identifier.startswith("did:key:"):
        return resolve_did_key(identifier)
    if identifier.startswith("did:"):
        method = identifier.split(":", 2)[1]
        raise VerificationMethodError(
            f"cannot resolve {identifier!r} offline (did:{method})",
            hint="register its DID document with DocumentLoader(extra={did: document})",
        )
    raise VerificationMethodError(
        f"no controller document for {identifier!r}",
        hint="register it with DocumentLoader(extra={url: document}); edubadge does not fetch",
    )


def _find(document: dict[str, Any], vm_id: str) -> dict[str, Any] | None:
    base = str(document.get("id", ""))
    if _absolute(str(document.get("id", "")), base) == vm_id and "type" in document:
        return document
    candidates: list[Any] = list(document.get("verificationMethod", []) or [])
    for relationship in (
        "assertionMethod",
        "authentication",
        "capabilityInvocation",
        "capabilityDelegation",
    ):
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
    try:
        if kind in MULTIBASE_TYPES and isinstance(method.get("publicKeyMultibase"), str):
            return from_multikey(method["publicKeyMultibase"], id=vm_id, controller=controller)
        if kind in JWK_TYPES and isinstance(method.get("publicKeyJwk"), dict):
            jwk = method["publicKeyJwk"]
            if "d" in jwk:
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
    vm_id: str, loader: DocumentLoader, *, purpose: str = "assertionMethod"
) -> VerificationMethod:
    """Resolve `vm_id` to its public key, requiring its controller to list it under `purpose`."""
    if not isinstance(vm_id, str) or not _SCHEME.match(vm_id):
        raise VerificationMethodError(
            f"verification method {vm_id!r} is not an absolute URL or DID URL"
        )
    if vm_id.startswith("did:key:") and "#" not in vm_id:
        # A did:key has exactly one key; a bare did:key names it (as OB3 validators accept).
        vm_id = f"{vm_id}#{vm_id.removeprefix('did:key:')}"
    try:
        document = _load(vm_id.split("#", 1)[0], loader)
        method = _find(document, vm_id)
        if method is None:
            raise VerificationMethodError(
                f"verification method {vm_id!r} not found in its document"
            )
        controller_id = method.get("controller")
        if not isinstance(controller_id, str):
            raise VerificationMethodError(f"verification method {vm_id!r} names no controller")
        controller = (
            document if document.get("id") == controller_id else _load(controller_id, loader)
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
