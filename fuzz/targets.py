"""The fuzz targets: each takes arbitrary bytes and must never raise anything unexpected.

`verify_*` feed `edubadge.verify()` (which must never raise, whatever the input) and check
that its result can be reported; the parsers (`unbake`, `microcredential`, `ob3`...) may
refuse input only with an `EdubadgeError`. Any other exception is a finding.
"""

from __future__ import annotations

import contextlib
import json
import struct
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import edubadge
from edubadge.bake import unbake as unbake_image
from edubadge.bake.png import KEYWORD, SIGNATURE
from edubadge.bake.svg import NAMESPACE, SVG_NAMESPACE
from edubadge.errors import EdubadgeError
from edubadge.formats.edc import from_credential as edc_from_credential
from edubadge.formats.ob3 import from_credential
from edubadge.model import load_microcredential
from edubadge.status import bitstring
from edubadge.verifier import VerificationResult

NOW = datetime.now(UTC).replace(microsecond=0)  # fixed for one process: runs are repeatable
Target = Callable[[bytes], None]


def _check_result(result: Any) -> None:
    """What every verification must give: a result that can be reported as JSON."""
    if not isinstance(result, VerificationResult):
        raise AssertionError(f"verify() returned a {type(result).__name__}")
    if not isinstance(result.verified, bool):
        raise AssertionError("verified is not a bool")
    json.dumps(result.to_dict())


def _lenient_json(data: bytes) -> Any:
    """What a careless caller might hand over: Python's own JSON reading (big numbers, NaN,
    duplicate keys...), or None when even that fails."""
    try:
        return json.loads(data.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return None


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + payload))
    return struct.pack(">I", len(payload)) + kind + payload + crc


_IHDR = _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))


def baked_png(text: bytes) -> bytes:
    """A minimal PNG carrying `text` in an openbadgecredential iTXt chunk (valid CRCs)."""
    itxt = _png_chunk(b"iTXt", KEYWORD + b"\x00\x00\x00\x00\x00" + text)
    return SIGNATURE + _IHDR + itxt + _png_chunk(b"IEND", b"")


def baked_svg(text: bytes) -> bytes:
    """A minimal SVG carrying `text` as the content of its openbadges:credential element."""
    return (
        b'<svg xmlns="' + SVG_NAMESPACE.encode() + b'" xmlns:openbadges="'
        + NAMESPACE.encode() + b'"><openbadges:credential><![CDATA['
        + text + b"]]></openbadges:credential></svg>"
    )  # fmt: skip


def verify_json(data: bytes) -> None:
    """verify() on bytes as given (JSON, or anything else)."""
    _check_result(edubadge.verify(data, now=NOW))


def verify_dict(data: bytes) -> None:
    """verify() on a parsed value (the Python API path, no strict parser in front)."""
    value = _lenient_json(data)
    if isinstance(value, dict):
        _check_result(edubadge.verify(value, now=NOW))


def verify_jwt(data: bytes) -> None:
    """verify() on text (compact JWS and VC-JWT tokens)."""
    _check_result(edubadge.verify(data.decode("utf-8", "replace"), now=NOW))


def verify_png(data: bytes) -> None:
    """verify() on a PNG: the input itself when it is one, else a PNG with it baked in."""
    image = data if data.startswith(SIGNATURE) else baked_png(data)
    _check_result(edubadge.verify(image, now=NOW))


def verify_svg(data: bytes) -> None:
    """verify() on an SVG: the input itself when it looks like one, else an SVG with it."""
    image = data if data.lstrip().startswith(b"<") else baked_svg(data)
    _check_result(edubadge.verify(image, now=NOW))


def unbake(data: bytes) -> None:
    """The unbaker: a string, or a `BakingError` (an `EdubadgeError`)."""
    try:
        text = unbake_image(data)
    except EdubadgeError:
        return
    if not isinstance(text, str):
        raise AssertionError(f"unbake returned a {type(text).__name__}")


def _reader(read: Callable[[dict[str, Any]], object], what: str) -> Target:
    """A target for a reader of parsed JSON objects: it returns, or raises an EdubadgeError."""

    def target(data: bytes) -> None:
        value = _lenient_json(data)
        if isinstance(value, dict):
            with contextlib.suppress(EdubadgeError):
                read(value)

    target.__doc__ = what
    return target


microcredential = _reader(load_microcredential, "The micro-credential input parser.")
ob3 = _reader(from_credential, "The OB 3.0 reader (`formats.ob3.from_credential`).")
edc = _reader(edc_from_credential, "The Europass EDC reader (`formats.edc.from_credential`).")


def verify_presentation(data: bytes) -> None:
    """`verify_presentation()` on bytes (a presentation, or anything else)."""
    result = edubadge.verify_presentation(
        data, challenge="fuzz-challenge", domain="https://verifier.example", now=NOW
    )
    _check_result(result)


def status_list(data: bytes) -> None:
    """The Bitstring Status List decoder and bit reader: bytes, or a `StatusListError`."""
    head, _, text = data.partition(b"\n")
    try:
        decoded = bitstring.decode(text.decode("utf-8", "replace"), max_bytes=1 << 20)
    except EdubadgeError:
        return
    if not isinstance(decoded, bytes):
        raise AssertionError(f"decode returned a {type(decoded).__name__}")
    index = int.from_bytes(head[:4].ljust(4, b"\0"), "big") % max(1, len(decoded) * 8 + 8)
    size = 1 << (head[4] % 4) if len(head) > 4 else 1
    try:
        value = bitstring.get_status(decoded, index, size)
    except EdubadgeError:
        return
    if not 0 <= value < 1 << size:
        raise AssertionError(f"status {value} does not fit {size} bits")


TARGETS: dict[str, Target] = {
    "verify_json": verify_json,
    "verify_dict": verify_dict,
    "verify_jwt": verify_jwt,
    "verify_png": verify_png,
    "verify_svg": verify_svg,
    "unbake": unbake,
    "microcredential": microcredential,
    "ob3": ob3,
    "edc": edc,
    "verify_presentation": verify_presentation,
    "status_list": status_list,
}
