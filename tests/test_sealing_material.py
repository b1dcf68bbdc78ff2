"""Sealing material from PEM files (plain or encrypted key) and PKCS#12 bundles."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import pkcs12

from edubadge.envelopes import SealingMaterial, load_sealing_material, seal, verify_seal
from edubadge.envelopes.testing import make_test_material
from edubadge.errors import CertificateError, KeyFileError, KeyFormatError

PASSWORD = b"correct horse"
NOW = datetime(2031, 1, 1, tzinfo=UTC)


@cache
def _pki(algorithm: str) -> tuple[SealingMaterial, x509.Certificate]:
    return make_test_material(
        algorithm,
        not_before=datetime(2030, 1, 1, tzinfo=UTC),
        not_after=datetime(2032, 1, 1, tzinfo=UTC),
        intermediate=True,
    )


def _pem(*certificates: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


def _key_pem(material: SealingMaterial, password: bytes | None = None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return material.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def _write(path: Path, data: bytes, mode: int = 0o600) -> Path:
    path.write_bytes(data)
    os.chmod(path, mode)
    return path


def _seals(material: SealingMaterial, root: x509.Certificate, algorithm: str) -> bool:
    envelope = seal({"a": 1}, material, algorithm=algorithm, signing_time=NOW)
    return verify_seal(envelope, trust_anchors=[root], now=NOW).verified


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
def test_pem_certificates_and_plain_key(tmp_path: Path, algorithm: str) -> None:
    material, root = _pki(algorithm)
    leaf, intermediate = material.certificate_chain
    certificates = _write(tmp_path / "chain.pem", _pem(intermediate, leaf), 0o644)  # any order
    key = _write(tmp_path / "seal.key", _key_pem(material))
    loaded = load_sealing_material(certificates, key)
    assert loaded.certificate_chain == (leaf, intermediate)  # sealing certificate first
    assert loaded == material
    assert _seals(loaded, root, algorithm)


def test_pem_encrypted_key_needs_its_password(tmp_path: Path) -> None:
    material, root = _pki("PS256")
    certificates = _write(tmp_path / "chain.pem", _pem(*material.certificate_chain))
    key = _write(tmp_path / "seal.key", _key_pem(material, PASSWORD), 0o644)  # encrypted: ok
    loaded = load_sealing_material(str(certificates), str(key), password=PASSWORD)
    assert _seals(loaded, root, "PS256")
    with pytest.raises(KeyFileError, match=r"encrypted.*pass its password"):
        load_sealing_material(certificates, key)
    with pytest.raises(KeyFileError, match="cannot read a private key") as caught:
        load_sealing_material(certificates, key, password=b"wrong")
    assert "wrong" not in str(caught.value) and PASSWORD.decode() not in str(caught.value)


def test_one_pem_file_with_certificates_and_key(tmp_path: Path) -> None:
    material, root = _pki("ES256")
    bundle = _write(tmp_path / "seal.pem", _pem(*material.certificate_chain) + _key_pem(material))
    assert _seals(load_sealing_material(bundle), root, "ES256")
    no_key = _write(tmp_path / "certs.pem", _pem(*material.certificate_chain))
    with pytest.raises(KeyFileError, match="holds no private key"):
        load_sealing_material(no_key)


@pytest.mark.parametrize("password", [PASSWORD, None])
def test_pkcs12_bundle(tmp_path: Path, password: bytes | None) -> None:
    material, root = _pki("RS256")
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    data = pkcs12.serialize_key_and_certificates(
        b"seal",
        material.key,
        material.certificate,
        list(material.certificate_chain[1:]),
        encryption,
    )
    bundle = _write(tmp_path / "seal.p12", data)
    loaded = load_sealing_material(bundle, password=password)
    assert loaded.certificate_chain == material.certificate_chain
    assert _seals(loaded, root, "RS256")
    if password:
        with pytest.raises(KeyFileError, match="PKCS#12"):
            load_sealing_material(bundle, password=b"wrong")


def test_an_unencrypted_key_others_can_read_is_refused(tmp_path: Path) -> None:
    material, _ = _pki("ES256")
    certificates = _write(tmp_path / "chain.pem", _pem(*material.certificate_chain))
    key = _write(tmp_path / "seal.key", _key_pem(material), 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_sealing_material(certificates, key)


def test_key_and_certificate_must_belong_together(tmp_path: Path) -> None:
    material, _ = _pki("ES256")
    other, _ = _pki("RS256")
    certificates = _write(tmp_path / "chain.pem", _pem(*material.certificate_chain))
    key = _write(tmp_path / "other.key", _key_pem(other))
    with pytest.raises(KeyFormatError, match=r"no certificate .* belongs to the private key"):
        load_sealing_material(certificates, key)
    with pytest.raises(KeyFormatError, match="does not belong to the certificate"):
        SealingMaterial(material.certificate_chain, other.key)


def test_certificates_outside_the_chain_are_refused(tmp_path: Path) -> None:
    material, _ = _pki("ES256")
    stranger = _pki("RS256")[0].certificate
    certificates = _write(tmp_path / "chain.pem", _pem(*material.certificate_chain, stranger))
    key = _write(tmp_path / "seal.key", _key_pem(material))
    with pytest.raises(CertificateError, match="outside the chain"):
        load_sealing_material(certificates, key)


def test_unusable_inputs_are_clear_errors(tmp_path: Path) -> None:
    material, _ = _pki("ES256")
    key = _write(tmp_path / "seal.key", _key_pem(material))
    with pytest.raises(CertificateError, match="cannot read certificate file"):
        load_sealing_material(tmp_path / "missing.pem", key)
    garbage = _write(tmp_path / "garbage.pem", b"-----BEGIN CERTIFICATE-----\nAAAA\n")
    with pytest.raises(CertificateError, match=r"holds no X\.509 certificate"):
        load_sealing_material(garbage, key)
    ed_key = ed25519.Ed25519PrivateKey.generate()
    ed_pem = ed_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    certificates = _write(tmp_path / "chain.pem", _pem(*material.certificate_chain))
    with pytest.raises(KeyFormatError, match="needs an RSA or EC key"):
        load_sealing_material(certificates, _write(tmp_path / "ed.key", ed_pem))
    with pytest.raises(CertificateError, match="at least the sealing certificate"):
        SealingMaterial((), material.key)


def test_the_key_never_shows() -> None:
    material, _ = _pki("RS256")
    seal({"a": 1}, material)  # the cached JWK must not show either
    secret = material.key.private_numbers().d
    for text in (repr(material), str(material)):
        assert "key=" not in text and "PRIVATE" not in text
        assert str(secret) not in text and format(secret, "x") not in text
    assert "certificate_chain=" in repr(material)
