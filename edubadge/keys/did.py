"""did:key for Ed25519: create, and resolve offline to a DID document."""

from __future__ import annotations

from typing import Any

from ..errors import KeyFormatError, VerificationMethodError
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
    vm = key.public().to_multikey()
    document: dict[str, Any] = {
        "@context": list(DID_CONTEXTS),
        "id": key.controller,
        "verificationMethod": [vm],
    }
    for relationship in relationships:
        document[relationship] = [key.id]
    return document
