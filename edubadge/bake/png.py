"""Open Badges 3.0 baking in PNG: one uncompressed `iTXt` chunk, keyword `openbadgecredential`."""

from __future__ import annotations

import struct
import zlib

from ..errors import BakingError
from ..parsing import MAX_DOCUMENT_BYTES

SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"
MAX_PNG_BYTES = 32 * 1024 * 1024
_HEADER = struct.Struct(">I4s")


def _chunks(data: bytes) -> list[tuple[bytes, bytes, int]]:
    """(type, payload, offset) of every chunk; malformed structure is a `BakingError`."""
    if not data.startswith(SIGNATURE):
        raise BakingError("not a PNG image (bad signature)")
    if len(data) > MAX_PNG_BYTES:
        raise BakingError(f"PNG image larger than {MAX_PNG_BYTES} bytes")
    chunks = []
    offset = len(SIGNATURE)
    while offset < len(data):
        if offset + 12 > len(data):
            raise BakingError(f"truncated PNG chunk at byte {offset}")
        length, kind = _HEADER.unpack_from(data, offset)
        end = offset + 12 + length
        if end > len(data):
            raise BakingError(f"PNG chunk {kind!r} at byte {offset} runs past the end")
        payload = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack_from(">I", data, offset + 8 + length)
        if zlib.crc32(kind + payload) != crc:
            raise BakingError(f"PNG chunk {kind!r} at byte {offset} has a bad CRC")
        chunks.append((kind, payload, offset))
        offset = end
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise BakingError("PNG image must start with IHDR and end with IEND")
    return chunks


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        _HEADER.pack(len(payload), kind) + payload + struct.pack(">I", zlib.crc32(kind + payload))
    )


def _credential_text(payload: bytes) -> str | None:
    """The text of an `openbadgecredential` iTXt payload; None for other keywords."""
    keyword, sep, rest = payload.partition(b"\x00")
    if keyword != KEYWORD:
        return None
    if not sep or len(rest) < 2:
        raise BakingError("malformed openbadgecredential iTXt chunk")
    compressed, method, rest = rest[0], rest[1], rest[2:]
    if compressed or method:
        raise BakingError("the openbadgecredential iTXt chunk must not be compressed")
    _language, _, rest = rest.partition(b"\x00")
    _translated, sep, text = rest.partition(b"\x00")
    if not sep:
        raise BakingError("malformed openbadgecredential iTXt chunk")
    if len(text) > MAX_DOCUMENT_BYTES:
        raise BakingError(f"baked credential larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError("the baked credential is not UTF-8") from None


def unbake_png(data: bytes) -> str:
    """The credential (JSON text or compact JWS) baked into a PNG image."""
    found = [
        text
        for kind, payload, _ in _chunks(data)
        if kind == b"iTXt"
        for text in [_credential_text(payload)]
        if text is not None
    ]
    if not found:
        raise BakingError("the PNG image holds no openbadgecredential iTXt chunk")
    if len(found) > 1:
        raise BakingError("the PNG image holds more than one credential")
    return found[0]


def bake_png(data: bytes, credential: str) -> bytes:
    """The PNG image with `credential` (JSON text or compact JWS) in one iTXt chunk."""
    chunks = _chunks(data)
    if any(
        kind == b"iTXt" and _credential_text(payload) is not None for kind, payload, _ in chunks
    ):
        raise BakingError("the PNG image already holds a credential", hint="unbake it first")
    text = credential.encode("utf-8")
    if len(text) > MAX_DOCUMENT_BYTES:
        raise BakingError(f"credential larger than {MAX_DOCUMENT_BYTES} bytes")
    itxt = _chunk(b"iTXt", KEYWORD + b"\x00\x00\x00\x00\x00" + text)
    iend = chunks[-1][2]
    return data[:iend] + itxt + data[iend:]
