"""Stacking: building a stack, its digests and terms, and verifying it with its components."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from typing import Any

import pytest
import rfc8785

import edubadge
from edubadge.errors import InvalidFieldsError, StackingError
from edubadge.jsonld import expand
from edubadge.stacking import (
    StackRule,
    component_digest,
    digest_matches,
    select_components,
    stack,
    unbundle,
)
from edubadge.stacking.rules import RuleInput
from edubadge.verifier import CHECK_IDS, STACK_CHECK_IDS

from .stacking_world import ACHIEVEMENT, CERTIFICATE, NOW, description, digest, world
from .test_ob3_format import schema_errors

RULE: dict[str, Any] = {
    "allOf": [ACHIEVEMENT + "m1", ACHIEVEMENT + "m2"],
    "nOf": [{"atLeast": 1, "of": [ACHIEVEMENT + "m3", ACHIEVEMENT + "m4"]}],
    "minimumCredits": 13,
}


def certificate(**changes: Any) -> dict[str, Any]:
    data = description("Certificate in Data", CERTIFICATE, None, id="urn:example:stack:1")
    data.update(changes)
    return data


def build(components: list[dict[str, Any]], rule: dict[str, Any] | None = None, **kw: Any) -> Any:
    w = world()
    kw.setdefault("trusted_issuers", w.trusted)
    kw.setdefault("status_lists", w.lists_before)
    kw.setdefault("now", NOW)
    return stack(components, kw.pop("achievement", certificate()), rule or RULE, w.uni, **kw)


def three() -> list[dict[str, Any]]:
    pool = world().pool
    return [pool["m1"], pool["m2"], pool["m3"]]


def reasons(result: edubadge.VerificationResult) -> dict[str | None, list[str]]:
    return {c.id: c.reasons for c in result.components if c.reasons}


# --- building -------------------------------------------------------------------------------


def test_stack_pins_each_component_by_id_and_spec_digest() -> None:
    components = three()
    stacked = build(components)
    pins = stacked["relatedResource"]
    assert [p["id"] for p in pins] == [c["id"] for c in components]
    assert [p["digestMultibase"] for p in pins] == [digest(c) for c in components]
    assert {p["mediaType"] for p in pins} == {"application/vc"}
    assert [e["id"] for e in stacked["evidence"]] == [c["id"] for c in components]
    achievement = stacked["credentialSubject"]["achievement"]
    assert achievement["stackingRule"] == StackRule.from_json(RULE).to_json()
    assert achievement["hasPart"] == [ACHIEVEMENT + s for s in ("m1", "m2", "m3", "m4")]
    assert stacked["credentialSubject"]["id"] == world().learner["id"]
    assert stacked["credentialSubject"]["creditsEarned"] == 13.0  # the components' sum


def test_digest_is_a_sha2_multihash_over_jcs_whatever_the_layout() -> None:
    component = world().pool["m1"]
    reordered = json.loads(json.dumps(component, indent=3, sort_keys=True))
    assert component_digest(reordered) == component_digest(component) == digest(component)
    raw = hashlib.sha256(rfc8785.dumps(component)).digest()
    sha256 = "u" + base64.urlsafe_b64encode(b"\x12\x20" + raw).decode().rstrip("=")
    assert digest_matches(component, sha256)  # sha2-256, base64url-nopad (CID's other base)
    assert digest_matches(component, component_digest(component, "sha2-512"))
    assert not digest_matches(world().pool["m2"], digest(component))


def test_stacked_credential_uses_only_defined_terms_and_is_valid_ob3() -> None:
    stacked = build(three())
    expanded = json.dumps(expand(stacked))  # safe mode: raises on any undefined term
    assert "https://w3id.org/edubadge/stacking#stackingRule" in expanded
    assert "http://data.europa.eu/snb/model/elm/hasPart" in expanded
    assert "https://www.w3.org/2018/credentials#relatedResource" in expanded
    assert "issuer-dependent" not in expanded
    assert schema_errors({k: v for k, v in stacked.items() if k != "proof"}) == []


def test_unbundled_module_points_to_its_programme() -> None:
    w = world()
    record = description("Module in a degree", ACHIEVEMENT + "m9", 5, learner=w.learner)
    (module,) = unbundle([record], w.uni, part_of=CERTIFICATE)
    assert module["credentialSubject"]["achievement"]["isPartOf"] == CERTIFICATE
    assert "http://data.europa.eu/snb/model/elm/isPartOf" in json.dumps(expand(module))
    assert edubadge.verify(module).verified
    assert schema_errors({k: v for k, v in module.items() if k != "proof"}) == []
    with pytest.raises(edubadge.EdubadgeError, match="IRI"):
        unbundle([record], w.uni, part_of="not an iri")


@pytest.mark.parametrize(
    ("swap", "reason"),
    [
        ("m1-other-learner", "learner"),
        ("m3-outsider", "untrusted-issuer"),
        ("m2-broken", "proof"),
    ],
)
def test_stack_refuses_a_bad_component_naming_it(swap: str, reason: str) -> None:
    pool = world().pool
    components = [pool["m1"], pool["m2"], pool["m3"]]
    position = {"m1": 0, "m3": 2, "m2": 1}[swap.split("-")[0]]
    components[position] = pool[swap]
    with pytest.raises(StackingError) as refused:
        build(components)
    named = [why for what, why in refused.value.reasons if pool[swap]["id"] in what]
    assert any(why.startswith(reason + ":") for why in named), refused.value.reasons


def test_stack_refuses_when_the_rule_does_not_hold() -> None:
    pool = world().pool
    with pytest.raises(StackingError) as refused:
        build([pool["m1"], pool["m3"]])
    assert ("rule clause allOf", f"missing {ACHIEVEMENT}m2") in refused.value.reasons
    assert any(what == "rule clause minimumCredits" for what, _ in refused.value.reasons)


def test_component_issued_after_the_award_is_refused() -> None:
    late = world().module("m2-late", issued="2026-02-20T09:00:00Z")
    with pytest.raises(StackingError, match="valid-at-award"):
        build(
            [world().pool["m1"], late],
            {"allOf": []},
            achievement=certificate(issued="2026-02-01T00:00:00Z"),
        )


def test_double_counting_is_refused() -> None:
    pool = world().pool
    again = world().module("m1-again")  # a second credential for the same achievement
    with pytest.raises(StackingError, match="counted-twice"):
        build([pool["m1"], again, pool["m2"], pool["m3"]])
    with pytest.raises(StackingError, match="counted-twice"):
        build([pool["m1"], pool["m1"], pool["m2"], pool["m3"]])


def test_a_stack_of_stacks_verifies_and_refuses_double_counting_and_cycles() -> None:
    w = world()
    inner = build(three(), achievement=certificate(id="urn:example:stack:inner"))
    outer_rule = {"allOf": [CERTIFICATE, ACHIEVEMENT + "m5"], "minimumCredits": 23}
    outer_record = description("Diploma", ACHIEVEMENT + "diploma", None, id="urn:example:outer")
    outer = build([inner, w.pool["m5"], *three()], outer_rule, achievement=outer_record)
    assert [p["id"] for p in outer["relatedResource"]] == [inner["id"], w.pool["m5"]["id"]]
    result = edubadge.verify(outer, components=[inner, w.pool["m5"], *three()])
    assert result.verified, result.to_dict()
    nested = result.components[0].result
    assert nested is not None and [c.id for c in nested.components] == [c["id"] for c in three()]
    # the same module directly and inside the nested stack (the builder would put m1 below
    # the nested stack; a careless issuer pins it twice)
    careless = w.stack_document([inner, w.pool["m1"]], {}, id="urn:example:outer2")
    result = edubadge.verify(careless, components=[inner, *three()])
    assert reasons(result) == {
        inner["id"]: ["counted-twice"],
        w.pool["m1"]["id"]: ["counted-twice"],
    }
    # a nested stack that pins the outer stack's own id
    decoy = w.module("m4-decoy", id="urn:example:outer3")
    loop = build([decoy], {"allOf": []}, achievement=certificate(id="urn:example:loop"))
    with pytest.raises(StackingError, match="cycle"):
        build(
            [loop],
            {"allOf": []},
            achievement=description("D", ACHIEVEMENT + "d3", None, id="urn:example:outer3"),
        )


# --- verifying ------------------------------------------------------------------------------


def test_stack_verifies_with_its_components() -> None:
    stacked = build(three())
    result = edubadge.verify(stacked, components=three(), trusted_issuers=world().trusted)
    assert result.verified, result.to_dict()
    assert [c.id for c in result.checks] == [*CHECK_IDS, *STACK_CHECK_IDS]
    assert [c.outcome for c in result.components] == ["verified"] * 3
    assert [c.name for c in result.rule] == [
        "allOf",
        "nOf[0]",
        "minimumCredits",
        "sameLearner",
        "validAtAward",
    ]
    assert all(c.passed for c in result.rule)
    data = result.to_dict()
    assert [c["outcome"] for c in data["components"]] == ["verified"] * 3
    assert len(data["rule"]) == 5


def test_stack_alone_verifies_but_says_its_components_were_not_checked() -> None:
    result = edubadge.verify(build(three()))
    assert result.verified
    assert result.check("components").outcome == "skipped"
    assert "pins 3 component(s)" in result.check("components").detail
    assert result.check("stack-rule").outcome == "skipped"
    plain = edubadge.verify(world().pool["m1"])
    assert [c.id for c in plain.checks] == list(CHECK_IDS)  # not a stack: no stack checks


def test_each_failure_is_named_on_its_component_and_clause() -> None:
    w = world()
    stacked = build(three())
    edited = copy.deepcopy(three()[2])
    edited["credentialSubject"]["creditsEarned"] = 30.0
    result = edubadge.verify(stacked, components=[*three()[:2], edited, w.pool["m4"]])
    assert not result.verified
    assert reasons(result) == {
        w.pool["m3"]["id"]: ["digest", "proof"],
        w.pool["m4"]["id"]: ["not-pinned"],
    }
    failed = [c.name for c in result.rule if not c.passed]
    assert failed == ["nOf[0]", "minimumCredits"]
    kinds = {p.to_dict()["type"].rsplit("#", 1)[1] for p in result.problems}
    assert kinds == {
        "COMPONENT_DIGEST_MISMATCH",
        "COMPONENT_INVALID",
        "COMPONENT_NOT_PINNED",
        "STACK_RULE_NOT_MET",
    }
    dropped = edubadge.verify(stacked, components=three()[:2])
    assert reasons(dropped) == {w.pool["m3"]["id"]: ["missing"]}
    untrusted = edubadge.verify(stacked, components=three(), trusted_issuers={w.uni.profile.id})
    assert reasons(untrusted) == {w.pool["m3"]["id"]: ["untrusted-issuer"]}
    twice = edubadge.verify(stacked, components=[*three(), three()[0]])
    assert reasons(twice) == {w.pool["m1"]["id"]: ["duplicate"]}
    unreadable = edubadge.verify(stacked, components=[*three(), b"{not json"])
    assert reasons(unreadable) == {None: ["parse"]}


def test_a_pinned_component_that_is_invalid_fails_the_stack() -> None:
    """A careless stack issuer pinned a component whose proof does not hold."""
    w = world()
    components = [w.pool["m1"], w.pool["m2-broken"], w.pool["m3"]]
    stacked = w.stack_document(components, StackRule.from_json(RULE).to_json())
    result = edubadge.verify(stacked, components=components)
    assert reasons(result) == {w.pool["m2-broken"]["id"]: ["proof"]}
    assert [c.name for c in result.rule if not c.passed] == ["allOf", "minimumCredits"]


def test_learner_binding_by_identity_hashes() -> None:
    w = world()
    hashed = {k: v for k, v in w.learner.items() if k != "id"}
    components = [w.module(f"m{n}-anonymous", learner=hashed) for n in (1, 2, 3)]
    refused = pytest.raises(StackingError, match="learner")
    with refused:  # no learner given: the components share no subject id
        build(components, achievement=certificate())
    stacked = build(components, achievement=certificate(learner=hashed))
    subject = stacked["credentialSubject"]
    assert "id" not in subject and {i["identityType"] for i in subject["identifier"]} == {
        "name",
        "emailAddress",
    }
    result = edubadge.verify(stacked, components=components)
    assert not result.verified  # different salts, nothing to compare them with
    assert all(c.reasons == ["learner"] for c in result.components)
    assert [c.name for c in result.rule if not c.passed] == ["sameLearner"]
    known = {"emailAddress": "lotte@student.example"}
    assert edubadge.verify(stacked, components=components, learner=known).verified
    wrong = {"emailAddress": "mateo@student.example"}
    result = edubadge.verify(stacked, components=components, learner=wrong)
    assert all(c.reasons == ["learner"] for c in result.components)


def test_malformed_rule_in_a_stack_is_reported_by_the_rule_check() -> None:
    w = world()
    rule = {"nOf": [{"atLeast": 5, "of": [ACHIEVEMENT + "m1"]}], "sameLearner": "yes"}
    stacked = w.stack_document(three(), rule)
    result = edubadge.verify(stacked, components=three())
    assert result.check("stack-rule").outcome == "failed"
    paths = [p.path for p in result.check("stack-rule").problems]
    base = "$.credentialSubject.achievement.stackingRule"
    assert paths == [base + ".nOf[0].atLeast", base + ".sameLearner"]


def test_select_components_finds_the_pinned_ones_in_a_wallet() -> None:
    w = world()
    stacked = build(three())
    edited = copy.deepcopy(w.pool["m3"])
    edited["name"] = "x"
    wallet = [w.pool["m5"], edited, *reversed(three()), "junk"]
    assert select_components(stacked, wallet) == three()


# --- rules ----------------------------------------------------------------------------------


def test_rule_errors_name_every_fault_with_its_path() -> None:
    with pytest.raises(InvalidFieldsError) as bad:
        StackRule.from_json(
            {
                "allOf": ["https://a.example/1", "relative", "https://a.example/1"],
                "nOf": [{"atLeast": 3, "of": ["https://b.example/1"]}, "x"],
                "minimumCredits": -1,
                "sameLearner": "yes",
                "maximum": 3,
            }
        )
    paths = [path for path, _ in bad.value.fields]
    assert paths == [
        "$.maximum",
        "$.allOf[1]",
        "$.allOf",
        "$.nOf[0].atLeast",
        "$.nOf[1]",
        "$.minimumCredits",
        "$.sameLearner",
    ]


def test_rule_clauses_count_only_verified_components() -> None:
    rule = StackRule.from_json(RULE)
    parts = [
        RuleInput("c1", ACHIEVEMENT + "m1", None, True, True, True),
        RuleInput("c2", ACHIEVEMENT + "m2", None, False, True, True),
    ]
    outcomes = {c.name: c.passed for c in rule.evaluate(parts)}
    assert outcomes == {
        "allOf": False,
        "nOf[0]": False,
        "minimumCredits": False,
        "sameLearner": True,
        "validAtAward": True,
    }
