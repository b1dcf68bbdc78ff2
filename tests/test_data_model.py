"""The W3C VC 2.0 data-model fixtures: every *-ok accepted, every *-fail refused."""

from __future__ import annotations

from pathlib import Path

import pytest

import edubadge
from edubadge import keys
from edubadge.datamodel import context_problems, credential_problems
from edubadge.errors import EdubadgeError

from .shared import example_contexts, load, shared_dir

FOLDER = "vectors/w3c/vc-data-model-2.0/input/"
ISSUER = keys.from_seed(bytes(range(32)))


def _credential_fixtures() -> list[str]:
    folder = shared_dir() / FOLDER
    if not folder.is_dir():
        return ["(shared missing)"]
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*.json")
        if p.name.startswith(("credential-", "issuer-"))
    )


def _refusals(document: dict[str, object]) -> list[str]:
    """Why edubadge would refuse to issue this credential (empty: it would issue it)."""
    reasons = [f"{p} {m}" for p, m in context_problems(document) + credential_problems(document)]
    loader = edubadge.DocumentLoader(
        example_contexts("https://www.w3.org/ns/credentials/examples/v2")
    )
    try:
        edubadge.sign(document, ISSUER, suite="eddsa-rdfc-2022", loader=loader)
    except EdubadgeError as error:
        reasons.append(str(error))
    return reasons


def _fill_template(document: object, name: str) -> object:
    """What the W3C test suite does before sending a fixture to an issuer."""
    if not isinstance(document, dict):
        return document
    if "issuer" not in document and "no-issuer" not in name:
        document["issuer"] = ISSUER.controller
    elif isinstance(document.get("issuer"), dict) and "id" not in document["issuer"]:
        document["issuer"]["id"] = ISSUER.controller
    dates = {"PAST DATE": "2020-01-01T00:00:00Z", "FUTURE DATE": "2030-01-01T00:00:00Z"}
    for key in ("validFrom", "validUntil"):
        if document.get(key) in dates:
            document[key] = dates[document[key]]
    return document


@pytest.mark.parametrize("name", _credential_fixtures())
def test_fixture_outcome(name: str) -> None:
    document = _fill_template(load(FOLDER + name), name)
    stem = Path(name).stem
    refusals = _refusals(document) if isinstance(document, dict) else ["not an object"]
    if stem.endswith("-ok"):
        assert refusals == [], refusals
    else:
        assert stem.endswith(("-fail", "-fail-or-inject"))
        assert refusals, f"{name} should be refused"


def test_problems_name_the_path() -> None:
    problems = credential_problems(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "validFrom": "yesterday",
            "credentialSubject": {},
        }
    )
    paths = {p for p, _ in problems}
    assert {"$.issuer", "$.validFrom", "$.credentialSubject"} <= paths
