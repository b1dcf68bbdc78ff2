"""Demo step: revoke one credential, suspend another, publish the status lists."""

from __future__ import annotations

import json
from typing import Any

from ..issuer import Issuer
from ..status.lists import StatusLists
from .core import DemoRun
from .data import LEARNERS, STATUS_BASE_URL, course_record

LIST_FOLDER = "status"


def revoke_and_suspend(run: DemoRun) -> None:
    """Two more credentials: one revoked for good, one suspended; then publish every list."""
    run.heading("Revoke one credential, suspend another, publish the status lists")
    university = run.issuers["university"]
    assert run.store is not None and university.status is not None
    revoked = university.issue(course_record(LEARNERS[1], id=None))
    run.write(
        "credential-revoked.json",
        revoked,
        role="credential",
        format="ob3",
        suite=university.suite,
        expect="revoked",
    )
    university.status.revoke(revoked, actor="registrar", reason="plagiarism in the project")
    run.say("   credential-revoked.json: revoked (plagiarism in the project)")
    # Suspension needs its own entry: these lists carry revocation and suspension (an array
    # of two entries, which VC 2.0 allows and the OB 3.0 JSON Schema does not).
    both = StatusLists(
        run.store,
        issuer=university.profile.id,
        base_url=STATUS_BASE_URL,
        purposes=("revocation", "suspension"),
    )
    suspender = Issuer(university.profile, university.signer, suite=university.suite, status=both)
    suspended = suspender.issue(course_record(LEARNERS[2], id=None))
    run.write(
        "credential-suspended.json",
        suspended,
        role="credential",
        format="ob3",
        suite=university.suite,
        expect="suspended",
    )
    both.suspend(suspended, actor="registrar", reason="appeal pending")
    run.say("   credential-suspended.json: suspended (appeal pending)")
    published = university.publish_status(run.directory / LIST_FOLDER, actor="demo")
    for p in published:
        name = f"{LIST_FOLDER}/{p.file.name}"
        run.add(name, role="status-list", format="vc", suite=university.suite, expect="verified")
        run.say(f"   {name} -> {p.url}")
    run.say(f"   serve {LIST_FOLDER}/ at {STATUS_BASE_URL}/ (_headers and .htaccess set the ttl)")


def republish(run: DemoRun) -> dict[str, Any]:
    """Publish the university's lists again, as its cron job would; the documents by URL."""
    published = run.issuers["university"].publish_status(run.directory / LIST_FOLDER, actor="cron")
    return {p.url: json.loads(p.file.read_text("utf-8")) for p in published}
