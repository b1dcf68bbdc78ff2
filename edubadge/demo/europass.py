"""Demo step: the same micro-credential as a Europass EDC (ELM 3.2), sealed with JAdES."""

from __future__ import annotations

import copy
import json

from cryptography.hazmat.primitives.serialization import Encoding

from ..envelopes import seal
from ..envelopes.testing import make_test_material
from ..formats import edc
from .core import DemoRun
from .data import LEARNERS, course_record


def issue_edc(run: DemoRun) -> None:
    """The first learner's micro-credential as a European Digital Credential, sealed with a
    test eSeal (its root CA is the demo's trust anchor), and a copy changed after sealing."""
    run.heading("The same micro-credential as a Europass EDC (ELM 3.2), sealed with JAdES")
    profile = run.issuers["university"].profile
    document = edc.to_credential(course_record(LEARNERS[0]), profile)
    country = profile.country or "BE"
    material, root = make_test_material(
        "RS256", organisation=profile.name.best("en"), country=country
    )
    run.trust_anchors.append(root)
    # the eSeal's root CA: what a verifier of the EDC is given as its trust anchor
    run.write(
        "eseal-root-ca.pem",
        root.public_bytes(Encoding.PEM).decode("ascii").strip(),
        role="public-key",
        format="x509",
        suite=None,
        expect="verified",
    )
    sealed = seal(document, material)
    run.write(
        "credential-1-edc.json",
        sealed,
        role="credential",
        format="edc",
        suite="RS256",
        expect="verified",
    )
    languages = len(document["displayParameter"]["individualDisplay"])
    run.say(f"   credential-1-edc.json: EDC with {languages} rendered displays, JAdES RS256 seal")
    forged = copy.deepcopy(sealed)
    payload = json.loads(forged["payload"])
    payload["credentialSubject"]["hasClaim"][0]["specifiedBy"]["eqfLevel"]["id"] = (
        "http://data.europa.eu/snb/eqf/7"
    )
    forged["payload"] = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    run.write(
        "credential-1-edc-tampered.json",
        forged,
        role="credential",
        format="edc",
        suite="RS256",
        expect="invalid",
    )
    run.say("   credential-1-edc-tampered.json: EQF 6 -> 7 after sealing")
