"""Baking: a credential carried inside a PNG or SVG badge image (Open Badges 3.0 rules)."""

from __future__ import annotations

from ..errors import BakingError
from .png import SIGNATURE as PNG_SIGNATURE
from .png import bake_png, unbake_png
from .svg import bake_svg, unbake_svg


def image_kind(data: bytes) -> str | None:
    """ "png", "svg", or None when `data` is neither."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<svg" in data[:4096]:
        return "svg"
    return None


def bake(image: bytes, credential: str) -> bytes:
    """The image (PNG or SVG) with the credential (JSON text or compact JWS) baked in."""
    kind = image_kind(image)
    if kind == "png":
        return bake_png(image, credential)
    if kind == "svg":
        return bake_svg(image, credential)
    raise BakingError("only PNG and SVG images can be baked")


def unbake(image: bytes) -> str:
    """The credential (JSON text or compact JWS) baked into a PNG or SVG image."""
    kind = image_kind(image)
    if kind == "png":
        return unbake_png(image)
    if kind == "svg":
        return unbake_svg(image)
    raise BakingError("not a PNG or SVG image")


__all__ = ["bake", "bake_png", "bake_svg", "image_kind", "unbake", "unbake_png", "unbake_svg"]
