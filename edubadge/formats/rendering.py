"""A picture of a credential in one language: the image EDC's display parameters must carry.

Europass requires each European Digital Credential to carry, per language, an image of the
credential as it is shown to people. `render_png` draws one with Pillow: title, learner,
awarding bodies, date, and the main Annex I facts. The output is a function of its inputs
(same text, same Pillow, same font -> same bytes). DejaVu Sans is used when installed (it
covers Latin, Greek and Cyrillic); otherwise Pillow's own font.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import ImageFont

__all__ = ["render_png"]

WIDTH, HEIGHT = 1200, 850
_FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    for path in _FONT_PATHS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def render_png(title: str, lines: Sequence[str], *, heading: str = "") -> bytes:
    """A PNG (1200 x 850) showing `heading` (e.g. "Micro-credential"), `title` and `lines`."""
    from PIL import Image, ImageDraw  # only EDC output needs Pillow

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, WIDTH - 21, HEIGHT - 21), outline=(0, 51, 153), width=6)
    y = 60
    if heading:
        draw.text((70, y), heading, fill=(0, 51, 153), font=_font(30))
        y += 55
    for part in textwrap.wrap(title, 40)[:3]:
        draw.text((70, y), part, fill="black", font=_font(46))
        y += 60
    y += 20
    for line in lines:
        for part in textwrap.wrap(line, 80)[:2] or [""]:
            if y > HEIGHT - 80:
                break
            draw.text((70, y), part, fill=(40, 40, 40), font=_font(24))
            y += 34
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
