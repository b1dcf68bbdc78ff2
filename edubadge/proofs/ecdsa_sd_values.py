"""ecdsa-sd-2023 proof values: multibase base64url of a 3-byte header and a CBOR array.

Base proof (issuer -> holder), header d9 5d 00: [baseSignature, proof-scoped public key
(Multikey bytes), HMAC key, per-statement signatures, mandatory pointers]. Derived proof
(holder -> verifier), header d9 5d 01: [baseSignature, public key, the disclosed statements'
signatures, label map {canonical index: HMAC digest}, mandatory indexes]. Decoding is strict:
exact types and sizes, no CBOR tags, and only the one (shortest) encoding of each value, so a
proof value cannot be re-encoded into a different string that still verifies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cbor2

from ..errors import ProofError
from ..keys.ecdsa import P256
from .selective import b64url, b64url_decode

BASE_HEADER = b"\xd9\x5d\x00"
DERIVED_HEADER = b"\xd9\x5d\x01"
SIGNATURE_SIZE = 64  # P-256 r || s
PUBLIC_KEY_SIZE = len(P256.public_prefix or b"") + 33  # Multikey prefix + compressed point
HMAC_KEY_SIZE = 32


@dataclass(frozen=True)
class BaseProofValue:
    """What the issuer gives the holder."""

    base_signature: bytes
    public_key: bytes
    hmac_key: bytes
    signatures: list[bytes]
    mandatory_pointers: list[str]

    def __repr__(self) -> str:  # the HMAC key links disclosures: keep it out of logs
        return f"BaseProofValue({len(self.signatures)} signatures, {self.mandatory_pointers!r})"


@dataclass(frozen=True)
class DerivedProofValue:
    """What the holder gives a verifier."""

    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: dict[str, str]  # canonical label "c14nN" -> signed label "u..."
    mandatory_indexes: list[int]


def _encode(header: bytes, components: list[Any]) -> str:
    return "u" + b64url(header + cbor2.dumps(components))


def _decode(proof_value: str, header: bytes, what: str) -> list[Any]:
    if not isinstance(proof_value, str) or not proof_value.startswith("u"):
        raise ProofError(f"an ecdsa-sd-2023 {what} proofValue is multibase base64url ('u...')")
    data = b64url_decode(proof_value[1:])
    if not data.startswith(header):
        raise ProofError(f"proofValue is not an ecdsa-sd-2023 {what} proof")
    payload = data[len(header) :]
    try:
        components = cbor2.loads(payload)
    except Exception:  # cbor2 raises assorted errors on malformed input
        raise ProofError(f"the {what} proofValue is not valid CBOR") from None
    if cbor2.dumps(components) != payload:
        raise ProofError(f"the {what} proofValue is not in its one valid CBOR encoding")
    if not isinstance(components, list) or len(components) != 5:
        raise ProofError(f"the {what} proofValue is not an array of five components")
    return components


def _bytes(value: Any, size: int, what: str) -> bytes:
    if not isinstance(value, bytes) or len(value) != size:
        raise ProofError(f"ecdsa-sd-2023 proofValue: {what} is not {size} bytes")
    return value


def _public_key(value: Any) -> bytes:
    key = _bytes(value, PUBLIC_KEY_SIZE, "the proof-scoped public key")
    if not key.startswith(P256.public_prefix or b""):
        raise ProofError("ecdsa-sd-2023 proofValue: the proof-scoped key is not a P-256 Multikey")
    return key


def _signatures(value: Any) -> list[bytes]:
    if not isinstance(value, list):
        raise ProofError("ecdsa-sd-2023 proofValue: signatures are not an array")
    return [_bytes(item, SIGNATURE_SIZE, "a statement signature") for item in value]


def encode_base(value: BaseProofValue) -> str:
    """The base proofValue string."""
    return _encode(
        BASE_HEADER,
        [
            value.base_signature,
            value.public_key,
            value.hmac_key,
            list(value.signatures),
            list(value.mandatory_pointers),
        ],
    )


def decode_base(proof_value: str) -> BaseProofValue:
    """Parse a base proofValue; a `ProofError` says what is wrong."""
    signature, public_key, hmac_key, signatures, pointers = _decode(
        proof_value, BASE_HEADER, "base"
    )
    if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
        raise ProofError("ecdsa-sd-2023 proofValue: mandatory pointers are not strings")
    return BaseProofValue(
        _bytes(signature, SIGNATURE_SIZE, "the base signature"),
        _public_key(public_key),
        _bytes(hmac_key, HMAC_KEY_SIZE, "the HMAC key"),
        _signatures(signatures),
        pointers,
    )


def _label_index(label: str) -> int:
    index = label.removeprefix("c14n")
    if not index.isdigit() or label == index:
        raise ProofError(f"label map key {label!r} is not a canonical label")
    return int(index)


def encode_derived(value: DerivedProofValue) -> str:
    """The derived proofValue string (label map keys in ascending order)."""
    compressed = {
        _label_index(k): b64url_decode(v[1:])
        for k, v in sorted(value.label_map.items(), key=lambda kv: _label_index(kv[0]))
    }
    return _encode(
        DERIVED_HEADER,
        [
            value.base_signature,
            value.public_key,
            list(value.signatures),
            compressed,
            list(value.mandatory_indexes),
        ],
    )


def decode_derived(proof_value: str) -> DerivedProofValue:
    """Parse a derived proofValue; a `ProofError` says what is wrong."""
    if (
        isinstance(proof_value, str)
        and proof_value.startswith("u")
        and b64url_decode(proof_value[1:5]).startswith(BASE_HEADER)
    ):
        raise ProofError(
            "this is an ecdsa-sd-2023 base proof, meant for the holder only",
            hint="the holder derives a disclosure (edubadge derive) and presents that",
        )
    signature, public_key, signatures, labels, indexes = _decode(
        proof_value, DERIVED_HEADER, "derived"
    )
    if not isinstance(labels, dict) or not all(
        isinstance(k, int)
        and not isinstance(k, bool)
        and k >= 0
        and isinstance(v, bytes)
        and len(v) == 32
        for k, v in labels.items()
    ):
        raise ProofError("ecdsa-sd-2023 proofValue: the label map is not {index: 32 bytes}")
    if not isinstance(indexes, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in indexes
    ):
        raise ProofError("ecdsa-sd-2023 proofValue: mandatory indexes are not integers")
    return DerivedProofValue(
        _bytes(signature, SIGNATURE_SIZE, "the base signature"),
        _public_key(public_key),
        _signatures(signatures),
        {f"c14n{k}": "u" + b64url(v) for k, v in labels.items()},
        indexes,
    )
