"""Multibase (base58btc, `z`) and the multicodec prefixes of Multikey encodings."""

from __future__ import annotations

import base58

from ..errors import KeyFormatError
from .algorithms import KeyAlgorithm, algorithm_of_prefix

_ALPHABET = base58.BITCOIN_ALPHABET.decode("ascii")
_ALPHABET_SET = frozenset(_ALPHABET)
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]  # two base58 digits per lookup
_PAIR = 58**2
_CHUNK = 58**10


def _b58encode(data: bytes) -> str:
    """base58btc of `data`, as `base58.b58encode` writes it, ten digits per big division."""
    number = int.from_bytes(data, "big")
    pairs: list[str] = []
    while number:
        number, chunk = divmod(number, _CHUNK)
        chunk, a = divmod(chunk, _PAIR)
        chunk, b = divmod(chunk, _PAIR)
        chunk, c = divmod(chunk, _PAIR)
        e, d = divmod(chunk, _PAIR)
        pairs += (_PAIRS[a], _PAIRS[b], _PAIRS[c], _PAIRS[d], _PAIRS[e])
    digits = "".join(reversed(pairs)).lstrip("1")
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


def encode_multibase(data: bytes) -> str:
    """Multibase base58btc (`z` prefix)."""
    return "z" + _b58encode(data)


def decode_multibase(value: str, *, what: str = "value") -> bytes:
    """Decode a multibase base58btc string; anything else is a `KeyFormatError`.

    Only the canonical spelling is accepted: base58btc of the alphabet alone is a one-to-one
    code, but the base58 library forgives trailing whitespace (a second spelling of one
    signature or key), so every character is checked first.
    """
    if not isinstance(value, str) or not value.startswith("z") or len(value) < 2:
        raise KeyFormatError(f"{what} is not multibase base58btc (must start with 'z')")
    body = value[1:]
    if not _ALPHABET_SET.issuperset(body):
        # where, not which character: the value may be a secret key
        bad = next(i for i, c in enumerate(body, 1) if c not in _ALPHABET_SET)
        if body.rstrip() != body and _ALPHABET_SET.issuperset(body.rstrip()):
            raise KeyFormatError(f"{what} is not canonical base58btc (whitespace at its end)")
        raise KeyFormatError(f"{what} is not valid base58btc (character {bad})")
    return bytes(base58.b58decode(body))


def decode_multikey(value: str, kind: str) -> tuple[KeyAlgorithm, bytes]:
    """(algorithm, raw bytes) of a Multikey string of the given kind ("public" or "secret")."""
    return algorithm_of_prefix(decode_multibase(value, what=f"{kind} key"), kind)
