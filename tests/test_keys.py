"""Keys: Multikey and JWK round trips, did:key, key files, resolution rules, no secret leaks."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import edubadge
from edubadge import keys
from edubadge.errors import KeyFileError, KeyFormatError, VerificationMethodError
from edubadge.keys import resolve
from edubadge.keys.multikey import decode_multibase, encode_multibase

from .shared import load

seeds = st.binary(min_size=32, max_size=32)


@given(seeds)
def test_multikey_round_trip(seed: bytes) -> None:
    key = keys.from_seed(seed)
    exported = key.to_multikey(include_secret=True)
    again = keys.from_multikey(exported["publicKeyMultibase"], exported["secretKeyMultibase"])
    assert again.public_bytes == key.public_bytes
    assert again.sign(b"data") == key.sign(b"data")
    assert exported["publicKeyMultibase"].startswith("z6Mk")


@given(seeds)
def test_64_byte_secret_is_accepted(seed: bytes) -> None:
    key = keys.from_seed(seed)
    long_secret = encode_multibase(b"\x80\x26" + seed + key.public_bytes)
    assert keys.from_multikey(key.public_key_multibase, long_secret).sign(b"x") == key.sign(b"x")


def test_64_byte_secret_must_end_with_its_public_key() -> None:
    a, b = keys.from_seed(b"\x01" * 32), keys.from_seed(b"\x02" * 32)
    wrong = encode_multibase(b"\x80\x26" + b"\x01" * 32 + b.public_bytes)
    with pytest.raises(KeyFormatError):
        keys.from_multikey(a.public_key_multibase, wrong)


def test_secret_of_another_key_is_refused() -> None:
    a, b = keys.from_seed(b"\x01" * 32), keys.from_seed(b"\x02" * 32)
    with pytest.raises(KeyFormatError, match="does not belong"):
        keys.from_multikey(
            a.public_key_multibase, b.to_multikey(include_secret=True)["secretKeyMultibase"]
        )


def test_w3c_and_ob3_vector_keys_import() -> None:
    w3c = load("vectors/w3c/eddsa-rdfc-2022/keyPair.json")
    key = keys.from_multikey(w3c["publicKeyMultibase"], w3c["privateKeyMultibase"])
    assert key.public_key_multibase == w3c["publicKeyMultibase"]
    ob = load("vectors/ob3/test-vectors/eddsa-rdfc-2022-ob/keypair.json")
    key = keys.from_multikey(ob["publicKeyMultibase"], ob["secretKeyMultibase"])  # 64-byte form
    assert key.public_bytes.hex() == ob["publicKeyHex"]


@given(seeds)
def test_jwk_round_trip(seed: bytes) -> None:
    key = keys.from_seed(seed)
    public = key.to_jwk()
    assert "d" not in public and public["kty"] == "OKP"
    assert keys.from_jwk(public).public_bytes == key.public_bytes
    private = keys.from_jwk(key.to_jwk(include_secret=True))
    assert private.sign(b"x") == key.sign(b"x")


def test_bad_inputs_are_typed_errors() -> None:
    with pytest.raises(KeyFormatError):
        keys.from_multikey("not-multibase")
    with pytest.raises(KeyFormatError):
        keys.from_multikey(encode_multibase(b"\x12\x34" + b"\x00" * 32))
    with pytest.raises(KeyFormatError):
        keys.from_jwk({"kty": "RSA"})
    with pytest.raises(KeyFormatError):
        decode_multibase("z0OIl")  # not base58
    with pytest.raises(KeyFormatError):
        keys.generate("Ed448")


@given(seeds)
def test_no_secret_in_repr_or_errors(seed: bytes) -> None:
    key = keys.from_seed(seed)
    secret = key.to_multikey(include_secret=True)["secretKeyMultibase"]
    for text in (
        repr(key),
        str(key),
        repr(key.public()),
        str(key.to_multikey()),
        str(key.to_jwk()),
    ):
        assert secret not in text and seed.hex() not in text
    with pytest.raises(KeyFormatError) as raised:
        key.public().sign(b"x")
    assert secret not in str(raised.value)


def test_did_key_resolves_offline() -> None:
    key = keys.generate()
    document = keys.resolve_did_key(keys.did_key(key))
    assert document["assertionMethod"] == [key.id]
    method = keys.resolve_verification_method(key.id, edubadge.DocumentLoader())
    assert method.key.public_bytes == key.public_bytes
    assert method.controller == key.controller


def test_a_did_key_resolves_once_unless_a_loader_registers_its_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = keys.generate()
    first = keys.resolve_verification_method(key.id, edubadge.DocumentLoader())
    decoded: list[str] = []
    monkeypatch.setattr(resolve, "resolve_did_key", lambda did: decoded.append(did))
    again = keys.resolve_verification_method(key.id, edubadge.DocumentLoader())
    assert again == first and decoded == []
    monkeypatch.undo()
    document = keys.resolve_did_key(key.controller)
    document["assertionMethod"] = []  # a registered document says otherwise: it is obeyed
    loader = edubadge.DocumentLoader({key.controller: document})
    with pytest.raises(VerificationMethodError, match="not listed under 'assertionMethod'"):
        keys.resolve_verification_method(key.id, loader)


def test_https_key_needs_its_controller_document() -> None:
    key = keys.from_seed(b"\x05" * 32, controller="https://issuer.example/org")
    with pytest.raises(VerificationMethodError, match="no controller document"):
        keys.resolve_verification_method(key.id, edubadge.DocumentLoader())
    loader = edubadge.DocumentLoader({key.controller: keys.controller_document(key)})
    assert keys.resolve_verification_method(key.id, loader).key == key.public()


def test_key_not_under_assertion_method_cannot_assert() -> None:
    key = keys.from_seed(b"\x06" * 32, controller="https://issuer.example/org")
    document = keys.controller_document(key, relationships=("authentication",))
    loader = edubadge.DocumentLoader({key.controller: document})
    with pytest.raises(VerificationMethodError, match="not listed under 'assertionMethod'"):
        keys.resolve_verification_method(key.id, loader)
    assert keys.resolve_verification_method(key.id, loader, purpose="authentication")


def test_published_private_key_is_refused() -> None:
    key = keys.from_seed(b"\x07" * 32, controller="https://issuer.example/org")
    document = keys.controller_document(key)
    document["verificationMethod"] = [
        {
            "id": key.id,
            "type": "JsonWebKey",
            "controller": key.controller,
            "publicKeyJwk": key.to_jwk(include_secret=True),
        }
    ]
    with pytest.raises(VerificationMethodError, match="private key"):
        keys.resolve_verification_method(
            key.id, edubadge.DocumentLoader({key.controller: document})
        )


def test_key_file_is_private_and_round_trips(tmp_path: Path) -> None:
    key = keys.generate()
    path = keys.save_key(key, tmp_path / "issuer.key.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.load_key(path).sign(b"x") == key.sign(b"x")
    with pytest.raises(KeyFileError, match="exists"):
        keys.save_key(key, path)


def test_readable_key_file_is_refused(tmp_path: Path) -> None:
    path = keys.save_key(keys.generate(), tmp_path / "k.json")
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        keys.load_key(path)


def test_garbled_key_file_is_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    path.write_text("{not json")
    os.chmod(path, 0o600)
    with pytest.raises(KeyFileError, match="not JSON"):
        keys.load_key(path)
