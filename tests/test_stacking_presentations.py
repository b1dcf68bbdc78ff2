"""Components that arrive inside a Verifiable Presentation: a signed one is checked (proof,
holder, and the verifier's challenge and domain) before its components count; an unsigned one
is only a container, and the result says so."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import edubadge
from edubadge.cli import main
from edubadge.errors import StackingError
from edubadge.stacking import stack
from edubadge.stacking.verify import UNSIGNED_CONTAINER

from .stacking_world import ACHIEVEMENT, CERTIFICATE, NOW, description, key, world

CHALLENGE, DOMAIN = "nonce-6b", "https://employer.example"
RULE = {"allOf": [ACHIEVEMENT + "m1", ACHIEVEMENT + "m2", ACHIEVEMENT + "m3"]}


def components() -> list[dict[str, Any]]:
    pool = world().pool
    return [pool["m1"], pool["m2"], pool["m3"]]


def certificate() -> dict[str, Any]:
    w = world()
    record = description("Certificate", CERTIFICATE, None, id="urn:example:vp:stack")
    return stack(
        components(),
        record,
        RULE,
        w.uni,
        trusted_issuers=w.trusted,
        status_lists=w.lists_before,
        now=NOW,
    )


def signed_by_learner(**changes: Any) -> dict[str, Any]:
    options = {"challenge": CHALLENGE, "domain": DOMAIN, **changes}
    return edubadge.present(components(), key("learner"), **options)


def check(
    presented: Any, challenge: str | None = CHALLENGE, domain: str | None = DOMAIN
) -> edubadge.VerificationResult:
    return edubadge.verify(
        certificate(),
        components=[presented],
        challenge=challenge,
        domain=domain,
        status_lists=world().lists_after,
    )


def reasons(result: edubadge.VerificationResult) -> dict[str | None, list[str]]:
    return {c.id: c.reasons for c in result.components if c.reasons}


def test_components_in_a_presentation_signed_by_the_learner_verify() -> None:
    result = check(signed_by_learner())
    assert result.verified, result.to_dict()
    assert [c.where for c in result.components] == [
        f"components[0].verifiableCredential[{i}]" for i in range(3)
    ]
    learner = world().learner["id"]
    for outcome in result.components:
        assert outcome.presentation is not None
        assert f"signed by its holder {learner}" in outcome.presentation
        assert f"challenge '{CHALLENGE}', domain '{DOMAIN}'" in outcome.presentation
        assert outcome.to_dict()["presentation"] == outcome.presentation
    assert not result.warnings


@pytest.mark.parametrize(
    ("challenge", "domain", "kind"),
    [
        ("another nonce", DOMAIN, "INVALID_CHALLENGE_ERROR"),
        (CHALLENGE, "https://elsewhere.example", "INVALID_DOMAIN_ERROR"),
    ],
)
def test_a_replayed_presentation_does_not_carry_its_components(
    challenge: str, domain: str, kind: str
) -> None:
    result = check(signed_by_learner(), challenge=challenge, domain=domain)
    assert not result.verified
    ids = [c["id"] for c in components()]
    assert reasons(result) == {i: ["presentation"] for i in ids}
    kinds = {p.to_dict()["type"].rsplit("#", 1)[1] for p in result.check("components").problems}
    assert kinds == {"COMPONENT_PRESENTATION_INVALID"}
    detail = result.components[0].failures["presentation"]
    assert ("challenge" if kind == "INVALID_CHALLENGE_ERROR" else "domain") in detail
    # the rule does not count components that came in a presentation that failed
    assert [c.name for c in result.rule if not c.passed] == ["allOf"]


def test_a_tampered_or_forged_presentation_does_not_carry_its_components() -> None:
    ids = [c["id"] for c in components()]
    tampered = signed_by_learner()
    tampered["verifiableCredential"].pop()  # the holder signed three, a thief shows two
    result = check(tampered)
    failed = {ids[0]: ["presentation"], ids[1]: ["presentation"], ids[2]: ["missing"]}
    assert reasons(result) == failed
    assert "proof" in result.components[0].failures["presentation"]
    forged = signed_by_learner()
    forged["holder"] = world().other_learner["id"]  # a holder that did not sign it
    assert set(reasons(check(forged))) == set(ids)
    claims_to_be_the_learner = edubadge.present(
        components(),
        key("other learner"),
        holder=world().learner["id"],
        challenge=CHALLENGE,
        domain=DOMAIN,
    )
    result = check(claims_to_be_the_learner)
    assert reasons(result) == {i: ["presentation"] for i in ids}
    assert "holder" in result.components[0].failures["presentation"]
    fake_proof = {**copy.deepcopy(signed_by_learner()), "proof": {"type": "DataIntegrityProof"}}
    assert set(reasons(check(json.dumps(fake_proof)))) == set(ids)


def test_without_a_challenge_the_holder_is_checked_and_the_result_says_freshness_is_not() -> None:
    result = check(signed_by_learner(), challenge=None, domain=None)
    assert result.verified
    assert any("no challenge" in w for w in result.warnings)
    learner = world().learner["id"]
    assert result.components[0].presentation == (
        f"a signed presentation: signed by its holder {learner}"
    )
    result = check(signed_by_learner(challenge="other"), challenge=None, domain=None)
    assert result.verified  # nothing to compare it with: the verifier gave none


def test_components_presented_by_someone_else_verify_with_a_warning() -> None:
    presentation = edubadge.present(
        components(), key("other learner"), challenge=CHALLENGE, domain=DOMAIN
    )
    result = check(presentation)
    assert result.verified
    other, learner = world().other_learner["id"], world().learner["id"]
    assert f"components presented by {other}, not by the learner {learner}" in result.warnings


def test_an_unsigned_presentation_is_only_a_container_and_the_result_says_so() -> None:
    container = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": components(),
    }
    result = check(container)
    assert result.verified
    assert {c.presentation for c in result.components} == {UNSIGNED_CONTAINER}
    assert any("unsigned presentation" in w for w in result.warnings)
    # it adds nothing: a credential without its own proof inside it still fails
    unsigned = {k: v for k, v in components()[0].items() if k != "proof"}
    container["verifiableCredential"] = [unsigned, *components()[1:]]
    result = check(container)
    assert reasons(result) == {components()[0]["id"]: ["digest", "proof"]}
    empty = {**container, "verifiableCredential": []}
    assert "parse" in reasons(check(empty))[None]


def test_the_builder_checks_a_signed_presentation_too() -> None:
    w = world()
    record = description("Certificate", CERTIFICATE, None, id="urn:example:vp:built")
    options: dict[str, Any] = {"trusted_issuers": w.trusted, "status_lists": w.lists_before}
    built = stack([signed_by_learner()], record, RULE, w.uni, now=NOW, **options)
    assert [p["id"] for p in built["relatedResource"]] == [c["id"] for c in components()]
    tampered = signed_by_learner()
    tampered["holder"] = w.other_learner["id"]
    with pytest.raises(StackingError, match="presentation:"):
        stack([tampered], record, RULE, w.uni, now=NOW, **options)


def test_cli_verify_checks_a_component_presentation_against_the_challenge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stacked, vp = tmp_path / "stack.json", tmp_path / "vp.json"
    stacked.write_text(json.dumps(certificate()))
    vp.write_text(json.dumps(signed_by_learner()))
    lists = [
        f"--status-list={p}" for p in sorted((world().folder or tmp_path).glob("after/*.json"))
    ]
    args = ["verify", str(stacked), f"--component={vp}", *lists]
    capsys.readouterr()
    assert main([*args, "--challenge", CHALLENGE, "--domain", DOMAIN]) == 0
    learner = world().learner["id"]
    assert f"in a signed presentation: signed by its holder {learner}" in capsys.readouterr().out
    assert main([*args, "--challenge", "stale", "--domain", DOMAIN]) == 1
    assert "- presentation: " in capsys.readouterr().out
    assert main(args) == 0  # no challenge given: the holder's proof alone, with a warning
    assert "no challenge" in capsys.readouterr().out
