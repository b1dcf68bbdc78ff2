"""Baking (OB 3.0 rules): PNG iTXt and SVG, the 1EdTech vectors, and every refusal."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import edubadge
from edubadge import keys
from edubadge.bake import bake, bake_png, bake_svg, image_kind, unbake
from edubadge.bake.png import MAX_PNG_BYTES
from edubadge.cli import main
from edubadge.demo.baking import BADGE_SVG, badge_png
from edubadge.envelopes import jose
from edubadge.errors import BakingError
from edubadge.parsing import MAX_DOCUMENT_BYTES

from .shared import load, require_shared
from .test_ob3_vectors import _controller_documents

OB30 = "vectors/ob3/examples/validator/ob30/"
credentials = st.text(min_size=1, max_size=300).map(lambda t: json.dumps({"text": t}))
jws_like = st.from_regex(
    r"[A-Za-z0-9_-]{5,40}\.[A-Za-z0-9_-]{5,40}\.[A-Za-z0-9_-]{5,40}", fullmatch=True
)


def _vector(name: str) -> bytes:
    return (require_shared() / OB30 / name).read_bytes()


@pytest.mark.parametrize("name", ["simple-json.png", "simple-json.svg"])
def test_baked_json_vectors_verify(name: str) -> None:
    """EXPECTATIONS.json: both are valid; verify() takes the image as it is."""
    assert load(OB30 + "../EXPECTATIONS.json")["files"][name]["expected"] == "valid"
    image = _vector(name)
    document = json.loads(unbake(image))
    result = edubadge.verify(image, loader=edubadge.DocumentLoader(_controller_documents(document)))
    assert result.verified, result.to_dict()
    assert result.check("parse").detail.startswith("unbaked from")


BAKED_VECTORS = [
    "simple-json.png",
    "simple-json.svg",
    "simple-jwt.png",
    "simple-jwt.svg",
    "simple-jwt_v1.png",
    "simple-jwt_v1.svg",
]


@pytest.mark.parametrize(
    "name", ["simple-jwt.png", "simple-jwt.svg", "simple-jwt_v1.png", "simple-jwt_v1.svg"]
)
def test_baked_jwt_vectors_unbake_to_a_compact_jws(name: str) -> None:
    text = unbake(_vector(name))
    assert text.count(".") == 2 and text.startswith("eyJ")


def _loader_for(image: bytes) -> edubadge.DocumentLoader:
    """The controller documents 1EdTech's issuers would publish: for an embedded proof, its
    https method; for a JWT, the issuer with the key of its `jwk` header."""
    text = unbake(image)
    if not text.startswith("eyJ"):
        return edubadge.DocumentLoader(_controller_documents(json.loads(text)))
    token = jose.parse(text)
    issuer = token.payload["iss"]
    key = keys.from_jwk(token.header["jwk"], id=f"{issuer}#key-1")
    return edubadge.DocumentLoader({issuer: keys.controller_document(key)})


@pytest.mark.parametrize("name", BAKED_VECTORS)
def test_every_baked_vector_gets_its_expected_verdict(name: str) -> None:
    """EXPECTATIONS.json: `valid` verifies with no warning; `warning` (a VC 1.1 JWT) verifies
    and says it is legacy; verify() takes each image as it is."""
    expected = load(OB30 + "../EXPECTATIONS.json")["files"][name]["expected"]
    image = _vector(name)
    result = edubadge.verify(image, loader=_loader_for(image))
    assert result.verified, result.to_dict()
    assert result.check("parse").detail == f"unbaked from a {name[-3:].upper()} image"
    if expected == "valid":
        assert not result.warnings
    else:
        assert expected == "warning"
        assert any("legacy" in w for w in result.warnings)


@given(credentials | jws_like)
def test_png_round_trip(credential: str) -> None:
    image = badge_png(8)
    baked = bake(image, credential)
    assert image_kind(baked) == "png"
    assert unbake(baked) == credential.strip()


@given(credentials | jws_like)
def test_svg_round_trip(credential: str) -> None:
    baked = bake(BADGE_SVG.encode(), credential)
    assert unbake(baked) == credential.strip()
    assert b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked


def test_self_closing_svg_root() -> None:
    baked = bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg"/>', '{"a": 1}')
    assert unbake(baked) == '{"a": 1}'


def test_a_second_credential_is_refused() -> None:
    for image in (badge_png(8), BADGE_SVG.encode()):
        baked = bake(image, '{"a": 1}')
        with pytest.raises(BakingError, match="already holds"):
            bake(baked, '{"b": 2}')
    png = badge_png(8)
    chunk = bake_png(png, '{"a": 1}')[len(png) - 12 : -12]  # the iTXt chunk just inserted
    twice = png[:-12] + chunk + chunk + png[-12:]
    with pytest.raises(BakingError, match="more than one"):
        unbake(twice)
    element = '<ob:credential xmlns:ob="https://purl.imsglobal.org/ob/v3p0" verify="{}"/>'
    svg = BADGE_SVG.replace("<circle", element.format("a.b.c") + "<circle", 1)
    svg = svg.replace("<text", element.format("d.e.f") + "<text", 1)
    with pytest.raises(BakingError, match="more than one"):
        unbake(svg.encode())


def _itxt(payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + b"iTXt"
        + payload
        + struct.pack(">I", zlib.crc32(b"iTXt" + payload))
    )


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda p: p[:20], "truncated|runs past"),
        (lambda p: p[:-5] + b"XXXXX", "CRC|IEND"),
        (
            lambda p: (
                p[:-12]
                + _itxt(b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(b"{}"))
                + p[-12:]
            ),
            "compressed",
        ),
        (lambda p: p[:-12] + struct.pack(">I", 2**31) + b"iTXt" + p[-12:], "runs past"),
        (lambda p: b"GIF89a" + p[6:], "not a PNG|PNG or SVG"),
    ],
)
def test_malformed_png_is_refused(mangle: object, message: str) -> None:
    image = mangle(bake(badge_png(8), '{"a": 1}'))  # type: ignore[operator]
    with pytest.raises(BakingError, match=message):
        unbake(image)


@pytest.mark.parametrize(
    "svg",
    [
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>',
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        b"<html><svg/></html>",
        b"<svg",
    ],
)
def test_hostile_svg_is_refused(svg: bytes) -> None:
    with pytest.raises(BakingError):
        unbake(svg)
    result = edubadge.verify(svg)
    assert not result.verified and result.check("parse").outcome == "failed"


def test_tampered_baked_credential_fails(tmp_path: Path) -> None:
    image = _vector("simple-json.png")
    document = json.loads(unbake(image))
    document["name"] = "Forged Badge"
    forged = bake(badge_png(8), json.dumps(document))
    result = edubadge.verify(
        forged, loader=edubadge.DocumentLoader(_controller_documents(document))
    )
    assert not result.verified and not result.check("proof").passed


def test_cli_bake_and_unbake(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "badge.png").write_bytes(badge_png(16))
    (tmp_path / "credential.json").write_text('{"hello": "world"}\n')
    out = tmp_path / "baked.png"
    assert (
        main(
            [
                "bake",
                str(tmp_path / "badge.png"),
                str(tmp_path / "credential.json"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert main(["unbake", str(out)]) == 0
    assert json.loads(capsys.readouterr().out) == {"hello": "world"}
    assert main(["unbake", str(tmp_path / "credential.json")]) == 2


@pytest.mark.parametrize("encoding", ["utf-9", "utf-7", "utf-16"])
def test_svg_declaring_an_unreadable_encoding_is_refused(encoding: str) -> None:
    """Found by fuzzing: expat raised LookupError/ValueError through verify()."""
    svg = f'<?xml version="1.0" encoding="{encoding}"?><svg xmlns="http://www.w3.org/2000/svg"/>'.encode()
    with pytest.raises(BakingError):
        unbake(svg)
    result = edubadge.verify(svg)
    assert result.check("parse").outcome == "failed"


def test_oversized_images_and_credentials_are_refused() -> None:
    png, svg = badge_png(8), BADGE_SVG.encode()
    big = json.dumps({"padding": "x" * MAX_DOCUMENT_BYTES})
    for image in (png, svg):
        with pytest.raises(BakingError, match="larger than"):
            bake(image, big)
    huge_png = png[:-12] + _chunk(b"tEXt", b"a\x00" + b"x" * MAX_PNG_BYTES) + png[-12:]
    with pytest.raises(BakingError, match="PNG image larger than"):
        unbake(huge_png)
    oversized_itxt = png[:-12] + _itxt(b"openbadgecredential\x00\x00\x00\x00\x00" + big.encode())
    with pytest.raises(BakingError, match="baked credential larger than"):
        unbake(oversized_itxt + png[-12:])
    cdata = svg.replace(b"<circle", b"<ob:credential xmlns:ob='https://purl.imsglobal.org/ob/v3p0'>"
                        + big.encode() + b"</ob:credential><circle", 1)  # fmt: skip
    with pytest.raises(BakingError, match="larger than"):
        unbake(cdata)
    result = edubadge.verify(huge_png)
    assert not result.verified and "larger than" in result.check("parse").problems[0].detail


def test_an_svg_element_with_a_jws_and_json_is_refused() -> None:
    element = (
        '<ob:credential xmlns:ob="https://purl.imsglobal.org/ob/v3p0" verify="a.b.c">'
        '<![CDATA[{"a": 1}]]></ob:credential>'
    )
    svg = BADGE_SVG.replace("<circle", element + "<circle", 1)
    with pytest.raises(BakingError, match="a JWS and a JSON credential"):
        unbake(svg.encode())


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )
