"""Demo steps: modules from two issuers stacked into a certificate, verified as a whole, and
failing, with the reason, when a module is edited, untrusted, left out or revoked."""

from __future__ import annotations

import copy
import json
from typing import Any

from .. import keys
from ..cli.verify import describe
from ..issuer import Issuer
from ..model import Organisation, load_microcredential
from ..stacking import StackRule, stack, unbundle
from ..verifier import verify
from .core import DemoRun
from .data import CERTIFICATE, COLLEGE, LEARNERS, MODULES, STACK_RULE, module_record
from .status import republish

COMPONENT_FILES = (
    "module-1-python.json",
    "module-2-statistics.json",
    "module-3-visualisation.json",
)


def indent(text: str) -> str:
    """A verification report, indented under a demo step."""
    return "\n".join("   " + line for line in text.rstrip().splitlines())


def issue_modules(run: DemoRun) -> None:
    """Two modules unbundled from the university's certificate, one from a second college."""
    run.heading("Two issuers award three modules to Lotte (her wallet holds a did:key)")
    college_key = keys.generate()
    college = Organisation.model_validate({"id": college_key.controller, **COLLEGE})
    run.issuers["college"] = Issuer(college, college_key)
    lotte = run.holder("lotte")
    learner = {**LEARNERS[0], "id": lotte}
    university = run.issuers["university"]
    programme = CERTIFICATE["achievement_id"]
    modules = unbundle(
        [module_record(m, learner) for m in MODULES[:2]], university, part_of=programme
    )
    modules.append(run.issuers["college"].issue(module_record(MODULES[2], learner)))
    for name, module, spec in zip(COMPONENT_FILES, modules, MODULES, strict=True):
        run.write(
            name,
            module,
            role="credential",
            format="ob3",
            suite="eddsa-rdfc-2022",
            expect="verified",
        )
        issuer = module["issuer"]["name"]
        part = " (part of the certificate)" if spec.get("unbundled") else ""
        status = " (with revocation status)" if "credentialStatus" in module else ""
        run.say(f"   {name}: {spec['title']}, {spec['ects']} ECTS, by {issuer}{part}{status}")
    run.say(f"   learner: {learner['given_name']} {learner['family_name']}, {lotte}")


def stack_certificate(run: DemoRun) -> None:
    """The university stacks the three modules into a certificate; it verifies as a whole."""
    run.heading("The university stacks the three modules into a certificate")
    rule = StackRule.from_json(STACK_RULE)
    (run.directory / "stack-rule.json").write_text(
        json.dumps(rule.to_json(), indent=2) + "\n", "utf-8"
    )
    university, college = run.issuers["university"], run.issuers["college"]
    trusted = {university.profile.id, college.profile.id}
    components = [run.read(name) for name in COMPONENT_FILES]
    run.snapshots["award"] = republish(run)  # each module's status is read at award time
    certificate = stack(
        components,
        load_microcredential(copy.deepcopy(CERTIFICATE)),
        rule,
        university,
        trusted_issuers=trusted,
        status_lists=run.snapshots["award"],
    )
    run.write(
        "certificate.json",
        certificate,
        role="stack",
        format="ob3",
        suite="eddsa-rdfc-2022",
        expect="verified",
    )
    run.say("   rule (stack-rule.json): both university modules, 1 of the electives, >= 15 ECTS,")
    run.say("   same learner, each valid and not revoked at award (the university's lists,")
    run.say("   republished now, are read); components pinned by SHA2-384 digest:")
    for pinned in certificate["relatedResource"]:
        run.say(f"     {pinned['id']}  {pinned['digestMultibase'][:24]}...")
    result = verify(
        certificate,
        components=components,
        trusted_issuers=trusted,
        loader=run.loader,
        status_lists=run.snapshots["award"],
    )
    run.say(indent(describe(result)))


def _failing(
    run: DemoRun, title: str, components: list[Any], trusted: set[str], lists: dict[str, Any]
) -> None:
    run.say(f"   {title}")
    result = verify(
        run.read("certificate.json"),
        components=components,
        trusted_issuers=trusted,
        loader=run.loader,
        status_lists=lists,
    )
    for component in result.components:
        for reason, detail in component.failures.items():
            run.say(f"     component {component.name or component.id}: {reason}: {detail}")
    for clause in result.rule:
        if not clause.passed:
            run.say(f"     rule clause {clause.name} fails: {clause.detail}")
    run.say(f"     -> {'VERIFIED' if result.verified else 'NOT VERIFIED'}")


def break_the_stack(run: DemoRun) -> None:
    """The same certificate fails, with the reason, when a component no longer holds."""
    run.heading("The certificate fails as a whole when one component does not hold")
    university, college = run.issuers["university"], run.issuers["college"]
    components = [run.read(name) for name in COMPONENT_FILES]
    tampered = copy.deepcopy(components[2])
    tampered["credentialSubject"]["creditsEarned"] = 10.0
    run.write(
        "module-3-tampered.json",
        tampered,
        role="credential",
        format="ob3",
        suite="eddsa-rdfc-2022",
        expect="invalid",
    )
    trusted = {university.profile.id, college.profile.id}
    lists = run.snapshots["award"]
    _failing(
        run,
        "a. Lotte edits her college module (5 -> 10 ECTS) and presents it:",
        [*components[:2], tampered],
        trusted,
        lists,
    )
    _failing(
        run,
        "b. a verifier that trusts only the university:",
        components,
        {university.profile.id},
        lists,
    )
    _failing(run, "c. Lotte leaves out one module:", components[:2], trusted, lists)


def revoke_a_module(run: DemoRun) -> None:
    """The university revokes one module: the certificate that rests on it no longer holds."""
    run.heading("The university revokes a module: the certificate resting on it fails")
    university, college = run.issuers["university"], run.issuers["college"]
    assert university.status is not None
    revoked = COMPONENT_FILES[1]
    university.status.revoke(
        run.read(revoked), actor="registrar", reason="exam result annulled on appeal"
    )
    run.expect(revoked, "revoked")
    run.expect("certificate.json", "invalid")
    now = republish(run)
    run.say(f"   {revoked}: revoked (exam result annulled on appeal); lists republished")
    components = [run.read(name) for name in COMPONENT_FILES]
    trusted = {university.profile.id, college.profile.id}
    before = verify(
        run.read("certificate.json"),
        components=components,
        trusted_issuers=trusted,
        loader=run.loader,
        status_lists=run.snapshots["award"],
    )
    word = "VERIFIED" if before.verified else "NOT VERIFIED"
    run.say(f"   certificate.json against the lists published at award: {word}")
    _failing(run, "certificate.json against the lists published now:", components, trusted, now)
