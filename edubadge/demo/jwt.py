"""Demo step: the same micro-credential secured as an OB 3.0 VC-JWT (RS256)."""

from __future__ import annotations

import base64
import json

from .. import keys
from ..envelopes import jose
from ..issuer import Issuer
from ..keys.did_jwk import resolve_did_jwk
from ..model import Organisation
from .core import DemoRun
from .data import LEARNERS, UNIVERSITY, course_record


def issue_jwt(run: DemoRun) -> None:
    """An RSA key (did:jwk) issues Lotte's micro-credential as a compact JWS; one forged copy."""
    run.heading("Issue the same micro-credential as an OB 3.0 VC-JWT (RS256, did:jwk key)")
    key = keys.generate("RSA")
    profile = Organisation.model_validate({"id": key.controller, **UNIVERSITY})
    credential = Issuer(profile, key).credential(course_record(LEARNERS[0]))
    token = jose.sign(credential, key, profile="ob3")
    run.write(
        "issuer-rsa-did.json",
        resolve_did_jwk(key.controller),
        role="public-key",
        format="did",
        suite=None,
        expect="verified",
    )
    run.write(
        "credential-1-ob3.jwt",
        token,
        role="credential",
        format="jwt",
        suite="RS256",
        expect="verified",
    )
    head, _, signature = token.split(".")
    forged = jose.parse(token).payload | {"name": "Data Analysis with Python (honours)"}
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    run.write(
        "credential-1-ob3-tampered.jwt",
        f"{head}.{forged_payload}.{signature}",
        role="credential",
        format="jwt",
        suite="RS256",
        expect="invalid",
    )
    run.say(f"   credential-1-ob3.jwt: {len(token)} characters, alg RS256, kid {key.id[:32]}...")
    run.say("   credential-1-ob3-tampered.jwt: the payload changed, the signature kept")
