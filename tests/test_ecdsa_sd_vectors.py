"""ecdsa-sd-2023 against the W3C vectors, every step byte for byte (issuer, holder, verifier),
the 1EdTech selective disclosure vector, the W3C test-suite inputs, and the proofValue codec."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime
from typing import Any

import cbor2
import pytest

import edubadge
from edubadge import keys
from edubadge.errors import ProofError
from edubadge.jsonld.canon import rdfc
from edubadge.proofs.ecdsa_sd_2023 import EcdsaSd2023
from edubadge.proofs.ecdsa_sd_values import (
    BASE_HEADER,
    decode_base,
    decode_derived,
    encode_derived,
)
from edubadge.proofs.pointers import parse_pointer, select
from edubadge.proofs.selective import (
    b64url,
    b64url_decode,
    canonicalize_and_group,
    document_nquads,
    hmac_label_factory,
    label_map_factory,
)

from .shared import example_contexts, load, text
from .test_ob3_vectors import VALIDATOR, _controller_documents

SD = "vectors/w3c/ecdsa-sd-2023/"
CITIZENSHIP = "https://w3id.org/citizenship/v4rc1"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
NOW = datetime(2025, 6, 1, tzinfo=UTC)  # inside the vectors' validity windows
# case -> (unsigned document, mandatory pointers, selective pointers); see the MANIFEST: the
# prc outputs were made from the description in prCredUnsigned.as-signed.DERIVED.json
CASES = {
    "prc": (
        "prCredUnsigned.as-signed.DERIVED.json",
        "prCredMandatory.json",
        "prCredSelective.json",
    ),
    "employ": ("employmentAuth.json", "employMandatory.json", "employSelective.json"),
}


def _loader() -> edubadge.DocumentLoader:
    return edubadge.DocumentLoader(extra=example_contexts(CITIZENSHIP, EXAMPLES_V2))


def _pair(name: str) -> keys.KeyPair:
    pair = load(SD + "SDKeyMaterial.json")[name]
    secret = keys.from_multikey(pair["publicKeyMultibase"], pair["secretKeyMultibase"])
    return secret.with_deterministic_nonces()


def _hmac_key() -> bytes:
    return bytes.fromhex(load(SD + "SDKeyMaterial.json")["hmacKeyString"])


def _map(value: dict[str, Any]) -> dict[Any, Any]:
    """A serialised JavaScript Map ({"dataType": "Map", "value": [[k, v], ...]})."""
    assert value["dataType"] == "Map"
    return dict(value["value"])


def _inputs(case: str) -> tuple[dict[str, Any], list[str], list[str]]:
    document, mandatory, selective = CASES[case]
    return load(SD + document), load(SD + mandatory), load(SD + selective)


def _base_options(case: str) -> dict[str, Any]:
    config = load(SD + f"{case}/addProofConfig.json")
    options = {k: v for k, v in config.items() if k not in ("type", "cryptosuite", "@context")}
    return {**options, "mandatoryPointers": _inputs(case)[1]}


@pytest.mark.parametrize("case", sorted(CASES))
def test_issuer_steps(case: str) -> None:
    document, mandatory, _ = _inputs(case)
    loader = _loader()
    folder = SD + case + "/"
    assert rdfc(document, loader).splitlines(keepends=True) == load(folder + "addBaseDocCanon.json")
    grouping = canonicalize_and_group(
        document, hmac_label_factory(_hmac_key()), {"mandatory": mandatory}, loader
    )
    assert grouping.nquads == load(folder + "addBaseDocHMACCanon.json")
    transform = load(folder + "addBaseTransform.json")
    assert transform["mandatoryPointers"] == mandatory
    assert grouping.groups["mandatory"].matching == _map(transform["mandatory"])
    assert grouping.groups["mandatory"].non_matching == _map(transform["nonMandatory"])
    for entry in load(folder + "addPointerValues.json"):
        tokens = parse_pointer(entry["pointer"])
        selected: Any = select(document, [entry["pointer"]])
        for token in tokens:
            selected = selected[token]
        assert selected == entry["value"]
    suite = EcdsaSd2023()
    config = {**load(folder + "addProofConfig.json")}
    canonical_config = suite.canonicalize(config, loader)
    assert canonical_config.decode() == text(folder + "addProofConfigCanon.txt")
    hashes = load(folder + "addHashData.json")
    assert hashlib.sha256(canonical_config).hexdigest() == hashes["proofHash"]
    mandatory_quads = "".join(grouping.groups["mandatory"].matching.values()).encode()
    assert hashlib.sha256(mandatory_quads).hexdigest() == hashes["mandatoryHash"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_base_proof_is_byte_exact(case: str) -> None:
    document, _, _ = _inputs(case)
    suite = EcdsaSd2023(hmac_key=_hmac_key(), proof_key=_pair("proofKeyPair"))
    signed = edubadge.sign(
        document, _pair("baseKeyPair"), suite=suite, options=_base_options(case), loader=_loader()
    )
    assert signed == load(SD + f"{case}/addSignedSDBase.json")
    raw = load(SD + f"{case}/addRawBaseSignatureInfo.json")
    base = decode_base(signed["proof"]["proofValue"])
    assert base.base_signature.hex() == raw["baseSignature"]
    assert keys.from_multikey(raw["publicKey"]).public_bytes == base.public_key[2:]
    assert [s.hex() for s in base.signatures] == raw["signatures"]
    assert base.mandatory_pointers == raw["mandatoryPointers"]
    recovered = load(SD + f"{case}/derivedRecoveredBaseData.json")
    assert base.hmac_key.hex() == recovered["hmacKey"]
    assert "proofPublicKey" in recovered and recovered["proofPublicKey"] == raw["publicKey"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_holder_steps(case: str) -> None:
    _, mandatory, selective = _inputs(case)
    folder = SD + case + "/"
    base = load(folder + "addSignedSDBase.json")
    unsecured = {k: v for k, v in base.items() if k != "proof"}
    grouping = canonicalize_and_group(
        unsecured,
        hmac_label_factory(_hmac_key()),
        {"mandatory": mandatory, "selective": selective, "combined": mandatory + selective},
        _loader(),
    )
    groups = load(folder + "derivedAllGroupData.json")["groups"]
    for name in ("mandatory", "selective", "combined"):
        assert grouping.groups[name].matching == _map(groups[name]["matching"]), name
        assert grouping.groups[name].non_matching == _map(groups[name]["nonMatching"]), name
        assert len(grouping.groups[name].selected_quads) == len(groups[name]["deskolemizedNQuads"])
    indexes = load(folder + "derivedGroupIndexes.json")
    assert list(grouping.groups["combined"].matching) == indexes["combinedIndexes"]
    assert list(grouping.groups["mandatory"].matching) == indexes["mandatoryIndexes"]
    assert list(grouping.groups["mandatory"].non_matching) == indexes["nonMandatoryIndexes"]
    assert list(grouping.groups["selective"].matching) == indexes["selectiveIndexes"]

    derived = edubadge.derive(base, selective, loader=_loader())
    assert derived == load(folder + "derivedRevealDocument.json")
    assert {k: v for k, v in derived.items() if k != "proof"} == load(
        folder + "derivedUnsignedReveal.json"
    )
    value = decode_derived(derived["proof"]["proofValue"])
    disclosure = load(folder + "derivedDisclosureData.json")
    assert value.label_map == _map(disclosure["labelMap"])
    assert value.mandatory_indexes == disclosure["mandatoryIndexes"]
    assert (
        value.mandatory_indexes
        == load(folder + "derivedAdjMandatoryIndexes.json")["adjMandatoryIndexes"]
    )
    assert [s.hex() for s in value.signatures] == disclosure["signatures"]
    adjusted = load(folder + "derivedAdjSignatures.json")
    assert [s.hex() for s in value.signatures] == adjusted["filteredSignatures"]
    assert value.base_signature.hex() == disclosure["baseSignature"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_verifier_steps(case: str) -> None:
    folder = SD + case + "/"
    revealed = load(folder + "derivedRevealDocument.json")
    value = decode_derived(revealed["proof"]["proofValue"])
    expected = load(folder + "verifyDerivedProofValue.json")
    assert value.label_map == dict(expected["labelMap"])
    assert value.mandatory_indexes == expected["mandatoryIndexes"]
    assert [s.hex() for s in value.signatures] == expected["signatures"]
    assert keys.from_multikey(expected["publicKey"]).public_bytes == value.public_key[2:]
    unsecured = {k: v for k, v in revealed.items() if k != "proof"}
    lines = document_nquads(unsecured, label_map_factory(value.label_map), _loader())
    assert lines == load(folder + "verifyNQuads.json")
    data = load(folder + "verifyCreateVerifyData.json")
    mandatory = [line for i, line in enumerate(lines) if i in value.mandatory_indexes]
    optional = [line for i, line in enumerate(lines) if i not in value.mandatory_indexes]
    assert optional == data["nonMandatory"]
    assert hashlib.sha256("".join(mandatory).encode()).hexdigest() == data["mandatoryHash"]
    config = {k: v for k, v in revealed["proof"].items() if k != "proofValue"}
    config["@context"] = revealed["@context"]
    proof_hash = hashlib.sha256(EcdsaSd2023().canonicalize(config, _loader())).hexdigest()
    assert proof_hash == data["proofHash"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_derived_vector_verifies_and_the_base_is_refused(case: str) -> None:
    revealed = load(SD + f"{case}/derivedRevealDocument.json")
    result = edubadge.verify(revealed, loader=_loader(), issuer_binding=False, now=NOW)
    assert result.verified, result.to_dict()
    base = edubadge.verify(
        load(SD + f"{case}/addSignedSDBase.json"), loader=_loader(), issuer_binding=False, now=NOW
    )
    assert not base.verified
    assert "base proof, meant for the holder only" in base.check("proof").problems[0].detail


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_changed_disclosure_fails(case: str) -> None:
    revealed = load(SD + f"{case}/derivedRevealDocument.json")
    edits = {
        "value": lambda d: d["credentialSubject"].__setitem__(
            next(k for k in d["credentialSubject"] if k not in ("id", "type")), "forged"
        ),
        "dropped statement": lambda d: d["credentialSubject"].pop(
            next(k for k in reversed(list(d["credentialSubject"])) if k not in ("id", "type"))
        ),
        "mandatory": lambda d: d.__setitem__("validFrom", "2000-01-01T00:00:00Z"),
        "proof option": lambda d: d["proof"].__setitem__("created", "2024-01-01T00:00:00Z"),
    }
    for name, edit in edits.items():
        forged = copy.deepcopy(revealed)
        edit(forged)
        result = edubadge.verify(forged, loader=_loader(), issuer_binding=False, now=NOW)
        assert not result.verified, name
        assert not result.check("proof").passed, name


def test_1edtech_selective_disclosure_vector_verifies() -> None:
    document = load(VALIDATOR + "ob30/sd/derivedcredential.json")
    loader = edubadge.DocumentLoader(_controller_documents(document))
    result = edubadge.verify(document, loader=loader)
    assert result.verified, result.to_dict()
    assert result.check("proof").detail.startswith("ecdsa-sd-2023 by https://1edtech.edu/")
    assert result.check("issuer-key").passed
    document["credentialSubject"]["achievement"]["name"] = "Leadership"
    assert not edubadge.verify(document, loader=loader).verified


@pytest.mark.parametrize(
    "mock", ["valid/vc2.0", "achievement/vc2.0", "valid/vc1.1", "achievement/vc1.1"]
)
def test_w3c_test_suite_inputs_issue_derive_and_verify(mock: str) -> None:
    folder = SD + "test-suite-mocks/" + mock + "/"
    issuer = keys.generate("P-256")
    document = load(folder + "document.json")
    document["issuer"] = issuer.controller  # what the test suite fills in before issuing
    if mock.endswith("vc1.1"):
        document["issuanceDate"] = "2024-01-01T00:00:00Z"
    mandatory, selective = (
        load(folder + "mandatoryPointers.json"),
        load(folder + "selectivePointers.json"),
    )
    base = edubadge.sign(
        document, issuer, suite="ecdsa-sd-2023", options={"mandatoryPointers": mandatory},
        loader=_loader(),
    )  # fmt: skip
    derived = edubadge.derive(base, selective, loader=_loader())
    result = edubadge.verify(derived, loader=_loader(), allow_inline_contexts=True)
    assert result.check("proof").passed, result.to_dict()
    # VC 1.1 requires issuanceDate, which the "valid" mock does not make mandatory
    assert result.verified is (mock != "valid/vc1.1")
    for pointer in mandatory + selective:
        shown: Any = derived
        for token in parse_pointer(pointer):
            shown = shown[token]
        assert shown is not None


def test_proof_values_decode_strictly() -> None:
    revealed = load(SD + "prc/derivedRevealDocument.json")
    value = decode_derived(revealed["proof"]["proofValue"])
    assert encode_derived(value) == revealed["proof"]["proofValue"]
    components = cbor2.loads(b64url_decode(revealed["proof"]["proofValue"][1:])[3:])
    # the same components, encoded with a longer integer form, are refused
    longer = b"\xd9\x5d\x01" + cbor2.dumps(components)[:-1] + b"\x18\x07"
    assert components[4][-1] == 7
    with pytest.raises(ProofError, match="one valid CBOR encoding"):
        decode_derived("u" + b64url(longer))
    for broken in (
        [components[0][:-1], *components[1:]],  # a short base signature
        [*components[:3], {0: b"x" * 31}, components[4]],  # a short label
        [*components[:4], [-1]],  # a negative index
        components[:4],  # four components
    ):
        with pytest.raises(ProofError):
            decode_derived("u" + b64url(b"\xd9\x5d\x01" + cbor2.dumps(broken)))
    tagged = b"\xd9\x5d\x01" + cbor2.dumps(cbor2.CBORTag(24, cbor2.dumps(components)))
    with pytest.raises(ProofError):
        decode_derived("u" + b64url(tagged))
    with pytest.raises(ProofError, match="base proof"):
        decode_derived(load(SD + "prc/addSignedSDBase.json")["proof"]["proofValue"])
    assert decode_base(load(SD + "prc/addSignedSDBase.json")["proof"]["proofValue"])
    with pytest.raises(ProofError, match="not an ecdsa-sd-2023 base proof"):
        decode_base(revealed["proof"]["proofValue"])
    assert BASE_HEADER == b"\xd9\x5d\x00"


def test_secrets_stay_out_of_reprs() -> None:
    base = decode_base(load(SD + "prc/addSignedSDBase.json")["proof"]["proofValue"])
    assert base.hmac_key.hex() not in repr(base) and "hmac" not in repr(base).lower()
    suite = EcdsaSd2023(hmac_key=_hmac_key(), proof_key=_pair("proofKeyPair"))
    assert _hmac_key().hex() not in repr(suite).lower()


def test_bad_pointers_are_named() -> None:
    base = load(SD + "prc/addSignedSDBase.json")
    with pytest.raises(ProofError, match="/credentialSubject/nothingHere"):
        edubadge.derive(base, ["/credentialSubject/nothingHere"], loader=_loader())
    with pytest.raises(ProofError, match="JSON pointer"):
        edubadge.derive(base, ["credentialSubject"], loader=_loader())
    with pytest.raises(ProofError, match="selective disclosure"):
        edubadge.derive(
            load("vectors/w3c/ecdsa-rdfc-2019/ecdsa-rdfc-2019-p256/signedECDSAP256.json"), ["/id"]
        )


def test_bbs_2023_is_refused_as_unsupported() -> None:
    revealed = load("vectors/w3c/bbs-2023/derivedRevealDocument.json")
    assert revealed["proof"]["cryptosuite"] == "bbs-2023"
    result = edubadge.verify(revealed, loader=_loader(), issuer_binding=False, now=NOW)
    assert not result.verified
    assert "unknown cryptosuite 'bbs-2023'" in result.check("proof").problems[0].detail
