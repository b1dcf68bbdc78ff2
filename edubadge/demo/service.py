"""Demo step: what an LMS does over HTTP, through the service's own request handling.

`edubadge serve` binds `edubadge.server.service.Service` to the VC-API routes; the demo
drives the same object (no HTTP server needed, nor the server extra): an LMS authenticated
with an API key issues from a micro-credential description and revokes one credential, and
the service serves the status list at the URL the credentials point to.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from .. import keys
from ..server.auth import Authenticator
from ..server.config import config_from, hash_secret, new_secret
from ..server.service import Service
from .core import DemoRun
from .data import COURSE, LEARNERS, UNIVERSITY

SERVICE_URL = "https://badges.example-university.eu"
PROFILE = "university"


def issue_over_the_vc_api(run: DemoRun) -> None:
    """Issue two credentials the way an LMS does, revoke one, serve the status list."""
    run.heading("An LMS issues over the VC-API (edubadge serve) and revokes one credential")
    with tempfile.TemporaryDirectory() as place:  # the key and the store stay out of the artifacts
        _drive(run, Path(place))


def _drive(run: DemoRun, folder: Path) -> None:
    keys.save_key(keys.generate(), folder / "issuer.key")
    api_key = new_secret()  # what the LMS holds; the configuration keeps its hash
    config = config_from(
        {
            "base_url": SERVICE_URL,
            "db": f"sqlite:///{folder / 'status.db'}",
            "profiles": [
                {
                    "name": PROFILE,
                    "key": "issuer.key",
                    "issuer": UNIVERSITY,
                    "api_key_hashes": [hash_secret(api_key)],
                }
            ],
        },
        folder=folder,
    )
    service = Service(config)
    try:
        lms = Authenticator(config).authenticate(f"Bearer {api_key}")
        issued = []
        for learner in LEARNERS[:2]:
            description = {**copy.deepcopy(COURSE), "learner": learner}
            issued.append(service.issue_micro_credential(lms, description))
        kept, revoked = issued
        service.change_status(lms, revoked["id"], "revoke", "issued to the wrong learner")
        entry = revoked["credentialStatus"]
        name = urlsplit(entry["statusListCredential"]).path.rsplit("/", 1)[1]
        served = service.status_list(PROFILE, name)
    finally:
        service.close()
    suite = service.profiles[PROFILE].issuer.suite
    run.write(
        "service-credential.json", kept, role="credential", format="ob3", suite=suite,
        expect="verified",
    )  # fmt: skip
    run.write(
        "service-credential-revoked.json", revoked, role="credential", format="ob3",
        suite=suite, expect="revoked",
    )  # fmt: skip
    run.write(
        "service-status-list.json", served.document, role="status-list", format="vc",
        suite=suite, expect="verified",
    )  # fmt: skip
    run.say("   POST /micro-credentials/issue (API key) -> service-credential.json")
    run.say("   POST /credentials/status (revoke) -> service-credential-revoked.json")
    run.say(f"   GET {entry['statusListCredential']} -> service-status-list.json")
    run.say(f"   (Cache-Control: public, max-age={(served.ttl_ms or 0) // 1000})")
