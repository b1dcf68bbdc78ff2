"""The OB 3.0 eddsa-rdfc-2022 signing vector, and the 1EdTech validator vectors' verdicts."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

import edubadge
from edubadge import keys
from edubadge.proofs import get_suite, proofs_of

from .shared import load, require_shared, text

OB = "vectors/ob3/test-vectors/eddsa-rdfc-2022-ob/"
VALIDATOR = "vectors/ob3/examples/validator/"


def _ob_key() -> keys.KeyPair:
    pair = load(OB + "keypair.json")
    return keys.from_multikey(pair["publicKeyMultibase"], pair["secretKeyMultibase"], id=pair["id"])


def _controller_documents(document: dict[str, Any]) -> dict[str, Any]:
    """Controller documents for https verification methods of the form <issuer>#<multikey>.

    The 1EdTech validator trusts a key written in such a URL; edubadge does not. The tests
    make that shortcut explicit by publishing, for each such method, the controller
    document its issuer would serve: the verifier itself still trusts nothing it was not given.
    """
    documents: dict[str, Any] = {}
    for proof in proofs_of(document):
        method = proof.get("verificationMethod")
        if not isinstance(method, str) or not method.startswith("https://") or "#z" not in method:
            continue
        controller, fragment = method.split("#", 1)
        try:
            key = keys.from_multikey(fragment, id=method, controller=controller)
        except edubadge.EdubadgeError:
            continue
        documents[controller] = keys.controller_document(key)
    return documents


def test_ob3_vector_intermediates() -> None:
    suite = get_suite("eddsa-rdfc-2022")
    loader = edubadge.DocumentLoader()
    document = load(OB + "unsigned-credential.json")
    config = {**load(OB + "proof-options.json"), "@context": document["@context"]}
    expected = load(OB + "expected.json")
    assert suite.canonicalize(document, loader).decode() == text(OB + "document-canon.nq")
    assert suite.canonicalize(config, loader).decode() == text(OB + "proof-canon.nq")
    data = suite.hash_data(document, config, loader)
    assert data.hex() == expected["dataToSignHex"]
    assert data[32:].hex() == expected["documentHashHex"]
    assert (
        hashlib.sha256(text(OB + "proof-canon.nq").encode()).hexdigest() == expected["proofHashHex"]
    )
    assert _ob_key().sign(data).hex() == expected["signatureHex"]


def test_ob3_vector_sign_and_verify() -> None:
    key = _ob_key()
    options = {
        k: v for k, v in load(OB + "proof-options.json").items() if k not in ("type", "cryptosuite")
    }
    signed = edubadge.sign(
        load(OB + "unsigned-credential.json"), key, suite="eddsa-rdfc-2022", options=options
    )
    assert signed == load(OB + "signed-credential.json")
    loader = edubadge.DocumentLoader(extra={key.controller: keys.controller_document(key)})
    result = edubadge.verify(signed, loader=loader)
    assert result.verified, result.to_dict()
    assert result.check("issuer-key").passed
    # Without the issuer's controller document the key cannot be trusted: nothing is fetched.
    unknown = edubadge.verify(signed)
    assert not unknown.verified
    assert "no controller document" in unknown.check("proof").problems[0].detail


# file -> (verified?, the check that decides it, or why the verdict waits for a later issue)
EXPECTED: dict[str, tuple[bool, str]] = {
    "simple.json": (True, ""),
    "simple.1ob": (True, ""),
    "simple-context-alias.json": (True, ""),
    # issuer urn:uuid:..., key did:key:...: nothing ties that key to that issuer, so edubadge
    # refuses by default (the 1EdTech validator accepts; `issuer_binding=False` agrees with it).
    "simple-did-key-method.json": (False, "issuer-key"),
    "simple-did-web-method.json": (True, ""),
    "endorsement-valid.json": (True, ""),
    "simple-context-version.json": (True, "warning"),
    "simple-err-context.json": (False, "context"),
    "simple-err-credential-subject-achievement-result-description-type.json": (False, "data-model"),
    "simple-err-credential-subject-identifier-type.json": (False, "data-model"),
    "simple-err-credential-subject-profile-type.json": (False, "data-model"),
    "simple-err-credential-subject-result-type.json": (False, "data-model"),
    "simple-err-credential-subject-type.json": (False, "data-model"),
    "simple-err-evidence-type.json": (False, "data-model"),
    "simple-err-expired.json": (False, "validity"),
    "simple-err-issued.json": (False, "validity"),
    "simple-err-issuer-otheridentifier-type.json": (False, "data-model"),
    "simple-err-issuer-parentorg-type.json": (False, "data-model"),
    "simple-err-issuer-type.json": (False, "data-model"),
    "simple-err-issuer.json": (False, "data-model"),
    "simple-err-proof-method-no-scheme.json": (False, "proof"),
    "simple-err-proof-method-unknown-did-method.json": (False, "proof"),
    "simple-err-proof-method-unknown-scheme.json": (False, "proof"),
    "simple-err-proof-method.json": (False, "proof"),
    "simple-err-proof-value.json": (False, "proof"),
    "simple-err-type.json": (False, "data-model"),
    "simple-multiple-proofs.json": (False, "proof"),
    # Ed25519Signature2020 on VC 1.1: verifies, with the legacy-context warnings
    "simple_v1.json": (True, "warning"),
    # its errors were written in after signing: its Ed25519Signature2020 proof no longer
    # holds (the validator stops one step earlier, at the refresh URL it fetches)
    "endorsement-err-schema-status-refresh.json": (False, "proof"),
    # the draft suite name eddsa-2022: verified as eddsa-rdfc-2022, with a deprecation warning
    "simple-eddsa-2022.json": (True, "warning"),
    "sd/derivedcredential.json": (True, ""),
    # Bitstring Status List: the list (itself a BitstringStatusListCredential) has bit 23 set.
    "bit-string-list/testlist": (True, ""),
    "bit-string-list/credential-status-revoked.json": (False, "status"),
    "bit-string-list/credential-status-revoked-blank-nodes.json": (False, "status"),
}
# The validator maps the list's raw.githubusercontent URL to its local copy; so do we.
TESTLIST_URL = (
    "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/"
    "main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist"
)
# Verdicts that need a check from a later issue (noted in the closing note).
DEFERRED = {
    # 1EdTechRevocationList over the network, with a did:web key (later: fetcher-backed tests)
    "credential-status-revoked.json": "1EdTechRevocationList served online, did:web key",
    "complete_v1.json": "credentialSchema validation (EDC/validation issue)",
    "complete.json": "credentialSchema validation (EDC/validation issue; its schema URL 404s)",
}


def test_every_plain_json_vector_with_a_proof_is_classified() -> None:
    expectations = load(VALIDATOR + "EXPECTATIONS.json")["files"]
    signed_json = {
        name
        for name, entry in expectations.items()
        if name.endswith((".json", ".1ob")) and entry.get("proof")
    }
    assert len(signed_json) > 30
    assert signed_json <= set(EXPECTED) | set(DEFERRED)


def test_eddsa_2022_is_verified_with_a_deprecation_warning() -> None:
    document = load(VALIDATOR + "ob30/simple-eddsa-2022.json")
    result = edubadge.verify(
        document, loader=edubadge.DocumentLoader(_controller_documents(document))
    )
    assert result.verified
    assert result.check("proof").warnings == [
        "cryptosuite eddsa-2022 is deprecated; it is now eddsa-rdfc-2022"
    ]
    with pytest.raises(edubadge.EdubadgeError, match="deprecated"):
        edubadge.sign(document, _ob_key(), suite="eddsa-2022")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validator_vector_verdict(name: str) -> None:
    expectations = load(VALIDATOR + "EXPECTATIONS.json")["files"]
    entry = expectations.get(name) or expectations["simple.json"]
    document = load(VALIDATOR + "ob30/" + name)
    result = edubadge.verify(
        document,
        loader=edubadge.DocumentLoader(_controller_documents(document)),
        status_lists={TESTLIST_URL: load(VALIDATOR + "ob30/bit-string-list/testlist")},
    )
    verified, deciding = EXPECTED[name]
    assert result.verified is verified, (entry["expected"], result.to_dict())
    if deciding == "warning":
        assert result.warnings, "an older context is reported as a warning"
    elif deciding:
        assert not result.check(deciding).passed, result.to_dict()
    validator_accepts = entry["expected"].startswith(("valid", "warning", "ContextPropertyProbe"))
    if deciding == "status":
        assert [p.kind for p in result.problems] == ["REVOKED"], result.to_dict()
        assert result.statuses[0].index == 23
        assert "revoked" in entry["expected"]
    stricter = deciding == "issuer-key"  # the one place edubadge is deliberately stricter
    assert validator_accepts is (verified or stricter)


def test_did_key_vector_verifies_without_issuer_binding() -> None:
    document = load(VALIDATOR + "ob30/simple-did-key-method.json")
    result = edubadge.verify(document, issuer_binding=False)
    assert result.verified, result.to_dict()


def test_complete_vector_proof_verifies() -> None:
    """Its only fault for the validator is the unreachable schema: the proof itself holds."""
    document = load(VALIDATOR + "ob30/complete.json")
    result = edubadge.verify(
        document, loader=edubadge.DocumentLoader(_controller_documents(document))
    )
    assert result.check("proof").passed, result.to_dict()


def test_tampered_validator_vector_fails() -> None:
    require_shared()
    document = load(VALIDATOR + "ob30/simple.json")
    document["credentialSubject"]["achievement"]["name"] = "Leadership"
    result = edubadge.verify(
        document, loader=edubadge.DocumentLoader(_controller_documents(document))
    )
    assert not result.verified
    assert (
        result.check("proof")
        .problems[0]
        .detail.endswith("the credential was changed or signed with another key")
    )
