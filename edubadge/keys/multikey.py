"""Multibase (base58btc, `z`) and multicodec prefixes for Multikey encodings."""

from __future__ import annotations

import base58

from ..errors import KeyFormatError

# multicodec varint prefixes, by (algorithm, public|secret)
PREFIXES: dict[tuple[str, str], bytes] = {
    ("Ed25519", "public"): b"\xed\x01",
    ("Ed25519", "secret"): b"\x80\x26",
    ("P-256", "public"): b"\x80\x24",
    ("P-256", "secret"): b"\x86\x26",
    ("P-384", "public"): b"\x81\x24",
    ("P-384", "secret"): b"\x87\x26",
}


def encode_multibase(data: bytes) -> str:
    """Multibase base58btc (`z` prefix)."""
    return "z" + base58.b58encode(data).decode("ascii")


def decode_multibase(value: str, *, what: str = "value") -> bytes:
    """Decode a multibase base58btc string; anything else is a `KeyFormatError`."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) < 2:
        raise KeyFormatError(f"{what} is not multibase base58btc (must start with 'z')")
    try:
        return base58.b58decode(value[1:])
    except ValueError as error:
        raise KeyFormatError(f"{what} is not valid base58btc: {error}") from None


def encode_multikey(algorithm: str, kind: str, raw: bytes) -> str:
    """Multikey string for raw key bytes (`kind` is "public" or "secret")."""
    return encode_multibase(PREFIXES[(algorithm, kind)] + raw)


def decode_multikey(value: str, kind: str) -> tuple[str, bytes]:
    """(algorithm, raw bytes) of a Multikey string of the given kind."""
    data = decode_multibase(value, what=f"{kind} key")
    for (algorithm, k), prefix in PREFIXES.items():
        if k == kind and data.startswith(prefix):
            return algorithm, data[len(prefix) :]
    raise KeyFormatError(f"{kind} key has an unknown multicodec prefix 0x{data[:2].hex()}")
