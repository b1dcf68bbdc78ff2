"""Stacking in Europass EDC: EDC stacks (sealed), EDC components, mixed OB 3.0 / EDC stacks,
unbundled EDC modules, their SHACL conformance, and every failure with its named reason."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import edubadge
from edubadge.envelopes import seal
from edubadge.errors import InputError, StackingError
from edubadge.formats import edc
from edubadge.model import RelatedAchievement, load_microcredential
from edubadge.stacking import StackRule, is_stack, pins_of, select_components, stack, unbundle
from edubadge.stacking.components import facts_of
from edubadge.validation import validate

from .shared import require_shared
from .stacking_edc_world import (
    RELATED_RESOURCE_CONTEXT,
    SEALED_AT,
    STACKING_CONTEXT,
    credential_id,
    edc_description,
    edc_world,
)
from .stacking_world import ACHIEVEMENT, CERTIFICATE, NOW, digest, world

SHAPES = "vectors/edc/shacl/elm-3.2/EDC-generic-full.ttl"
RULE: dict[str, Any] = {
    "allOf": [ACHIEVEMENT + "m1", ACHIEVEMENT + "m2"],
    "nOf": [{"atLeast": 1, "of": [ACHIEVEMENT + "m3", ACHIEVEMENT + "m4"]}],
    "minimumCredits": 13,
}
RULE_PATH = "$.credentialSubject.hasClaim[0].specifiedBy.stackingRule"


def certificate(**changes: Any) -> dict[str, Any]:
    data = edc_description("Certificate in Data", CERTIFICATE, None, id="urn:example:stack:edc")
    data.update(changes)
    return data


def build(components: list[Any], rule: dict[str, Any] | None = None, **kw: Any) -> Any:
    """An EDC stack by the university's eSeal (or `issuer=`), with the world's trust."""
    w = edc_world()
    kw.setdefault("trusted_issuers", w.base.trusted)
    kw.setdefault("status_lists", w.base.lists_before)
    kw.setdefault("trust_anchors", w.anchors)
    kw.setdefault("now", NOW)
    issuer = kw.pop("issuer", w.uni)
    rule = RULE if rule is None else rule
    return stack(components, kw.pop("achievement", certificate()), rule, issuer, **kw)


def check(stacked: Any, components: list[Any], **kw: Any) -> edubadge.VerificationResult:
    w = edc_world()
    kw.setdefault("trusted_issuers", w.base.trusted)
    kw.setdefault("status_lists", w.base.lists_before)
    kw.setdefault("trust_anchors", w.anchors)
    kw.setdefault("now", NOW)
    return edubadge.verify(stacked, components=components, **kw)


def reasons(result: edubadge.VerificationResult) -> dict[str | None, list[str]]:
    return {c.id: c.reasons for c in result.components if c.reasons}


def payload(sealed: dict[str, Any]) -> dict[str, Any]:
    return dict(edc.unwrap(sealed))


def ob3_three() -> list[dict[str, Any]]:
    pool = world().pool
    return [pool["m1"], pool["m2"], pool["m3"]]


def edc_three() -> list[dict[str, Any]]:
    pool = edc_world().pool
    return [pool["e1"], pool["e2"], pool["e3"]]


def mixed_three() -> list[dict[str, Any]]:
    return [world().pool["m1"], edc_world().pool["e2"], world().pool["m3"]]


# --- building an EDC stack ------------------------------------------------------------------


def test_an_edc_stack_links_each_component_in_elm_terms_and_pins_it_as_ob3_does() -> None:
    components = mixed_three()
    document = payload(build(components))
    assert document["@context"][-2:] == [STACKING_CONTEXT, RELATED_RESOURCE_CONTEXT]
    assert document["relatedResource"] == [
        {"id": credential_id(c), "mediaType": "application/vc", "digestMultibase": digest(c)}
        for c in components
    ]
    claim = document["credentialSubject"]["hasClaim"][0]
    assert claim["specifiedBy"]["stackingRule"] == StackRule.from_json(RULE).to_json()
    parts = claim["hasPart"]
    assert [p["type"] for p in parts] == ["LearningAchievement"] * 3
    assert [p["identifier"][0]["notation"] for p in parts] == [credential_id(c) for c in components]
    assert [p["specifiedBy"]["id"] for p in parts] == [ACHIEVEMENT + s for s in ("m1", "m2", "m3")]
    assert all(p["isPartOf"] == [{"id": claim["id"]}] for p in parts)
    assert [p["creditReceived"][0]["point"] for p in parts] == ["5", "5", "3"]
    assert [p["title"]["en"] for p in parts] == ["Module m1", "Module e2", "Module m3"]
    assert document["credentialSubject"]["id"] == world().learner["id"]
    credits = claim["specifiedBy"]["creditPoint"][0]
    assert credits["point"] == "13"  # the components' sum
    # one organisation, one node: the university issues the stack and awards two parts
    university = world().uni.profile.id
    awarding = [p["awardedBy"]["awardingBody"][0] for p in parts]
    assert awarding[0] == awarding[1] == {"id": university}
    assert awarding[2]["type"] == "Organisation" and awarding[2]["id"] == world().college.profile.id


def test_an_edc_stack_verifies_with_ob3_edc_and_mixed_components() -> None:
    for components in (ob3_three(), edc_three(), mixed_three()):
        sealed = build(components)
        result = check(sealed, components)
        assert result.verified, result.to_dict()
        assert [c.outcome for c in result.components] == ["verified"] * 3
        assert {c.id for c in result.checks} >= {"jades-signature", "components", "stack-rule"}
        # the same rule over the same components says the same in both formats
        as_ob3 = check(build(components, issuer=edc_world().base.uni), components)
        assert [vars(c) for c in result.rule] == [vars(c) for c in as_ob3.rule]
        assert len(result.rule) == 5


def test_an_ob3_stack_of_edc_components_pins_the_sealed_envelope() -> None:
    w = edc_world()
    components = edc_three()
    stacked = build(components, issuer=w.base.uni)
    assert [p["digestMultibase"] for p in stacked["relatedResource"]] == [
        digest(c) for c in components
    ]
    assert [p["id"] for p in stacked["relatedResource"]] == [credential_id(c) for c in components]
    assert stacked["credentialSubject"]["creditsEarned"] == 13
    assert check(stacked, components).verified
    # the payload alone is not the component: its pin is over the sealed envelope
    result = check(stacked, [payload(components[0]), *components[1:]])
    assert reasons(result)[credential_id(components[0])] == ["digest", "proof"]


def test_an_edc_component_reads_its_facts_from_the_payload() -> None:
    e1 = edc_world().pool["e1"]
    facts = facts_of(e1)
    assert facts.id == "urn:example:credential:e1"
    assert facts.achievement == ACHIEVEMENT + "m1"
    assert facts.credits == Decimal(5)
    assert facts.issuer == world().uni.profile.id and facts.issuer_name == "University"
    assert facts.valid_from is not None and facts.valid_from.year == 2026
    assert facts.subject["id"] == world().learner["id"]
    kinds = {i["identityType"]: i["identityHash"] for i in facts.subject["identifier"]}
    assert kinds == {"name": "Lotte Janssens", "emailAddress": "lotte@student.example"}
    # credits received on the claim win over the specification's
    document = payload(e1)
    claim = document["credentialSubject"]["hasClaim"][0]
    claim["creditReceived"] = [{**claim["specifiedBy"]["creditPoint"][0], "point": "4.5"}]
    assert facts_of(document).credits == Decimal("4.5")


def test_a_generated_edc_stack_conforms_to_edc_generic_full_and_a_broken_one_does_not() -> None:
    shapes = require_shared() / SHAPES
    document = payload(build(mixed_three()))
    report = validate(document, shapes=shapes)
    assert report.valid, report.issues
    broken = copy.deepcopy(document)
    part = broken["credentialSubject"]["hasClaim"][0]["hasPart"][1]
    del part["awardedBy"]
    part["isPartOf"] = [{"id": "urn:epass:note:404"}]  # not a LearningAchievement
    issues = validate(broken, shapes=shapes).issues
    found = {(i.path.split("> ")[-1], i.source) for i in issues}
    assert ("<http://data.europa.eu/snb/model/elm/awardedBy>", "shacl") in found
    assert ("<http://data.europa.eu/snb/model/elm/isPartOf>", "shacl") in found


def test_a_stack_of_stacks_reaches_through_a_sealed_edc_stack() -> None:
    w = edc_world()
    inner = build(edc_three(), {"allOf": [ACHIEVEMENT + "m1"]})
    assert is_stack(inner) and [p.id for p in pins_of(inner)] == [
        credential_id(c) for c in edc_three()
    ]
    outer = w.edc_stack_document([inner, world().pool["m4"]], {}, id="urn:example:outer")
    presented = [inner, world().pool["m4"], *edc_three()]
    assert check(outer, presented).verified
    twice = w.edc_stack_document([inner, w.pool["e1"]], {}, id="urn:example:outer-2")
    result = check(twice, [inner, *edc_three()])
    assert "counted-twice" in reasons(result)[credential_id(w.pool["e1"])]


def test_select_components_finds_sealed_components_in_a_wallet() -> None:
    components = mixed_three()
    sealed = build(components)
    wallet = [*reversed(components), edc_world().pool["e4"], world().pool["m5"]]
    assert select_components(sealed, wallet) == components


# --- what fails, and why --------------------------------------------------------------------


def test_changing_an_edc_stack_or_its_components_fails_with_the_named_reason() -> None:
    w = edc_world()
    components = mixed_three()
    sealed = build(components)
    e2 = components[1]
    later = SEALED_AT + timedelta(minutes=1)
    resealed = w.uni.seal(payload(e2), signing_time=later)  # the same payload, another seal
    assert reasons(check(sealed, [components[0], resealed, components[2]])) == {
        credential_id(e2): ["digest"]
    }
    assert reasons(check(sealed, [components[0], w.pool["e2-broken"], components[2]])) == {
        credential_id(e2): ["missing"],
        "urn:example:credential:e2-broken": ["not-pinned"],
    }
    edited = copy.deepcopy(e2)
    edited["payload"] = edited["payload"].replace('"point":"5"', '"point":"50"')
    result = check(sealed, [components[0], edited, components[2]])
    assert reasons(result) == {credential_id(e2): ["digest", "jades-signature"]}
    assert [c.name for c in result.rule if not c.passed] == ["allOf", "minimumCredits"]
    assert reasons(check(sealed, components[:2])) == {credential_id(components[2]): ["missing"]}
    tampered = copy.deepcopy(sealed)
    tampered["payload"] = tampered["payload"].replace('"minimumCredits":13', '"minimumCredits":1')
    result = check(tampered, components)
    assert result.check("jades-signature").outcome == "failed" and not result.verified


def test_an_edc_component_is_trusted_through_its_seal_and_the_trust_list() -> None:
    w = edc_world()
    components = mixed_three()
    sealed = build(components)
    e2 = credential_id(components[1])
    no_anchors = check(sealed, components, trust_anchors=[])
    assert no_anchors.check("jades-certificate").outcome == "failed"
    assert reasons(no_anchors) == {e2: ["jades-certificate"]}
    only_uni = check(sealed, components, trusted_issuers={w.base.uni.profile.id})
    assert reasons(only_uni) == {credential_id(components[2]): ["untrusted-issuer"]}
    # the university's name on an eSeal no anchor vouches for
    fake = [components[0], w.pool["e4-unanchored"], components[2]]
    stacked = w.edc_stack_document(fake, {})
    assert reasons(check(stacked, fake)) == {
        "urn:example:credential:e4-unanchored": ["jades-certificate"]
    }


def test_a_failing_clause_is_named_at_the_rule_in_the_edc() -> None:
    components = mixed_three()
    w = edc_world()
    stacked = w.edc_stack_document(components, {"allOf": [ACHIEVEMENT + "m5"]})
    result = check(stacked, components)
    problems = result.check("stack-rule").problems
    assert [(p.kind, p.path) for p in problems] == [("STACK_RULE_NOT_MET", RULE_PATH + ".allOf")]
    document = payload(w.edc_stack_document(components, {"allOf": ["not an IRI"]}))
    bad = check(seal(document, w.uni.material, signing_time=SEALED_AT), components)
    assert bad.check("stack-rule").problems[0].path == RULE_PATH + ".allOf[0]"


def test_learners_bind_across_formats_by_did_or_by_identity() -> None:
    w = edc_world()
    components = mixed_three()
    mismatch = [components[1], components[2], w.pool["e1-other-learner"]]
    result = check(w.edc_stack_document(mismatch, {}), mismatch)
    assert reasons(result) == {"urn:example:credential:e1-other-learner": ["learner"]}
    # no DID on the EDC: its plain email binds it to an OB 3.0 stack's hashed identity
    no_did = {k: v for k, v in w.base.learner.items() if k != "id"}
    e2 = w.module("e2-email-only", learner=no_did)
    assert "id" not in facts_of(e2).subject
    m1 = world().pool["m1"]
    achievement = certificate(learner=no_did)
    stacked = build([m1, e2], {}, issuer=w.base.uni, achievement=achievement)
    assert "id" not in stacked["credentialSubject"]
    assert check(stacked, [m1, e2], learner={"emailAddress": no_did["email"]}).verified
    other = w.module("e2-other-email", learner={**no_did, "email": "someone@else.example"})
    with pytest.raises(StackingError, match="learner: identity differs: emailAddress"):
        build([m1, other], {}, issuer=w.base.uni, achievement=achievement)


def test_the_builder_refuses_what_would_not_verify() -> None:
    w = edc_world()
    with pytest.raises(StackingError) as refused:
        build(mixed_three(), trust_anchors=[])
    assert ("component urn:example:credential:e2", "jades-certificate") in [
        (what, why.split(":")[0]) for what, why in refused.value.reasons
    ]
    with pytest.raises(StackingError, match="rule clause minimumCredits"):
        build(mixed_three(), {"minimumCredits": 40})
    with pytest.raises(InputError, match="an EDC stack is sealed"):
        build(mixed_three(), options={"created": "2026-03-01T00:00:00Z"})
    # a sealed EDC's status is not read, so the builder cannot attest it was not revoked
    document = payload(w.pool["e2"])
    document["credentialStatus"] = {
        "id": "https://uni.example/status/1#3",
        "type": "BitstringStatusListEntry",
    }
    with_status = w.uni.seal(document, signing_time=SEALED_AT)
    with pytest.raises(StackingError, match="does not read the status of a sealed EDC"):
        build([world().pool["m1"], with_status, world().pool["m3"]])


# --- unbundling into EDC modules -------------------------------------------------------------


def test_unbundled_edc_modules_are_part_of_the_programme_and_conform() -> None:
    w = edc_world()
    programme = RelatedAchievement(id=CERTIFICATE, title="Certificate in Data")
    record = edc_description("Module m1", ACHIEVEMENT + "m1", 5, learner=w.base.learner)
    [module] = unbundle([record], w.uni, part_of=programme)
    document = payload(module)
    spec = document["credentialSubject"]["hasClaim"][0]["specifiedBy"]
    assert spec["isPartOf"] == [
        {"id": CERTIFICATE, "type": "Qualification", "title": {"en": "Certificate in Data"}}
    ]
    assert spec["isPartialQualification"] is True
    assert STACKING_CONTEXT not in document["@context"]  # ELM's own terms suffice
    assert validate(document, shapes=require_shared() / SHAPES).valid
    assert edubadge.verify(module, trust_anchors=w.anchors).verified
    with pytest.raises(InputError, match="with its title"):
        unbundle([record], w.uni, part_of=CERTIFICATE)
    listed = {**record, "is_part_of": [{"id": CERTIFICATE, "title": "Certificate in Data"}]}
    [again] = unbundle([load_microcredential(listed)], w.uni, part_of=CERTIFICATE)
    assert (
        payload(again)["credentialSubject"]["hasClaim"][0]["specifiedBy"]["isPartOf"]
        == (spec["isPartOf"])
    )


def test_an_edc_stack_round_trips_through_json_text_and_files(tmp_path: Path) -> None:
    components = mixed_three()
    sealed = build(components)
    paths = []
    for n, component in enumerate(components):
        path = tmp_path / f"c{n}.json"
        path.write_text(json.dumps(component))
        paths.append(path)
    assert check(json.dumps(sealed), paths).verified
