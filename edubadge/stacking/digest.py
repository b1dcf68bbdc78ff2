"""The digest that pins a component: multibase(multihash(hash(JCS(component with its proof)))).

VC 2.0 `relatedResource.digestMultibase` is "as defined by the digestMultibase property in VC
Data Integrity 1.0, Section 2.6": a Multibase-encoded Multihash. edubadge writes SHA2-384 (VC
2.0: "sha384 SHOULD be considered the minimum strength") as multihash `0x20 0x30 <48 bytes>`,
multibase base58btc (`z`). It accepts SHA2-256, SHA2-384 and SHA2-512 multihashes, in
base58btc (`z`) or base64url without padding (`u`), the two encodings Controlled Identifiers
1.0 requires.

The hashed bytes are the RFC 8785 (JCS) canonical JSON of the whole signed component as the
holder has it, `proof` included: any holder can recompute the digest from the JSON alone, and
a component whose signature or content changed no longer matches.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any, Final

from ..errors import InputError, KeyFormatError
from ..jsonld.canon import jcs
from ..keys.multikey import decode_multibase, encode_multibase

# multihash name -> (multicodec code, hashlib name, digest length); codes are single-byte varints
MULTIHASHES: Final = {
    "sha2-256": (0x12, "sha256", 32),
    "sha2-384": (0x20, "sha384", 48),
    "sha2-512": (0x13, "sha512", 64),
}
DEFAULT_ALGORITHM: Final = "sha2-384"


def canonical_bytes(component: Mapping[str, Any]) -> bytes:
    """The bytes a component's digest is taken over: JCS of the signed JSON, proof included."""
    return jcs(dict(component))


def multihash(data: bytes, algorithm: str = DEFAULT_ALGORITHM) -> bytes:
    """The multihash (code, length, digest) of `data`."""
    if algorithm not in MULTIHASHES:
        raise InputError(
            f"unknown digest algorithm {algorithm!r}", hint="use " + ", ".join(MULTIHASHES)
        )
    code, name, length = MULTIHASHES[algorithm]
    return bytes([code, length]) + hashlib.new(name, data).digest()


def component_digest(component: Mapping[str, Any], algorithm: str = DEFAULT_ALGORITHM) -> str:
    """The `digestMultibase` of a signed component (base58btc multihash of its JCS bytes)."""
    return encode_multibase(multihash(canonical_bytes(component), algorithm))


def decode_digest(value: str) -> tuple[str, bytes]:
    """(algorithm, raw digest) of a `digestMultibase` string; `InputError` if unusable."""
    if not isinstance(value, str) or len(value) < 2:
        raise InputError("digestMultibase must be a multibase string")
    try:
        if value[0] == "u":
            raw = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
        else:
            raw = decode_multibase(value, what="digestMultibase")
    except (KeyFormatError, binascii.Error, ValueError) as error:
        raise InputError(f"digestMultibase {value!r} cannot be decoded: {error}") from None
    for name, (code, _, length) in MULTIHASHES.items():
        if raw[:2] == bytes([code, length]) and len(raw) == length + 2:
            return name, raw[2:]
    raise InputError(
        f"digestMultibase {value!r} is not a SHA-2 multihash",
        hint="supported: " + ", ".join(MULTIHASHES),
    )


def digest_matches(component: Mapping[str, Any], digests: str | list[str]) -> bool:
    """True when the component matches every given digest (at least one must be usable)."""
    values = [digests] if isinstance(digests, str) else list(digests)
    if not values:
        return False
    data = canonical_bytes(component)
    for value in values:
        algorithm, expected = decode_digest(value)
        actual = multihash(data, algorithm)[2:]
        if not hmac.compare_digest(actual, expected):
            return False
    return True
