"""Demo steps: an issuer, micro-credentials, a plain badge, a forgery."""

from __future__ import annotations

import copy

from .. import keys
from ..errors import NotAMicroCredentialError
from ..issuer import Issuer
from ..model import Organisation, load_microcredential
from ..status.lists import StatusLists
from ..status.store import open_store
from .core import DemoRun
from .data import LEARNERS, SHORT_COURSE, STATUS_BASE_URL, UNIVERSITY, course_record


def create_issuer(run: DemoRun) -> None:
    """An institution with a fresh Ed25519 key (a did:key) and a SQLite status store."""
    run.heading("An issuer: Example University, with a new Ed25519 key (did:key)")
    key = keys.generate()
    profile = Organisation.model_validate({"id": key.controller, **UNIVERSITY})
    run.store = open_store(run.directory / "edubadge-status.db")
    status = StatusLists(run.store, issuer=profile.id, base_url=STATUS_BASE_URL)
    run.issuers["university"] = Issuer(profile, key, status=status)
    run.write(
        "issuer-did.json",
        keys.resolve_did_key(key.controller),
        role="public-key",
        format="did",
        suite=None,
        expect="verified",
    )
    run.say(f"   {key.controller}")
    run.say(f"   status lists in {run.directory.name}/edubadge-status.db, for {STATUS_BASE_URL}")


def issue_micro_credentials(run: DemoRun) -> None:
    """Three complete EU micro-credentials, with both EdDSA suites."""
    run.heading("Issue three EU micro-credentials (Annex I complete) as Open Badges 3.0")
    university = run.issuers["university"]
    for n, learner in enumerate(LEARNERS, start=1):
        suite = "eddsa-jcs-2022" if n == 3 else "eddsa-rdfc-2022"
        issuer = Issuer(
            university.profile, university.signer, suite=suite, status=university.status
        )
        credential = issuer.issue(course_record(learner))
        name = f"credential-{n}-{suite}.json"
        run.write(name, credential, role="credential", format="ob3", suite=suite, expect="verified")
        who = f"{learner['given_name']} {learner['family_name']}"
        run.say(f"   {name}: {who}, 5 ECTS, EQF 6 ({suite})")


def issue_plain_badge(run: DemoRun) -> None:
    """A short course is refused the micro-credential marking and issued as a badge."""
    run.heading("A short workshop lacks most Annex I elements: it is not a micro-credential")
    issuer = run.issuers["university"]
    record = load_microcredential(SHORT_COURSE)
    try:
        issuer.issue(record)
    except NotAMicroCredentialError as refused:
        run.say(f"   refused as a micro-credential; missing: {', '.join(refused.missing)}")
    badge = issuer.issue(record, micro_credential=False)
    run.write(
        "badge-plain.json",
        badge,
        role="credential",
        format="ob3",
        suite=issuer.suite,
        expect="verified",
    )
    run.say("   issued as a plain badge instead: badge-plain.json")


def forge(run: DemoRun) -> None:
    """Change a signed credential: the proof must no longer hold."""
    run.heading("Tamper with a signed credential: raise the credits from 5 to 30 ECTS")
    forged = copy.deepcopy(run.read("credential-1-eddsa-rdfc-2022.json"))
    forged["credentialSubject"]["achievement"]["creditsAvailable"] = 30.0
    run.write(
        "credential-tampered.json",
        forged,
        role="credential",
        format="ob3",
        suite="eddsa-rdfc-2022",
        expect="invalid",
    )
    run.say("   credential-tampered.json")
