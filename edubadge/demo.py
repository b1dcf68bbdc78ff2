"""`edubadge demo`: the main job end to end, with every artifact written and listed.

The demo writes each artifact into a folder with `manifest.json`: a list of
`{"file", "role", "format", "suite", "expect"}` entries, so any outside verifier can check
what the demo claims. It then verifies every artifact itself and reports any mismatch.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import keys
from .errors import NotAMicroCredentialError
from .issuer import Issuer
from .jsonld.loader import DocumentLoader
from .model import MicroCredential, Organisation, load_microcredential
from .verifier import VerificationResult, verify

Say = Callable[[str], None]

COURSE: dict[str, Any] = {
    "primary_language": "en",
    "title": {"en": "Data Analysis with Python", "nl": "Data-analyse met Python"},
    "description": {
        "en": "Cleaning, exploring, modelling and reporting tabular data with Python and pandas.",
        "nl": "Tabelgegevens opschonen, verkennen, modelleren en rapporteren met Python en pandas.",
    },
    "achievement_id": "https://micro.example-university.eu/achievements/data-analysis-python",
    "learning_outcomes": [
        {
            "text": "Clean, reshape and combine tabular data sets with pandas.",
            "skill_type": "skill",
        },
        {
            "text": "Explain the assumptions and limits of linear regression.",
            "skill_type": "knowledge",
        },
    ],
    "credits": [{"framework": "ECTS", "points": 5}],
    "volume_of_learning": "PT140H",
    "eqf_level": 6,
    "assessment_types": ["project work"],
    "participation_modes": ["blended"],
    "quality_assurance": [{"type": "institutional quality assurance"}],
    "issued": "2026-01-15T09:00:00Z",
    "awarded": "2026-01-10",
}
LEARNERS: tuple[dict[str, Any], ...] = (
    {"given_name": "Lotte", "family_name": "Janssens", "email": "lotte@student.example.eu"},
    {"given_name": "Mateo", "family_name": "García", "email": "mateo@student.example.eu"},
    {"given_name": "Ines", "family_name": "Kowalska", "email": "ines@student.example.eu"},
)
SHORT_COURSE: dict[str, Any] = {
    "title": "Lunchtime Workshop: Git Basics",
    "description": "A two-hour introduction to version control with git.",
    "learner": LEARNERS[0],
    "issued": "2026-02-01T12:00:00Z",
}


@dataclass
class DemoRun:
    """The demo's state: where it writes, what it has written, how it speaks."""

    directory: Path
    say: Say
    loader: DocumentLoader = field(default_factory=DocumentLoader)
    manifest: list[dict[str, Any]] = field(default_factory=list)

    def write(
        self, name: str, document: Any, *, role: str, format: str, suite: str | None, expect: str
    ) -> Path:
        """Write one artifact and list it in the manifest."""
        path = self.directory / name
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        self.manifest.append(
            {"file": name, "role": role, "format": format, "suite": suite, "expect": expect}
        )
        return path


def _record(learner: dict[str, Any], **changes: Any) -> MicroCredential:
    data = copy.deepcopy(COURSE)
    data["learner"] = learner
    data.update(changes)
    return load_microcredential(data)


def _verdict(result: VerificationResult) -> str:
    return "verified" if result.verified else "invalid"


def _issue_credentials(run: DemoRun, issuer: Issuer) -> None:
    run.say("\n2. Issue three EU micro-credentials (Annex I complete) as Open Badges 3.0")
    for n, learner in enumerate(LEARNERS, start=1):
        suite = "eddsa-jcs-2022" if n == 3 else "eddsa-rdfc-2022"
        signer = Issuer(issuer.profile, issuer.signer, suite=suite)
        credential = signer.issue(_record(learner))
        name = f"credential-{n}-{suite}.json"
        run.write(name, credential, role="credential", format="ob3", suite=suite, expect="verified")
        run.say(
            f"   {name}: {learner['given_name']} {learner['family_name']}, 5 ECTS, EQF 6 ({suite})"
        )


def _issue_plain_badge(run: DemoRun, issuer: Issuer) -> None:
    run.say("\n3. A short workshop lacks most Annex I elements: it is not a micro-credential")
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


def _tamper(run: DemoRun) -> None:
    run.say("\n4. Tamper with a signed credential: raise the credits from 5 to 30 ECTS")
    original = json.loads((run.directory / "credential-1-eddsa-rdfc-2022.json").read_text("utf-8"))
    forged = copy.deepcopy(original)
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


def _check_all(run: DemoRun) -> None:
    run.say("\n5. Verify every artifact, offline")
    for entry in run.manifest:
        if entry["role"] == "public-key":
            entry["checked"] = True
            continue
        result = verify(run.directory / entry["file"], loader=run.loader)
        got = _verdict(result)
        entry["checked"] = got == entry["expect"]
        reason = f"  ({result.problems[0].detail})" if result.problems else ""
        mark = "as expected" if entry["checked"] else f"MISMATCH: expected {entry['expect']}"
        run.say(f"   {entry['file']}: {got.upper()} {mark}{reason}")


def run_demo(directory: Path, *, say: Say = print) -> list[dict[str, Any]]:
    """Run the demo into `directory`; return the manifest (each entry with `checked`)."""
    directory.mkdir(parents=True, exist_ok=True)
    run = DemoRun(directory, say)
    say(f"edubadge demo -> {directory}/")
    say("\n1. An issuer: Example University, with a new Ed25519 key (did:key)")
    key = keys.generate()
    profile = Organisation.model_validate(
        {
            "id": key.controller,
            "name": "Example University",
            "country": "BE",
            "url": "https://www.example-university.eu/",
        }
    )
    issuer = Issuer(profile, key)
    run.write(
        "issuer-did.json",
        keys.resolve_did_key(key.controller),
        role="public-key",
        format="did",
        suite=None,
        expect="verified",
    )
    say(f"   {key.controller}")
    _issue_credentials(run, issuer)
    _issue_plain_badge(run, issuer)
    _tamper(run)
    _check_all(run)
    manifest = [{k: v for k, v in e.items() if k != "checked"} for e in run.manifest]
    (directory / "manifest.json").write_text(
        json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
    )
    failed = [e for e in run.manifest if not e["checked"]]
    say(
        f"\n{len(run.manifest)} artifacts written with manifest.json; "
        + ("all as expected." if not failed else f"{len(failed)} NOT as expected.")
    )
    return run.manifest
