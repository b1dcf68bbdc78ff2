"""Demo steps: ECDSA issuing, selective disclosure, and a holder's signed presentation."""

from __future__ import annotations

import secrets

from .. import keys
from ..issuer import Issuer
from ..model import Organisation
from ..presentations import present, verify_presentation
from ..proofs.data_integrity import derive
from .core import DemoRun
from .data import LEARNERS, course_record

PARTNER = {
    "name": "Example University of Applied Sciences",
    "country": "NL",
    "url": "https://www.example-uas.eu/",
}
VERIFIER_DOMAIN = "https://jobs.example-employer.eu"
REVEALED = (
    "/credentialSubject/achievement/name",
    "/credentialSubject/achievement/creditsAvailable",
)


def issue_ecdsa_credentials(run: DemoRun) -> None:
    """A P-256 issuer: one ecdsa-rdfc-2019 credential, one ecdsa-sd-2023 base and disclosure."""
    run.heading("A second institution signs with ECDSA P-256; its learner holds a did:key")
    key = keys.generate("P-256")
    profile = Organisation.model_validate({"id": key.controller, **PARTNER})
    run.issuers["partner"] = Issuer(profile, key, suite="ecdsa-sd-2023")
    holder = run.holder("lotte")
    learner = {**LEARNERS[0], "id": holder}
    for name, document in (
        ("partner-did.json", keys.resolve_did_key(key.controller)),
        ("holder-did.json", keys.resolve_did_key(holder)),
    ):
        run.write(name, document, role="public-key", format="did", suite=None, expect="verified")
    run.say(f"   issuer {key.controller[:24]}..., holder {holder[:24]}...")

    rdfc = Issuer(profile, key, suite="ecdsa-rdfc-2019").issue(course_record(learner))
    run.write(
        "credential-4-ecdsa-rdfc-2019.json",
        rdfc,
        role="credential",
        format="ob3",
        suite="ecdsa-rdfc-2019",
        expect="verified",
    )
    run.say("   credential-4-ecdsa-rdfc-2019.json: the course, signed with ECDSA P-256")

    base = Issuer(profile, key, suite="ecdsa-sd-2023").issue(course_record(learner))
    run.write(
        "credential-5-ecdsa-sd-2023-base.json",
        base,
        role="credential",
        format="ob3",
        suite="ecdsa-sd-2023",
        expect="invalid",
    )
    run.say(
        "   credential-5-ecdsa-sd-2023-base.json: selective disclosure base proof, for the holder "
        "only (verifiers refuse base proofs)"
    )
    disclosed = derive(base, list(REVEALED), loader=run.loader)
    run.write(
        "credential-5-ecdsa-sd-2023-derived.json",
        disclosed,
        role="credential",
        format="ob3",
        suite="ecdsa-sd-2023",
        expect="verified",
    )
    run.say(
        "   credential-5-ecdsa-sd-2023-derived.json: the holder reveals the course name and "
        "credits (plus issuer and dates, which the issuer made mandatory), nothing else"
    )


def present_credentials(run: DemoRun) -> None:
    """The holder presents two credentials to an employer, bound to its challenge and domain."""
    run.heading("The learner presents two credentials to an employer (challenge and domain)")
    challenge = secrets.token_urlsafe(16)
    credentials = [
        run.read("credential-4-ecdsa-rdfc-2019.json"),
        run.read("credential-5-ecdsa-sd-2023-derived.json"),
    ]
    presentation = present(
        credentials,
        run.holders["lotte"],
        challenge=challenge,
        domain=VERIFIER_DOMAIN,
        loader=run.loader,
    )
    name = "presentation-1.json"
    run.challenges[name] = (challenge, VERIFIER_DOMAIN)
    run.write(
        name,
        presentation,
        role="presentation",
        format="ob3",
        suite="eddsa-rdfc-2022",
        expect="verified",
    )
    run.say(f"   {name}: challenge {challenge!r}, domain {VERIFIER_DOMAIN}")
    replay = verify_presentation(
        presentation, challenge=secrets.token_urlsafe(16), domain=VERIFIER_DOMAIN, loader=run.loader
    )
    refused = [p.detail for p in replay.check("challenge").problems]
    run.say(f"   replayed to another challenge: {'refused' if refused else 'ACCEPTED'}")
