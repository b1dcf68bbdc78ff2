"""RSA keys, PEM and encrypted PKCS#8 for every key type, encrypted key files, did:jwk."""

from __future__ import annotations

import json
import stat
import subprocess
from functools import cache
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given, settings
from hypothesis import strategies as st

import edubadge
from edubadge import keys
from edubadge.errors import KeyFileError, KeyFormatError

seeds = st.binary(min_size=32, max_size=32)
passphrases = st.text(min_size=1, max_size=40)
KEY_TYPES = keys.algorithm_names()


@cache
def _rsa() -> keys.KeyPair:
    return keys.generate("RSA", bits=2048)


def _any(kind: str) -> keys.KeyPair:
    return _rsa() if kind == "RSA" else keys.generate(kind)


def test_rsa_defaults() -> None:
    key = keys.generate("RSA")
    assert key.public_key_object.key_size == 3072
    assert key.signature_algorithm == "RS256"
    assert key.controller.startswith("did:jwk:") and key.id == key.controller + "#0"
    with pytest.raises(KeyFormatError, match="no Multikey form"):
        _ = key.public_key_multibase


def test_rs256_and_ps256() -> None:
    key = _rsa()
    rs = key.sign(b"data")
    assert rs == key.sign(b"data")  # PKCS#1 v1.5 is deterministic
    ps_key = key.with_signature_algorithm("PS256")
    ps = ps_key.sign(b"data")
    assert ps != ps_key.sign(b"data")  # PSS is salted
    assert key.verify(b"data", rs) and not key.verify(b"data", ps)
    assert ps_key.verify(b"data", ps) and not ps_key.verify(b"data", rs)
    assert not key.verify(b"other", rs)
    with pytest.raises(KeyFormatError, match="cannot sign 'RS384'"):
        key.with_signature_algorithm("RS384")
    with pytest.raises(KeyFormatError):
        keys.generate().with_signature_algorithm("RS256")


def test_short_rsa_keys_are_refused() -> None:
    with pytest.raises(KeyFormatError, match="at least 2048"):
        keys.generate("RSA", bits=1024)
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    jwk = keys.KeyPair("RSA", _rsa().public_key_object).to_jwk()
    from jwcrypto.jwk import JWK

    small_jwk = JWK.from_pyca(small.public_key()).export_public(as_dict=True)
    with pytest.raises(KeyFormatError, match="1024 bits refused"):
        keys.from_jwk(small_jwk)
    assert keys.from_jwk(jwk).public_bytes == _rsa().public_bytes
    with pytest.raises(KeyFormatError, match="fixed size"):
        keys.generate("Ed25519", bits=4096)


def test_rsa_jwk_round_trip() -> None:
    key = _rsa()
    public = key.to_jwk()
    assert public["kty"] == "RSA" and "d" not in public
    assert keys.from_jwk(public).public_bytes == key.public_bytes
    private = keys.from_jwk(key.to_jwk(include_secret=True))
    assert private.sign(b"x") == key.sign(b"x")


@pytest.mark.parametrize("kind", KEY_TYPES)
def test_pem_round_trip_every_key_type(kind: str) -> None:
    key = _any(kind)
    public = keys.from_pem(key.to_pem(), id=key.id)
    assert public == key and not public.has_secret
    assert key.to_pem().startswith("-----BEGIN PUBLIC KEY-----")
    private = keys.from_pem(key.to_pem(include_secret=True), id=key.id)
    assert private.verify(b"x", private.sign(b"x")) and key.verify(b"x", private.sign(b"x"))


@settings(max_examples=20)
@given(seeds, passphrases)
def test_encrypted_pkcs8_round_trip(seed: bytes, passphrase: str) -> None:
    key = keys.from_seed(seed)
    pem = key.to_pem(include_secret=True, passphrase=passphrase)
    assert pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    again = keys.from_pem(pem, passphrase=passphrase)
    assert again.sign(b"x") == key.sign(b"x")
    with pytest.raises(KeyFormatError, match="wrong passphrase") as refused:
        keys.from_pem(pem, passphrase=passphrase + "!")
    assert passphrase + "!" not in str(refused.value)


def test_encrypted_pkcs8_is_standard(tmp_path: Path) -> None:
    """openssl reads the encrypted PKCS#8 edubadge writes (PBES2, AES-256-CBC)."""
    key = _rsa()
    path = tmp_path / "key.pem"
    path.write_text(key.to_pem(include_secret=True, passphrase="correct horse"))
    try:
        run = subprocess.run(
            ["openssl", "pkey", "-in", str(path), "-passin", "pass:correct horse", "-pubout"],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        pytest.skip("openssl is not installed")
    assert run.returncode == 0, run.stderr
    assert run.stdout == key.to_pem()
    text = subprocess.run(
        ["openssl", "asn1parse", "-in", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "PBES2" in text and "aes-256-cbc" in text and "hmacWithSHA256" in text


def test_pem_refusals() -> None:
    key = keys.generate()
    encrypted = key.to_pem(include_secret=True, passphrase="pw")
    with pytest.raises(KeyFormatError, match="encrypted"):
        keys.from_pem(encrypted)
    with pytest.raises(KeyFormatError, match="not encrypted"):
        keys.from_pem(key.to_pem(include_secret=True), passphrase="pw")
    with pytest.raises(KeyFormatError, match="empty passphrase"):
        key.to_pem(include_secret=True, passphrase="")
    with pytest.raises(KeyFormatError):
        keys.from_pem("-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n")
    with pytest.raises(KeyFormatError, match="holds no secret"):
        key.public().to_pem(include_secret=True)


@pytest.mark.parametrize("kind", KEY_TYPES)
def test_encrypted_key_files(kind: str, tmp_path: Path) -> None:
    key = _any(kind)
    path = keys.save_key(key, tmp_path / "k.json", passphrase="s3cret phrase")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "ENCRYPTED PRIVATE KEY" in text and "secretKeyMultibase" not in text
    assert keys.keyfile.is_encrypted(path)
    loaded = keys.load_key(path, passphrase="s3cret phrase")
    assert loaded == key and loaded.sign(b"x") and key.verify(b"x", loaded.sign(b"x"))
    with pytest.raises(KeyFileError, match="give its passphrase"):
        keys.load_key(path)
    with pytest.raises(KeyFileError, match="wrong passphrase") as refused:
        keys.load_key(path, passphrase="guess")
    assert "guess" not in str(refused.value) and "s3cret" not in str(refused.value)


def test_plain_ed25519_key_files_keep_their_format(tmp_path: Path) -> None:
    key = keys.generate()
    path = keys.save_key(key, tmp_path / "k.json")
    document = json.loads(path.read_text())
    assert set(document) == {
        "@context",
        "id",
        "type",
        "controller",
        "publicKeyMultibase",
        "secretKeyMultibase",
    }
    assert keys.load_key(path).sign(b"x") == key.sign(b"x")
    with pytest.raises(KeyFileError, match="not encrypted"):
        keys.load_key(path, passphrase="pw")


def test_rsa_key_file_without_passphrase(tmp_path: Path) -> None:
    key = _rsa()
    path = keys.save_key(key, tmp_path / "rsa.json")
    document = json.loads(path.read_text())
    assert document["type"] == "JsonWebKey" and "d" not in document["publicKeyJwk"]
    assert document["secretKeyPem"].startswith("-----BEGIN PRIVATE KEY-----")
    assert keys.load_key(path) == key


def test_mismatched_key_file_is_refused(tmp_path: Path) -> None:
    key, other = keys.generate(), keys.generate()
    path = keys.save_key(key, tmp_path / "k.json", passphrase="pw")
    document = json.loads(path.read_text())
    document["publicKeyMultibase"] = other.public_key_multibase
    path.write_text(json.dumps(document))
    with pytest.raises(KeyFileError, match="does not belong"):
        keys.load_key(path, passphrase="pw")


def test_did_jwk_resolves_offline() -> None:
    key = _rsa()
    document = keys.resolve_verification_method(key.id, edubadge.DocumentLoader())
    assert document.controller == key.controller and document.key.public_bytes == key.public_bytes
    ed = keys.generate(controller=None)
    did = keys.did_jwk.encode_did_jwk(ed.to_jwk())
    resolved = keys.resolve_verification_method(f"{did}#0", edubadge.DocumentLoader())
    assert resolved.key.public_bytes == ed.public_bytes
    with pytest.raises(edubadge.errors.VerificationMethodError):
        keys.resolve_verification_method("did:jwk:bm90IGEgandr#0", edubadge.DocumentLoader())


def test_jwk_verification_methods_with_private_members_are_refused() -> None:
    key = keys.generate("RSA", bits=2048, controller="https://issuer.example/")
    document = keys.controller_document(key)
    for member in ("d", "p", "dq"):
        leaked = json.loads(json.dumps(document))
        leaked["verificationMethod"][0]["publicKeyJwk"][member] = "AQAB"
        loader = edubadge.DocumentLoader(extra={key.controller: leaked})
        with pytest.raises(edubadge.errors.VerificationMethodError, match="private key"):
            keys.resolve_verification_method(key.id, loader)


def test_no_secret_in_repr_of_any_key() -> None:
    for kind in KEY_TYPES:
        key = _any(kind)
        secret = key.to_pem(include_secret=True)
        body = "".join(secret.splitlines()[1:-1])
        assert body[:40] not in repr(key) and "PRIVATE" not in repr(key)
