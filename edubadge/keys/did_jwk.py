"""did:jwk: a DID that is a public JWK, resolved offline (the identity of keys without Multikey).

`did:jwk:<base64url(JSON of the public JWK)>`; its one verification method is `#0`. edubadge
writes the JWK in its JCS (RFC 8785) form, so one key always gives the same DID.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ..errors import InputError, VerificationMethodError
from ..jsonld.canon import jcs
from ..parsing import parse_json

PREFIX = "did:jwk:"
JWK_CONTEXT = "https://w3id.org/security/jwk/v1"


def encode_did_jwk(public_jwk: dict[str, Any]) -> str:
    """The did:jwk of a public JWK."""
    return PREFIX + base64.urlsafe_b64encode(jcs(public_jwk)).rstrip(b"=").decode("ascii")


def resolve_did_jwk(did: str) -> dict[str, Any]:
    """The DID document of a did:jwk, computed offline from the identifier itself."""
    from .did import DID_CONTEXTS, RELATIONSHIPS  # did imports the key pair, which imports us

    identifier = did.split("#", 1)[0]
    encoded = identifier.removeprefix(PREFIX)
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        jwk = parse_json(raw, what="did:jwk key")
    except (binascii.Error, ValueError, InputError):
        raise VerificationMethodError(f"{identifier!r} does not encode a JWK") from None
    if not isinstance(jwk, dict) or not isinstance(jwk.get("kty"), str):
        raise VerificationMethodError(f"{identifier!r} does not encode a JWK")
    vm_id = f"{identifier}#0"
    document: dict[str, Any] = {
        "@context": [DID_CONTEXTS[0], JWK_CONTEXT],
        "id": identifier,
        "verificationMethod": [
            {"id": vm_id, "type": "JsonWebKey", "controller": identifier, "publicKeyJwk": jwk}
        ],
    }
    if jwk.get("use") != "enc":
        for relationship in RELATIONSHIPS:
            document[relationship] = [vm_id]
    return document
