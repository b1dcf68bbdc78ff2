"""Revocation in stacking, with real status lists from a real SQLite store: the builder reads
each component's status at award time, and a component revoked afterwards fails the stack
with the reason `status`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import edubadge
from edubadge.cli import main
from edubadge.demo.checking import verdict
from edubadge.errors import StackingError
from edubadge.issuer import Issuer
from edubadge.stacking import stack, unbundle
from edubadge.status.check import StatusResolver

from .fake_web import FakeWeb
from .stacking_world import ACHIEVEMENT, CERTIFICATE, NOW, description, world

RULE = {"allOf": [ACHIEVEMENT + "m1", ACHIEVEMENT + "m2"], "minimumCredits": 13}


def components() -> list[dict[str, Any]]:
    pool = world().pool
    return [pool["m1"], pool["m2-revoked"], pool["m3"]]


def build(name: str, parts: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    w = world()
    record = description("Certificate", CERTIFICATE, None, id=f"urn:example:status:{name}")
    options.setdefault("trusted_issuers", w.trusted)
    return stack(parts, record, RULE, w.uni, now=NOW, **options)


def reasons(result: edubadge.VerificationResult) -> dict[str | None, list[str]]:
    return {c.id: c.reasons for c in result.components if c.reasons}


def test_the_twin_is_really_revoked_in_the_store() -> None:
    w = world()
    assert w.uni.status is not None
    (entry,) = w.uni.status.show(w.pool["m2-revoked"])
    assert entry.values == {"revocation": 1}
    assert [(a.actor, a.reason) for a in entry.audit] == [("registrar", "exam annulled")]
    assert w.uni.status.show(w.pool["m2"])[0].values == {"revocation": 0}
    for lists, expected in ((w.lists_before, "verified"), (w.lists_after, "revoked")):
        assert verdict(edubadge.verify(w.pool["m2-revoked"], status_lists=lists)) == expected


def test_a_component_revoked_after_the_award_fails_the_stack_with_reason_status() -> None:
    w = world()
    stacked = build("revoked-later", components(), status_lists=w.lists_before)
    before = edubadge.verify(stacked, components=components(), status_lists=w.lists_before)
    assert before.verified, before.to_dict()
    statuses = [o.result.statuses[0].describe() for o in before.components if o.result]
    assert all(s.startswith("revocation: not revoked") for s in statuses)

    after = edubadge.verify(stacked, components=components(), status_lists=w.lists_after)
    assert not after.verified
    revoked = w.pool["m2-revoked"]["id"]
    assert reasons(after) == {revoked: ["status"]}
    outcome = after.components[1]
    assert "the credential is revoked" in outcome.failures["status"]
    assert outcome.result is not None and outcome.result.statuses[0].revoked
    assert [p.kind for p in outcome.result.check("status").problems] == ["REVOKED"]
    (problem,) = after.check("components").problems
    assert problem.kind == "COMPONENT_INVALID" and problem.path == "$.relatedResource[1]"
    assert problem.detail.startswith(f"component {revoked}: status: the credential is revoked")
    assert [c.name for c in after.rule if not c.passed] == ["allOf", "minimumCredits"]
    assert verdict(after) == "invalid"  # the stack itself is not revoked: its component is


def test_the_builder_refuses_a_revoked_component() -> None:
    with pytest.raises(StackingError) as refused:
        build("refused", components(), status_lists=world().lists_after)
    revoked = world().pool["m2-revoked"]["id"]
    (why,) = [why for what, why in refused.value.reasons if revoked in what]
    assert why.startswith("status: the credential is revoked")


def test_the_builder_refuses_a_component_whose_status_it_cannot_read() -> None:
    with pytest.raises(StackingError) as refused:
        build("unchecked", components())
    named = dict(refused.value.reasons)
    for component in components():
        assert named[f"component {component['id']}"].startswith("status: not checked at award time")
    # components without a status have nothing to read: no lists needed
    w = world()
    plain = [w.module(f"{m}-no-status", issuer="outsider") for m in ("m1", "m2", "m5")]
    assert all("credentialStatus" not in c for c in plain)
    assert build("no-status", plain, trusted_issuers={w.outsider.profile.id})["relatedResource"]


def test_the_builder_reads_status_through_a_fetcher_or_a_resolver() -> None:
    w = world()
    server = FakeWeb(w.lists_before)
    build("fetched", components(), fetcher=server)
    lists = {c["credentialStatus"]["statusListCredential"] for c in components()}
    assert sorted(server.fetched) == sorted(lists)  # each list fetched once
    resolver = StatusResolver(w.lists_after)
    with pytest.raises(StackingError, match="revoked"):
        build("resolved", components(), status_lists=resolver)


def test_the_stack_and_unbundled_modules_carry_their_issuers_status() -> None:
    w = world()
    parts = [w.pool["m1"], w.pool["m2"], w.pool["m3"]]
    stacked = build("own-status", parts, status_lists=w.lists_before)
    entry = stacked["credentialStatus"]
    assert entry["statusListCredential"].startswith("https://uni.example/status/")
    record = description("Module", ACHIEVEMENT + "m8", 5, learner=w.learner)
    (module,) = unbundle([record], w.uni, part_of=CERTIFICATE)
    assert module["credentialStatus"]["statusPurpose"] == "revocation"
    assert w.uni.status is not None
    w.uni.status.revoke(stacked, actor="registrar", reason="awarded in error")
    lists = w.publish("stack-revoked")
    result = edubadge.verify(stacked, components=parts, status_lists=lists)
    assert [p.kind for p in result.check("status").problems] == ["REVOKED"]
    assert result.check("components").passed  # its components are fine; the stack is not
    assert verdict(result) == "revoked"


def test_a_revoked_component_below_a_nested_stack_fails_the_outer_stack() -> None:
    w = world()
    inner = build("inner", components(), status_lists=w.lists_before)
    outer_record = description("Diploma", ACHIEVEMENT + "diploma", None, id="urn:example:status:o")
    outer = stack(
        [inner, *components()],
        outer_record,
        {"allOf": [CERTIFICATE]},
        w.uni,
        trusted_issuers=w.trusted,
        status_lists=w.lists_before,
        now=NOW,
    )
    everything = [inner, *components()]
    assert edubadge.verify(outer, components=everything, status_lists=w.lists_before).verified
    result = edubadge.verify(outer, components=everything, status_lists=w.lists_after)
    assert reasons(result) == {inner["id"]: ["components", "stack-rule"]}
    nested = result.components[0].result
    assert nested is not None and reasons(nested) == {w.pool["m2-revoked"]["id"]: ["status"]}


def test_cli_stack_reads_status_lists_and_verify_names_the_revoked_component(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    w = world()
    assert main(["keygen", "--out", str(tmp_path / "k.key")]) == 0
    files = []
    for n, component in enumerate(components()):
        files.append(tmp_path / f"c{n}.json")
        files[-1].write_text(json.dumps(component))
    rule = tmp_path / "rule.json"
    rule.write_text(json.dumps(RULE))
    achievement = tmp_path / "achievement.json"
    request = description("Certificate", CERTIFICATE, None, id="urn:example:status:cli")
    request["issued"] = "2026-03-01T00:00:00Z"
    achievement.write_text(
        json.dumps({"issuer": {"name": "University", "country": "BE"}, **request})
    )
    before = [f"--status-list={p}" for p in sorted((w.folder or tmp_path).glob("before/*.json"))]
    after = [f"--status-list={p}" for p in sorted((w.folder or tmp_path).glob("after/*.json"))]
    assert before and after
    out = tmp_path / "stack.json"
    args = ["stack", *map(str, files), "--achievement", str(achievement), "--rule", str(rule)]
    args += ["--key", str(tmp_path / "k.key"), "--out", str(out)]
    args += [f"--trust={i}" for i in sorted(w.trusted)]
    capsys.readouterr()
    assert main(args) == 2
    assert "status: not checked at award time" in capsys.readouterr().err
    assert main([*args, *after]) == 2
    assert "status: the credential is revoked" in capsys.readouterr().err
    assert main([*args, *before]) == 0
    verify = ["verify", str(out), *(f"--component={f}" for f in files)]
    assert main([*verify, *before]) == 0
    capsys.readouterr()
    assert main([*verify, *after]) == 1
    text = capsys.readouterr().out
    revoked = w.pool["m2-revoked"]["id"]
    assert f"FAILED  {revoked}" in text and "- status: the credential is revoked" in text


def test_the_builder_reads_the_status_below_a_nested_stack_too() -> None:
    w = world()
    without_status = Issuer(w.uni.profile, w.uni.signer)  # the inner stack has no status
    record = description("Certificate", CERTIFICATE, None, id="urn:example:status:inner2")
    inner = stack(
        components(), record, RULE, without_status, trusted_issuers=w.trusted,
        status_lists=w.lists_before, now=NOW,
    )  # fmt: skip
    assert "credentialStatus" not in inner
    outer = description("Diploma", ACHIEVEMENT + "diploma", None, id="urn:example:status:o2")
    rule = {"allOf": [CERTIFICATE]}
    with pytest.raises(StackingError) as refused:
        stack([inner, *components()], outer, rule, w.uni, trusted_issuers=w.trusted, now=NOW)
    (why,) = [why for what, why in refused.value.reasons if inner["id"] in what]
    assert why.startswith(f"status: not checked at award time (below it: {components()[0]['id']})")
    assert stack(
        [inner, *components()], outer, rule, w.uni, trusted_issuers=w.trusted,
        status_lists=w.lists_before, now=NOW,
    )["relatedResource"]  # fmt: skip
