"""Selective disclosure of a stack's components (ecdsa-sd-2023): the holder shows some
components, the rest stay hidden; the verifier checks everything disclosed, and the rule
clauses the disclosed components alone do not meet are reported as the issuer's attestation."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import edubadge
from edubadge import keys
from edubadge.cli import main
from edubadge.errors import InputError, ProofError
from edubadge.issuer import Issuer
from edubadge.jsonld import expand
from edubadge.model import Organisation
from edubadge.stacking import disclose, stack
from edubadge.status.lists import StatusLists

from .stacking_world import ACHIEVEMENT, CERTIFICATE, NOW, description, world
from .test_ob3_format import schema_errors

NAMES = ("m1", "m2", "m3", "m4")
ECTS = {"m1": 5, "m2": 5, "m3": 3, "m4": 6}
RULE: dict[str, Any] = {
    "allOf": [ACHIEVEMENT + "m1", ACHIEVEMENT + "m2"],
    "nOf": [{"atLeast": 1, "of": [ACHIEVEMENT + "m3", ACHIEVEMENT + "m4"]}],
    "minimumCredits": 19,
}


@cache
def sd_issuer() -> Issuer:
    signer = keys.generate("P-256")
    profile = Organisation(id=signer.controller, name="SD University", country="BE")
    return Issuer(profile, signer, suite="ecdsa-sd-2023")


def build(names: tuple[str, ...] = NAMES, name: str = "sd") -> dict[str, Any]:
    w = world()
    record = description("Certificate", CERTIFICATE, None, id=f"urn:example:{name}")
    parts = [w.pool[n] for n in names]
    return stack(
        parts, record, RULE, sd_issuer(), trusted_issuers=w.trusted,
        status_lists=w.lists_before, now=NOW,
    )  # fmt: skip


@cache
def base() -> dict[str, Any]:
    return build()


def check(derived: dict[str, Any], shown: list[dict[str, Any]]) -> edubadge.VerificationResult:
    w = world()
    return edubadge.verify(
        derived, components=shown, trusted_issuers=w.trusted, status_lists=w.lists_after
    )


def test_the_base_stack_pins_each_component_on_its_own_evidence_entry() -> None:
    stacked = base()
    assert "relatedResource" not in stacked  # VC 2.0: not for what is selectively disclosed
    pool = world().pool
    assert [e["id"] for e in stacked["evidence"]] == [pool[n]["id"] for n in NAMES]
    for entry, name in zip(stacked["evidence"], NAMES, strict=True):
        assert entry["mediaType"] == "application/vc"
        assert entry["digestMultibase"] == edubadge.stacking.component_digest(pool[name])
    assert stacked["proof"]["cryptosuite"] == "ecdsa-sd-2023"
    expanded = json.dumps(expand(stacked))  # safe mode: every term defined
    assert "https://w3id.org/security#digestMultibase" in expanded
    assert schema_errors({k: v for k, v in stacked.items() if k != "proof"}) == []
    refused = edubadge.verify(stacked, components=[pool[n] for n in NAMES])
    assert not refused.verified  # a base proof is for the holder only
    assert "base proof" in refused.check("proof").problems[0].detail


def test_nothing_but_the_component_entries_can_be_left_out() -> None:
    shown_nothing = disclose(base(), [])
    assert "evidence" not in shown_nothing
    kept = {k: v for k, v in base().items() if k not in ("evidence", "proof")}
    assert {k: v for k, v in shown_nothing.items() if k != "proof"} == kept
    result = edubadge.verify(shown_nothing, components=[])
    assert result.verified
    assert [c.name for c in result.rule if c.attested] == ["allOf", "nOf[0]", "minimumCredits"]


def test_the_disclosed_rule_cannot_be_changed() -> None:
    derived = disclose(base(), [world().pool["m1"]["id"]])
    changed = copy.deepcopy(derived)
    changed["credentialSubject"]["achievement"]["stackingRule"]["minimumCredits"] = 1
    result = check(changed, [world().pool["m1"]])
    assert not result.verified and result.check("proof").outcome == "failed"


@given(st.lists(st.sampled_from(NAMES), unique=True, max_size=4), st.data())
def test_any_subset_of_components_can_be_disclosed_and_verifies_as_exactly_that(
    shown_names: list[str], data: st.DataObject
) -> None:
    pool = world().pool
    shown = sorted(shown_names, key=NAMES.index)
    hidden = [n for n in NAMES if n not in shown]
    pick = data.draw(st.sampled_from(["ids", "credentials"]))
    chosen = [pool[n]["id"] if pick == "ids" else pool[n] for n in shown_names]
    derived = disclose(base(), chosen)

    text = json.dumps(derived)
    for name in hidden:  # nothing of an undisclosed component is in the derived stack
        assert pool[name]["id"] not in text
        assert edubadge.stacking.component_digest(pool[name]) not in text
        assert f"Module {name}" not in text
    result = check(derived, [pool[n] for n in shown])
    assert result.verified, result.to_dict()
    assert [c.id for c in result.components] == [pool[n]["id"] for n in shown]
    assert all(c.outcome == "verified" for c in result.components)

    # the rule: held over what is shown, or attested by the issuer (never silently passed)
    have = set(shown)
    holds = {
        "allOf": {"m1", "m2"} <= have,
        "nOf[0]": bool(have & {"m3", "m4"}),
        "minimumCredits": sum(ECTS[n] for n in shown) >= 19,
        "sameLearner": True,
        "validAtAward": True,
    }
    assert {c.name: c.attested for c in result.rule} == {k: not v for k, v in holds.items()}
    assert all(c.passed for c in result.rule)
    if any(c.attested for c in result.rule):
        assert any("rest on the issuer's word" in w for w in result.warnings)

    # and everything disclosed is still checked: an extra, an edit, a missing component
    if hidden:
        extra = pool[data.draw(st.sampled_from(hidden))]
        result = check(derived, [*(pool[n] for n in shown), extra])
        assert {c.id: c.reasons for c in result.components if c.reasons} == {
            extra["id"]: ["not-pinned"]
        }
    if shown:
        target = data.draw(st.sampled_from(shown))
        edited = copy.deepcopy(pool[target])
        edited["credentialSubject"]["creditsEarned"] += 1
        presented = [edited if n == target else pool[n] for n in shown]
        failed = {c.id: c.reasons for c in check(derived, presented).components if c.reasons}
        assert failed == {pool[target]["id"]: ["digest", "proof"]}
        left_out = [pool[n] for n in shown if n != target]
        failed = {c.id: c.reasons for c in check(derived, left_out).components if c.reasons}
        assert failed == {pool[target]["id"]: ["missing"]}


def test_a_disclosed_component_that_was_revoked_fails_the_stack() -> None:
    pool = world().pool
    stacked = build(("m1", "m2-revoked", "m3", "m4"), name="sd-revoked")
    shown = [pool["m1"], pool["m2-revoked"]]
    result = check(disclose(stacked, shown), shown)
    assert {c.id: c.reasons for c in result.components if c.reasons} == {
        pool["m2-revoked"]["id"]: ["status"]
    }
    # what the holder does not disclose, the verifier cannot check: the issuer's
    # attestation at award time is all there is (docs/stacking.md says so)
    hidden = check(disclose(stacked, [pool["m1"]]), [pool["m1"]])
    assert hidden.verified and any(c.attested for c in hidden.rule)


def test_disclose_refuses_what_the_stack_does_not_pin() -> None:
    pool = world().pool
    with pytest.raises(InputError, match="pins no component"):
        disclose(base(), [pool["m5"]["id"]])
    edited = copy.deepcopy(pool["m1"])
    edited["name"] = "changed"
    with pytest.raises(InputError, match="digest differs"):
        disclose(base(), [edited])
    plain = stack(
        [pool["m1"], pool["m2"], pool["m3"]],
        description("Certificate", CERTIFICATE, None, id="urn:example:sd:plain"),
        {"allOf": [ACHIEVEMENT + "m1"]},
        world().uni,
        trusted_issuers=world().trusted,
        status_lists=world().lists_before,
        now=NOW,
    )
    with pytest.raises(ProofError, match="selective disclosure"):
        disclose(plain, [pool["m1"]["id"]])


def test_one_component_stacks_disclose_too() -> None:
    pool = world().pool
    w = world()
    single = stack(
        [pool["m5"]],
        description("Certificate", CERTIFICATE, None, id="urn:example:sd:one"),
        {"minimumCredits": 10},
        sd_issuer(),
        trusted_issuers=w.trusted,
        status_lists=w.lists_before,
        now=NOW,
    )
    derived = disclose(single, [pool["m5"]])
    assert check(derived, [pool["m5"]]).verified
    assert check(disclose(single, []), []).rule[0].attested


def test_cli_stacks_for_selective_disclosure_derives_and_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vectors = Path(__file__).parents[1] / "vectors" / "stacking"
    key = tmp_path / "p256.key"
    assert main(["keygen", "--type", "P-256", "--out", str(key)]) == 0
    components = [str(vectors / f"component-{n}.json") for n in (1, 2, 3)]
    base_file, shown_file = tmp_path / "stack.json", tmp_path / "shown.json"
    args = ["stack", *components, "--achievement", str(vectors / "achievement.json")]
    args += ["--rule", str(vectors / "rule.json"), "--key", str(key), "--suite", "ecdsa-sd-2023"]
    assert main([*args, "--out", str(base_file)]) == 0
    assert "relatedResource" not in json.loads(base_file.read_text())
    derive = ["derive", str(base_file), "--component", components[0], "--out", str(shown_file)]
    assert main(derive) == 0
    shown = json.loads(shown_file.read_text())
    assert [e["id"] for e in edubadge.datamodel.as_list(shown["evidence"])] == [
        json.loads(Path(components[0]).read_text())["id"]
    ]
    capsys.readouterr()
    assert main(["verify", str(shown_file), "--component", components[0]]) == 0
    text = capsys.readouterr().out
    assert "attested allOf" in text and "a selective disclosure" in text
    assert main(["verify", str(shown_file), "--component", components[1]]) == 1


def test_the_stacks_status_is_mandatory_and_the_issuer_may_make_a_component_so() -> None:
    w = world()
    assert w.store is not None
    lists = StatusLists(w.store, issuer=sd_issuer().profile.id, base_url="https://sd.example/s")
    issuer = Issuer(sd_issuer().profile, sd_issuer().signer, suite="ecdsa-sd-2023", status=lists)
    core = w.pool["m1"]
    stacked = stack(
        [core, w.pool["m2"], w.pool["m3"]],
        description("Certificate", CERTIFICATE, None, id="urn:example:sd:status"),
        {"allOf": [ACHIEVEMENT + "m1"]},
        issuer,
        trusted_issuers=w.trusted,
        status_lists=w.lists_before,
        now=NOW,
        options={"mandatoryPointers": ["/evidence/0"]},  # the core module is always shown
    )
    shown = disclose(stacked, [])
    assert shown["credentialStatus"] == stacked["credentialStatus"]
    assert [e["id"] for e in edubadge.datamodel.as_list(shown["evidence"])] == [core["id"]]
