"""Byte-exact W3C vectors for ecdsa-rdfc-2019, ecdsa-jcs-2019 (P-256, P-384) and the legacy
Ed25519Signature2020, through the public API; RFC 6979 nonces make ECDSA reproducible."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

import edubadge
from edubadge import keys
from edubadge.jsonld.canon import rdfc
from edubadge.proofs import get_suite

from .shared import example_contexts, load, text

RDFC = "vectors/w3c/ecdsa-rdfc-2019/"
JCS = "vectors/w3c/ecdsa-jcs-2019/"
ED2020 = "vectors/w3c/Ed25519Signature2020/"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
CITIZENSHIP = "https://w3id.org/citizenship/v4rc1"

# (name, suite, folder, key pair file, unsigned document, file suffix, hash)
CASES = [
    ("rdfc-p256", "ecdsa-rdfc-2019", RDFC + "ecdsa-rdfc-2019-p256/", RDFC + "p256KeyPair.json",
     RDFC + "unsigned.json", "ECDSAP256", "sha256"),
    ("rdfc-p256-employ", "ecdsa-rdfc-2019", RDFC + "ecdsa-rdfc-2019-p256/employ/",
     RDFC + "p256KeyPair.json", RDFC + "employmentAuth.json", "ECDSAP256", "sha256"),
    ("rdfc-p384", "ecdsa-rdfc-2019", RDFC + "ecdsa-rdfc-2019-p384/", RDFC + "p384KeyPair.json",
     RDFC + "unsigned.json", "ECDSAP384", "sha384"),
    ("rdfc-p384-employ", "ecdsa-rdfc-2019", RDFC + "ecdsa-rdfc-2019-p384/employ/",
     RDFC + "p384KeyPair.json", RDFC + "employmentAuth.json", "ECDSAP384", "sha384"),
    ("jcs-p256", "ecdsa-jcs-2019", JCS + "ecdsa-jcs-2019-p256/", JCS + "p256KeyPair.json",
     JCS + "unsigned.json", "JCSECDSAP256", "sha256"),
    ("jcs-p384", "ecdsa-jcs-2019", JCS + "ecdsa-jcs-2019-p384/", JCS + "p384KeyPair.json",
     JCS + "unsigned.json", "JCSECDSAP384", "sha384"),
    ("ed25519-2020", "Ed25519Signature2020", ED2020, ED2020 + "keyPair.json",
     ED2020 + "unsigned.json", "EdSig", "sha256"),
]  # fmt: skip
IDS = [case[0] for case in CASES]


def _loader() -> edubadge.DocumentLoader:
    return edubadge.DocumentLoader(extra=example_contexts(EXAMPLES_V2, CITIZENSHIP))


def _key(path: str) -> keys.KeyPair:
    pair = load(path)
    secret = pair.get("secretKeyMultibase") or pair["privateKeyMultibase"]
    return keys.from_multikey(pair["publicKeyMultibase"], secret).with_deterministic_nonces()


def _options(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k not in ("type", "cryptosuite", "@context")}


@pytest.mark.parametrize(
    ("name", "suite", "folder", "pair", "unsigned", "sfx", "hash_"), CASES, ids=IDS
)
def test_intermediates_match(
    name: str, suite: str, folder: str, pair: str, unsigned: str, sfx: str, hash_: str
) -> None:
    loader = _loader()
    cryptosuite = get_suite(suite)
    key = _key(pair)
    config = load(folder + f"proofConfig{sfx}.json")
    document = load(unsigned)
    if suite == "Ed25519Signature2020":  # the legacy suite's terms come from its own context
        document["@context"] = config["@context"]
    config.setdefault("@context", document["@context"])
    assert cryptosuite.hash_for(key.algorithm) == hash_
    canon_doc = cryptosuite.canonicalize(document, loader, hash_name=hash_)
    canon_proof = cryptosuite.canonicalize(config, loader, hash_name=hash_)
    assert canon_doc.decode() == text(folder + f"canonDoc{sfx}.txt")
    assert canon_proof.decode() == text(folder + f"proofCanon{sfx}.txt")
    assert hashlib.new(hash_, canon_doc).hexdigest() == text(folder + f"docHash{sfx}.txt").strip()
    assert (
        hashlib.new(hash_, canon_proof).hexdigest() == text(folder + f"proofHash{sfx}.txt").strip()
    )
    combined = cryptosuite.hash_data(document, config, loader, key_algorithm=key.algorithm)
    assert combined.hex() == text(folder + f"combinedHash{sfx}.txt").strip()
    assert key.sign(combined).hex() == text(folder + f"sigHex{sfx}.txt").strip()


@pytest.mark.parametrize(
    ("name", "suite", "folder", "pair", "unsigned", "sfx", "hash_"), CASES, ids=IDS
)
def test_sign_reproduces_vector(
    name: str, suite: str, folder: str, pair: str, unsigned: str, sfx: str, hash_: str
) -> None:
    document = load(unsigned)
    signed = edubadge.sign(
        document,
        _key(pair),
        suite=suite,
        options=_options(load(folder + f"proofConfig{sfx}.json")),
        loader=_loader(),
    )
    assert signed["proof"]["proofValue"] == text(folder + f"sigBTC58{sfx}.txt").strip()
    assert signed == load(folder + f"signed{sfx}.json")
    assert document == load(unsigned), "sign() must not mutate its input"


@pytest.mark.parametrize(
    ("name", "suite", "folder", "pair", "unsigned", "sfx", "hash_"), CASES, ids=IDS
)
def test_signed_vector_verifies(
    name: str, suite: str, folder: str, pair: str, unsigned: str, sfx: str, hash_: str
) -> None:
    signed = load(folder + f"signed{sfx}.json")
    result = edubadge.verify(signed, loader=_loader(), issuer_binding=False)
    assert result.verified, result.to_dict()
    assert result.check("proof").detail.startswith(suite)
    bound = edubadge.verify(signed, loader=_loader())  # its issuer URL does not control the key
    assert [p.check for p in bound.problems] == ["issuer-key"]
    signed["credentialSubject"]["id"] = "did:example:someone-else"
    assert not edubadge.verify(signed, loader=_loader(), issuer_binding=False).verified


def test_p384_needs_sha384_inside_rdfc() -> None:
    """The employ vector has blank nodes: RDFC-1.0 with SHA-256 labels them differently."""
    document = load(RDFC + "employmentAuth.json")
    expected = text(RDFC + "ecdsa-rdfc-2019-p384/employ/canonDocECDSAP384.txt")
    assert rdfc(document, _loader(), hash_name="sha384") == expected
    assert rdfc(document, _loader(), hash_name="sha256") != expected


def test_random_nonces_by_default_still_verify() -> None:
    pair = load(RDFC + "p256KeyPair.json")
    key = keys.from_multikey(pair["publicKeyMultibase"], pair["secretKeyMultibase"])
    options = _options(load(RDFC + "ecdsa-rdfc-2019-p256/proofConfigECDSAP256.json"))
    first, second = (
        edubadge.sign(load(RDFC + "unsigned.json"), key, suite="ecdsa-rdfc-2019", options=options,
                      loader=_loader())
        for _ in range(2)
    )  # fmt: skip
    assert first["proof"]["proofValue"] != second["proof"]["proofValue"]
    for signed in (first, second):
        assert edubadge.verify(signed, loader=_loader(), issuer_binding=False).verified


def test_a_p256_key_cannot_sign_eddsa_and_a_p384_key_cannot_verify_as_p256() -> None:
    key = _key(RDFC + "p256KeyPair.json")
    with pytest.raises(edubadge.EdubadgeError, match="cannot sign with eddsa-rdfc-2022"):
        edubadge.sign(load(RDFC + "unsigned.json"), key, suite="eddsa-rdfc-2022", loader=_loader())
    signed = load(RDFC + "ecdsa-rdfc-2019-p256/signedECDSAP256.json")
    p384 = load(RDFC + "p384KeyPair.json")["publicKeyMultibase"]
    signed["proof"]["verificationMethod"] = f"did:key:{p384}#{p384}"
    result = edubadge.verify(signed, loader=_loader(), issuer_binding=False)
    assert not result.verified


def test_ed25519_signature_2020_adds_its_context_when_signing() -> None:
    key = _key(ED2020 + "keyPair.json")
    options = _options(load(ED2020 + "proofConfigEdSig.json"))
    signed = edubadge.sign(
        load(ED2020 + "unsigned.json"), key, suite="Ed25519Signature2020", options=options,
        loader=_loader(),
    )  # fmt: skip
    assert signed == load(ED2020 + "signedEdSig.json")
    assert "cryptosuite" not in signed["proof"]
    with pytest.raises(edubadge.EdubadgeError, match="has no cryptosuite"):
        edubadge.sign(
            load(ED2020 + "unsigned.json"), key, suite="Ed25519Signature2020",
            options={"cryptosuite": "eddsa-rdfc-2022"}, loader=_loader(),
        )  # fmt: skip
