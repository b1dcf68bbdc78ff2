"""Byte-exact W3C vectors for eddsa-rdfc-2022 and eddsa-jcs-2022, through the public API."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

import edubadge
from edubadge import keys
from edubadge.proofs import get_suite

from .shared import example_contexts, load, text

RDFC = "vectors/w3c/eddsa-rdfc-2022/"
JCS = "vectors/w3c/eddsa-jcs-2022/"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
CITIZENSHIP = "https://w3id.org/citizenship/v4rc1"


def _loader() -> edubadge.DocumentLoader:
    return edubadge.DocumentLoader(extra=example_contexts(EXAMPLES_V2, CITIZENSHIP))


def _options(config: dict[str, Any]) -> dict[str, Any]:
    """Proof options from a vector's proof configuration (suite fields come from `suite=`)."""
    return {k: v for k, v in config.items() if k not in ("type", "cryptosuite", "@context")}


def _key(pair: dict[str, str]) -> keys.KeyPair:
    return keys.from_multikey(pair["publicKeyMultibase"], pair["privateKeyMultibase"])


CASES = [
    # (name, suite, folder, unsigned, proof config, signed, file suffix)
    (
        "alumni",
        "eddsa-rdfc-2022",
        RDFC,
        RDFC + "unsigned.json",
        RDFC + "proofConfigDataInt.json",
        RDFC + "signedDataInt.json",
        "DataInt",
    ),
    (
        "employ",
        "eddsa-rdfc-2022",
        RDFC + "employ/",
        RDFC + "employmentAuth.json",
        RDFC + "employ/proofConfigDataInt.json",
        RDFC + "employ/signedDataInt.json",
        "DataInt",
    ),
    (
        "jcs",
        "eddsa-jcs-2022",
        JCS,
        JCS + "unsigned.json",
        JCS + "proofConfigJCS.json",
        JCS + "signedJCS.json",
        "JCS",
    ),
]


@pytest.mark.parametrize(
    ("name", "suite", "folder", "unsigned", "config", "signed", "suffix"), CASES
)
def test_intermediates_match(
    name: str, suite: str, folder: str, unsigned: str, config: str, signed: str, suffix: str
) -> None:
    loader = _loader()
    cryptosuite = get_suite(suite)
    document = load(unsigned)
    proof_config = load(config)
    proof_config.setdefault("@context", document["@context"])
    canon_doc = cryptosuite.canonicalize(document, loader)
    canon_proof = cryptosuite.canonicalize(proof_config, loader)
    assert canon_doc.decode() == text(folder + f"canonDoc{suffix}.txt")
    assert canon_proof.decode() == text(folder + f"proofCanon{suffix}.txt")
    assert hashlib.sha256(canon_doc).hexdigest() == text(folder + f"docHash{suffix}.txt").strip()
    assert (
        hashlib.sha256(canon_proof).hexdigest() == text(folder + f"proofHash{suffix}.txt").strip()
    )
    combined = cryptosuite.hash_data(document, proof_config, loader)
    assert combined.hex() == text(folder + f"combinedHash{suffix}.txt").strip()
    key = _key(load(RDFC + "keyPair.json"))
    assert key.sign(combined).hex() == text(folder + f"sigHex{suffix}.txt").strip()


@pytest.mark.parametrize(
    ("name", "suite", "folder", "unsigned", "config", "signed", "suffix"), CASES
)
def test_sign_reproduces_vector(
    name: str, suite: str, folder: str, unsigned: str, config: str, signed: str, suffix: str
) -> None:
    key = _key(load(RDFC + "keyPair.json"))
    document = load(unsigned)
    result = edubadge.sign(
        document, key, suite=suite, options=_options(load(config)), loader=_loader()
    )
    expected = load(signed)
    assert result["proof"]["proofValue"] == text(folder + f"sigBTC58{suffix}.txt").strip()
    assert result == expected
    assert document == load(unsigned), "sign() must not mutate its input"


@pytest.mark.parametrize(
    ("name", "suite", "folder", "unsigned", "config", "signed", "suffix"), CASES
)
def test_signed_vector_verifies(
    name: str, suite: str, folder: str, unsigned: str, config: str, signed: str, suffix: str
) -> None:
    result = edubadge.verify(load(signed), loader=_loader(), issuer_binding=False)
    assert result.verified, result.to_dict()
    assert result.check("proof").passed
    # These vectors sign with a did:key that the issuer URL does not control: with the
    # default issuer binding, edubadge says so instead of calling them verified.
    bound = edubadge.verify(load(signed), loader=_loader())
    assert not bound.verified
    assert [p.check for p in bound.problems] == ["issuer-key"]


def test_proof_set_and_chain() -> None:
    folder = RDFC + "proof-set-chain/"
    pairs = load(folder + "multiKeyPairs.json")
    key = {n: _key(pairs[f"keyPair{n}"]) for n in (1, 2, 3, 4)}
    loader = _loader()
    steps = [
        (load(folder + "unsigned.json"), key[1], "proofSetConfig1.json", "signedProofSet1.json"),
        (
            load(folder + "signedProofSet1.json"),
            key[2],
            "proofSetConfig2.json",
            "signedProofSet2.json",
        ),
        (
            load(folder + "signedProofSet2.json"),
            key[3],
            "proofChainConfig1.json",
            "signedProofChain1.json",
        ),
        (
            load(folder + "signedProofChain1.json"),
            key[4],
            "proofChainConfig2.json",
            "signedProofChain2.json",
        ),
    ]
    for document, signer, config, expected in steps:
        result = edubadge.sign(
            document,
            signer,
            suite="eddsa-rdfc-2022",
            options=_options(load(folder + config)),
            loader=loader,
        )
        assert result == load(folder + expected), expected
        verdict = edubadge.verify(result, loader=loader, issuer_binding=False)
        assert verdict.verified, verdict.to_dict()


def test_chain_temp_documents_are_what_is_canonicalised() -> None:
    """A chained proof covers the document plus exactly the proofs it names."""
    folder = RDFC + "proof-set-chain/"
    suite = get_suite("eddsa-rdfc-2022")
    loader = _loader()
    for n in (1, 2):
        temp = load(folder + f"proofChainTempDoc{n}.json")
        config = load(folder + f"proofChainConfig{n}.json")
        config["@context"] = temp["@context"]
        signed = load(folder + f"proofChainConfigSigned{n}.json")
        key = keys.from_multikey(
            load(folder + "multiKeyPairs.json")[f"keyPair{n + 2}"]["publicKeyMultibase"]
        )
        data = suite.hash_data(temp, config, loader)
        assert suite.verify(data, signed["proofValue"], key)


def test_a_bad_proof_in_a_set_fails_the_whole_set() -> None:
    folder = RDFC + "proof-set-chain/"
    document = load(folder + "signedProofSet2.json")
    document["proof"][1]["proofValue"] = document["proof"][0]["proofValue"]
    result = edubadge.verify(document, loader=_loader(), issuer_binding=False)
    assert not result.verified
    assert len(result.check("proof").problems) == 1
    assert "proof 1" in result.check("proof").problems[0].detail


def test_tampered_vector_fails() -> None:
    document = load(RDFC + "signedDataInt.json")
    document["credentialSubject"]["alumniOf"] = "The School of Forgery"
    result = edubadge.verify(document, loader=_loader(), issuer_binding=False)
    assert not result.verified
    assert result.check("proof").problems[0].type.endswith("PROOF_VERIFICATION_ERROR")
