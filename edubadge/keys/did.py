"""did:key: create, and resolve offline to a DID document; controller documents."""

from __future__ import annotations

from typing import Any

from ..errors import KeyFormatError, VerificationMethodError
from .did_jwk import JWK_CONTEXT
from .keypair import KeyPair, from_multikey

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)


def did_key(key: KeyPair) -> str:
    """The did:key identifier of a public key."""
    return f"did:key:{key.public_key_multibase}"


def resolve_did_key(did: str) -> dict[str, Any]:
    """The DID document of a did:key, computed offline from the identifier itself."""
    if not did.startswith("did:key:"):
        raise VerificationMethodError(f"{did!r} is not a did:key")
    fingerprint = did.removeprefix("did:key:").split("#", 1)[0]
    try:
        key = from_multikey(fingerprint)
    except KeyFormatError as error:
        raise VerificationMethodError(
            f"{did!r} does not encode a supported key: {error.message}"
        ) from None
    identifier = f"did:key:{fingerprint}"
    vm_id = f"{identifier}#{fingerprint}"
    document: dict[str, Any] = {
        "@context": list(DID_CONTEXTS),
        "id": identifier,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": identifier,
                "publicKeyMultibase": key.public_key_multibase,
            }
        ],
    }
    for relationship in RELATIONSHIPS:
        document[relationship] = [vm_id]
    return document


def controller_document(
    key: KeyPair, *, relationships: tuple[str, ...] = ("assertionMethod", "authentication")
) -> dict[str, Any]:
    """A controller document publishing `key` (what an https issuer serves at its id)."""
    return controller_document_of([key], relationships=relationships)


def controller_document_of(
    keys: list[KeyPair],
    *,
    relationships: tuple[str, ...] = ("assertionMethod", "authentication"),
    retired: tuple[KeyPair, ...] = (),
) -> dict[str, Any]:
    """A controller document publishing several keys of one controller (key rotation).

    Every key in `keys` is listed under each relationship; a `retired` key stays published
    under `verificationMethod` only, so it can no longer assert anything.
    """
    if not keys:
        raise KeyFormatError("a controller document needs at least one key")
    controller = keys[0].controller
    methods = [key.to_verification_method() for key in (*keys, *retired)]
    if any(method["controller"] != controller for method in methods):
        raise KeyFormatError(f"every key of the document must be controlled by {controller!r}")
    contexts = list(DID_CONTEXTS)
    if any(method["type"] == "JsonWebKey" for method in methods):
        contexts.append(JWK_CONTEXT)
    document: dict[str, Any] = {
        "@context": contexts,
        "id": controller,
        "verificationMethod": methods,
    }
    for relationship in relationships:
        document[relationship] = [key.id for key in keys]
    return document
