"""The demo's last step: verify every artifact and compare with what the manifest claims."""

from __future__ import annotations

import json
from typing import Any

from ..batch import SqliteStore
from ..presentations import verify_presentation
from ..stacking import select_components
from ..verifier import VerificationResult, verify
from .core import DemoRun


def verdict(result: VerificationResult) -> str:
    """The manifest's word for a verification result: revoked/suspended come from `status`."""
    kinds = {p.kind for c in result.checks if c.id == "status" for p in c.problems}
    if "REVOKED" in kinds:
        return "revoked"
    if "SUSPENDED" in kinds:
        return "suspended"
    return "verified" if result.verified else "invalid"


def _verify(run: DemoRun, entry: dict[str, Any], lists: dict[str, Any]) -> VerificationResult:
    path = run.directory / entry["file"]
    if entry["role"] == "batch-store":  # verified when every credential in it is
        results = [
            verify(credential, loader=run.loader, status_lists=lists)
            for _, credential in SqliteStore(path).items()
        ] or [verify({}, loader=run.loader)]  # an empty store verifies nothing
        failed = [r for r in results if not r.verified]
        return failed[0] if failed else results[0]
    if entry["role"] == "presentation":
        challenge, domain = run.challenges[entry["file"]]
        return verify_presentation(
            path, challenge=challenge, domain=domain, loader=run.loader, status_lists=lists
        )
    components = None
    if entry["role"] == "stack":
        # a holder's wallet: the credentials among the artifacts that the stack pins
        held = [
            run.read(e["file"])
            for e in run.manifest
            if e["role"] == "credential" and e["file"].endswith(".json")
        ]
        components = select_components(run.read(entry["file"]), held)
    return verify(
        path,
        loader=run.loader,
        components=components,
        trust_anchors=run.trust_anchors,
        status_lists=lists,
    )


def published_lists(run: DemoRun) -> dict[str, Any]:
    """The status list credentials the demo published, by URL."""
    lists = {}
    for entry in run.manifest:
        if entry["role"] == "status-list":
            document = json.loads((run.directory / entry["file"]).read_text("utf-8"))
            lists[document["id"]] = document
    return lists


def verify_all(run: DemoRun) -> None:
    """Verify every artifact offline; mark each entry `checked` when it got its verdict."""
    run.heading("Verify every artifact, offline (status against the published lists)")
    lists = published_lists(run)
    for entry in run.manifest:
        if entry["role"] == "public-key":
            entry["checked"] = True
            continue
        result = _verify(run, entry, lists)
        got = verdict(result)
        entry["checked"] = got == entry["expect"]
        reason = f"  ({result.problems[0].detail})" if result.problems else ""
        mark = "as expected" if entry["checked"] else f"MISMATCH: expected {entry['expect']}"
        run.say(f"   {entry['file']}: {got.upper()} {mark}{reason}")
