"""Demo step: the same micro-credential baked into a PNG and an SVG badge image."""

from __future__ import annotations

import json
import struct
import zlib

from ..bake import bake
from .core import DemoRun

BADGE_SVG = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 200 200">'
    '<circle cx="100" cy="100" r="90" fill="#003399"/>'
    '<text x="100" y="110" font-size="28" text-anchor="middle" fill="#ffcc00">5 ECTS</text>'
    "</svg>\n"
)


def badge_png(size: int = 64) -> bytes:
    """A plain round badge as an RGB PNG (no imaging library needed for a demo picture)."""
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            inside = (x - size / 2) ** 2 + (y - size / 2) ** 2 < (size / 2 - 2) ** 2
            row += bytes((0, 51, 153) if inside else (255, 255, 255))
        rows.append(bytes(row))

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + payload))
        return struct.pack(">I", len(payload)) + kind + payload + crc

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def bake_badges(run: DemoRun) -> None:
    """Bake the first credential into a PNG and an SVG: both verify as they are."""
    run.heading("Bake the first micro-credential into PNG and SVG badge images")
    credential = json.dumps(run.read("credential-1-eddsa-rdfc-2022.json"), ensure_ascii=False)
    for name, image, kind in (
        ("badge-1.png", badge_png(), "png"),
        ("badge-1.svg", BADGE_SVG.encode("utf-8"), "svg"),
    ):
        (run.directory / name).write_bytes(bake(image, credential))
        run.manifest.append(
            {
                "file": name,
                "role": "credential",
                "format": kind,
                "suite": "eddsa-rdfc-2022",
                "expect": "verified",
            }
        )
        run.say(f"   {name}")
