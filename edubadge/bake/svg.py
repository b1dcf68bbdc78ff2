"""Open Badges 3.0 baking in SVG: one `<openbadges:credential>` right after the root `<svg>`.

Parsing goes through defusedxml: entity declarations and external references are refused.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..errors import BakingError
from ..parsing import MAX_DOCUMENT_BYTES

NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_CREDENTIAL = f"{{{NAMESPACE}}}credential"
_ROOT_START = re.compile(rb"<svg\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")


def _parse(data: bytes) -> Element:
    if len(data) > 4 * MAX_DOCUMENT_BYTES:
        raise BakingError(f"SVG image larger than {4 * MAX_DOCUMENT_BYTES} bytes")
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as error:
        raise BakingError(
            f"SVG refused ({type(error).__name__}): no entities or external references allowed"
        ) from None
    except SafeET.ParseError as error:
        raise BakingError(f"not well-formed XML: {error}") from None
    except (LookupError, ValueError) as error:  # expat on an encoding it cannot read
        raise BakingError(f"the SVG's XML encoding cannot be read: {error}") from None
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise BakingError("the root element is not an SVG <svg>")
    element: Element = root
    return element


def unbake_svg(data: bytes) -> str:
    """The credential (JSON text, or the compact JWS of `verify`) baked into an SVG image."""
    root = _parse(data)
    found = list(root.iter(_CREDENTIAL))
    if not found:
        raise BakingError("the SVG image holds no <openbadges:credential> element")
    if len(found) > 1:
        raise BakingError("the SVG image holds more than one credential")
    element = found[0]
    jws = element.get("verify")
    embedded = (element.text or "").strip()
    if jws is not None and embedded:
        raise BakingError("the <openbadges:credential> element holds a JWS and a JSON credential")
    text = jws if jws is not None else embedded
    if not text:
        raise BakingError("the <openbadges:credential> element is empty")
    if len(text) > MAX_DOCUMENT_BYTES:
        raise BakingError(f"baked credential larger than {MAX_DOCUMENT_BYTES} bytes")
    return text


def bake_svg(data: bytes, credential: str) -> bytes:
    """The SVG image with `credential`: JSON in CDATA, or a compact JWS in `verify`."""
    root = _parse(data)
    if next(root.iter(_CREDENTIAL), None) is not None:
        raise BakingError("the SVG image already holds a credential", hint="unbake it first")
    if len(credential.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise BakingError(f"credential larger than {MAX_DOCUMENT_BYTES} bytes")
    start = _ROOT_START.search(data)
    if start is None:
        raise BakingError("cannot find the root <svg> start tag")
    tag = start.group(0)
    if b'xmlns:openbadges="' + NAMESPACE.encode() + b'"' not in tag:
        if b"xmlns:openbadges=" in tag:
            raise BakingError("the openbadges prefix is bound to another namespace")
        tag = tag[:4] + b' xmlns:openbadges="' + NAMESPACE.encode() + b'"' + tag[4:]
    text = credential.strip()
    if text.startswith("{"):
        if "]]>" in text:
            raise BakingError("the credential contains ']]>' and cannot go into CDATA")
        element = f"<openbadges:credential><![CDATA[{text}]]></openbadges:credential>"
    else:
        element = f'<openbadges:credential verify="{text}"/>'
    self_closing = tag.endswith(b"/>")
    if self_closing:
        tag = tag[:-2] + b">"
    baked = tag + element.encode("utf-8") + (b"</svg>" if self_closing else b"")
    return data[: start.start()] + baked + data[start.end() :]
