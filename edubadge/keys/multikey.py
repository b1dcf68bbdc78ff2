"""Multibase (base58btc, `z`) and the multicodec prefixes of Multikey encodings."""

from __future__ import annotations

import base58

from ..errors import KeyFormatError
from .algorithms import KeyAlgorithm, algorithm_of_prefix

_ALPHABET = frozenset(base58.BITCOIN_ALPHABET.decode("ascii"))


def encode_multibase(data: bytes) -> str:
    """Multibase base58btc (`z` prefix)."""
    return "z" + base58.b58encode(data).decode("ascii")


def decode_multibase(value: str, *, what: str = "value") -> bytes:
    """Decode a multibase base58btc string; anything else is a `KeyFormatError`.

    Only the canonical spelling is accepted (the base58 library forgives trailing
    whitespace), so that one signature or key has exactly one encoding.
    """
    if not isinstance(value, str) or not value.startswith("z") or len(value) < 2:
        raise KeyFormatError(f"{what} is not multibase base58btc (must start with 'z')")
    try:
        data = base58.b58decode(value[1:])
    except ValueError:
        # where, not which character: the value may be a secret key
        bad = next((i for i, c in enumerate(value[1:], 1) if c not in _ALPHABET), None)
        raise KeyFormatError(f"{what} is not valid base58btc (character {bad})") from None
    if encode_multibase(data) != value:
        raise KeyFormatError(f"{what} is not canonical base58btc")
    return data


def decode_multikey(value: str, kind: str) -> tuple[KeyAlgorithm, bytes]:
    """(algorithm, raw bytes) of a Multikey string of the given kind ("public" or "secret")."""
    return algorithm_of_prefix(decode_multibase(value, what=f"{kind} key"), kind)
