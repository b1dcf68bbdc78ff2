"""P-256 and P-384 keys: Multikey, did:key, JWK, key files, raw r||s signatures, RFC 6979."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from hypothesis import given
from hypothesis import strategies as st

from edubadge import keys
from edubadge.errors import KeyFormatError
from edubadge.keys.algorithms import get_algorithm
from edubadge.keys.ecdsa import P256_ORDER, P384_ORDER, EcdsaCurve
from edubadge.keys.multikey import decode_multibase, encode_multibase

from .shared import load, text
from .strategies import key_from_seed

CURVES = {"P-256": ("zDn", 32, P256_ORDER), "P-384": ("z82", 48, P384_ORDER)}
kinds = st.sampled_from(sorted(CURVES))
seeds = st.binary(min_size=32, max_size=32)


@given(kinds, seeds)
def test_multikey_and_did_key_round_trip(kind: str, seed: bytes) -> None:
    key = key_from_seed(kind, seed)
    prefix, size, _ = CURVES[kind]
    assert key.controller.startswith(f"did:key:{prefix}")
    assert len(key.public_bytes) == size + 1 and key.public_bytes[0] in (2, 3)
    document = key.to_multikey(include_secret=True)
    again = keys.from_multikey(document["publicKeyMultibase"], document["secretKeyMultibase"])
    assert again == key and again.has_secret
    resolved = keys.resolve_did_key(key.controller)
    assert resolved["verificationMethod"][0]["publicKeyMultibase"] == key.public_key_multibase
    assert keys.from_jwk(key.to_jwk()) == key.public()
    assert keys.from_jwk(key.to_jwk(include_secret=True)).has_secret
    assert key.to_jwk()["crv"] == kind and "d" not in key.to_jwk()


@pytest.mark.parametrize(
    "path",
    [
        "vectors/w3c/ecdsa-rdfc-2019/p256KeyPair.json",
        "vectors/w3c/ecdsa-rdfc-2019/p384KeyPair.json",
    ],
)
def test_w3c_key_pairs_decode_and_re_encode(path: str) -> None:
    pair = load(path)
    key = keys.from_multikey(pair["publicKeyMultibase"], pair["secretKeyMultibase"])
    exported = key.to_multikey(include_secret=True)
    assert exported["publicKeyMultibase"] == pair["publicKeyMultibase"]
    assert exported["secretKeyMultibase"] == pair["secretKeyMultibase"]
    secret = decode_multibase(pair["secretKeyMultibase"])
    assert secret[:2] == (b"\x86\x26" if key.algorithm == "P-256" else b"\x87\x26")


@pytest.mark.parametrize("kind", sorted(CURVES))
def test_key_files_hold_ecdsa_keys(kind: str, tmp_path: Path) -> None:
    key = keys.generate(kind)
    path = keys.save_key(key, tmp_path / "k.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = keys.load_key(path)
    assert loaded == key and loaded.verify(b"data", key.sign(b"data"))
    assert "secret" not in repr(loaded).replace("secret=<held>", "")
    assert key.to_multikey(include_secret=True)["secretKeyMultibase"] not in repr(key)


def test_bad_key_material_is_refused() -> None:
    p256 = get_algorithm("P-256")
    assert isinstance(p256, EcdsaCurve)
    good = keys.generate("P-256")
    with pytest.raises(KeyFormatError, match="compressed point"):
        keys.from_multikey(encode_multibase(b"\x80\x24" + b"\x04" + bytes(64)))
    with pytest.raises(KeyFormatError, match="not a point"):
        keys.from_multikey(encode_multibase(b"\x80\x24\x02" + b"\xff" * 32))
    for scalar in (0, P256_ORDER):
        with pytest.raises(KeyFormatError, match="scalar"):
            p256.secret_from_raw(scalar.to_bytes(32, "big"), None)
    other = keys.generate("P-256").to_multikey(include_secret=True)["secretKeyMultibase"]
    with pytest.raises(KeyFormatError, match="does not belong"):
        keys.from_multikey(good.public_key_multibase, other)
    p384_secret = keys.generate("P-384").to_multikey(include_secret=True)["secretKeyMultibase"]
    with pytest.raises(KeyFormatError, match="secret key is P-384"):
        keys.from_multikey(good.public_key_multibase, p384_secret)


@given(kinds, seeds, st.binary(max_size=200))
def test_signatures_are_raw_r_s_and_verify(kind: str, seed: bytes, data: bytes) -> None:
    key = key_from_seed(kind, seed)
    signature = key.sign(data)
    assert len(signature) == 2 * CURVES[kind][1]
    assert key.verify(data, signature)
    assert not key.verify(data + b"x", signature)


@given(kinds, seeds, st.binary(max_size=64))
def test_rfc6979_signatures_repeat_random_ones_do_not(kind: str, seed: bytes, data: bytes) -> None:
    key = key_from_seed(kind, seed)
    deterministic = key.with_deterministic_nonces()
    assert deterministic.sign(data) == deterministic.sign(data)
    assert key.sign(data) != key.sign(data)
    assert "deterministic" in repr(deterministic) and key == deterministic


def _twin(signature: bytes, size: int, order: int) -> bytes:
    r, s = signature[:size], int.from_bytes(signature[size:], "big")
    return r + (order - s).to_bytes(size, "big")


@given(kinds, seeds, st.binary(max_size=64))
def test_a_high_s_twin_is_a_valid_ecdsa_signature(kind: str, seed: bytes, data: bytes) -> None:
    """FIPS 186-5 accepts (r, s) and (r, n - s) alike, and no spec of these suites asks for
    low-S; the W3C ECDSA vectors themselves carry high-S signatures (next test). Refusing
    them would refuse conformant credentials, so both verify."""
    _, size, order = CURVES[kind]
    key = key_from_seed(kind, seed)
    signature = key.sign(data)
    assert key.verify(data, _twin(signature, size, order))


def test_w3c_vectors_carry_high_s_signatures() -> None:
    folder = "vectors/w3c/ecdsa-rdfc-2019/ecdsa-rdfc-2019-p256/"
    signature = bytes.fromhex(text(folder + "sigHexECDSAP256.txt").strip())
    assert int.from_bytes(signature[32:], "big") > P256_ORDER // 2


@given(
    kinds,
    seeds,
    st.sampled_from(["r=n", "s=n", "r=0", "s=0", "short", "long", "swap", "der"]),
)
def test_non_canonical_encodings_are_refused(kind: str, seed: bytes, how: str) -> None:
    _, size, order = CURVES[kind]
    key = key_from_seed(kind, seed)
    signature = key.sign(b"payload")
    r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
    forged = {
        "r=n": order.to_bytes(size, "big") + signature[size:],
        "s=n": signature[:size] + order.to_bytes(size, "big"),
        "r=0": bytes(size) + signature[size:],
        "s=0": signature[:size] + bytes(size),
        "short": signature[:-1],
        "long": signature + b"\x00",
        "swap": signature[size:] + signature[:size],
        "der": encode_dss_signature(r, s),
    }[how]
    assert not key.verify(b"payload", forged)
