"""SURF edubadges' OB 3.0 credentials (their own extension context) read into the model."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from edubadge.formats import ob3
from edubadge.model.vocab import MODES, eqf_level

from .shared import load, shared_dir

BASE = "vectors/ob3/examples/third-party/educredentials"
NAMES = sorted(
    str(p.relative_to(shared_dir() / BASE))
    for folder in ("_data/credentials", "ref")
    for p in (shared_dir() / BASE / folder).glob("*.json")
)


def test_there_are_32_examples() -> None:
    assert len(NAMES) == 32 or not (shared_dir() / BASE).is_dir()


@pytest.mark.parametrize("name", NAMES or ["(no shared data)"])
def test_every_surf_example_reads_in(name: str) -> None:
    doc = load(f"{BASE}/{name}")
    mc = ob3.from_credential(doc)
    achievement = doc["credentialSubject"]["achievement"]
    assert mc.title is not None and achievement["name"] in mc.title.values()
    assert mc.achievement_id == achievement["id"]
    assert mc.learner is not None and mc.learner.id == doc["credentialSubject"]["id"]
    for alignment in achievement.get("alignment", []):
        if alignment.get("targetType") == "ext:EQF":
            assert mc.eqf_level == eqf_level(int(alignment["targetCode"]))
    if isinstance(achievement.get("ECTS"), int | float) and "creditsAvailable" not in achievement:
        assert mc.ects == Decimal(str(float(achievement["ECTS"])))
    if str(achievement.get("SBU", "")).isdigit():
        assert mc.volume_of_learning == timedelta(hours=int(achievement["SBU"]))
    if achievement.get("participationType") == "online":
        assert mc.participation_modes == (MODES["online"],)
    results = doc["credentialSubject"].get("result") or []
    if results and "value" in results[0]:
        assert mc.grade is not None and results[0]["value"] in mc.grade.value.values()
    if doc.get("validUntil"):
        assert mc.valid_until is not None


def test_what_is_not_read_from_surf_credentials() -> None:
    """Their assessment, supervision and QA values are free text, not EU concepts."""
    mc = ob3.from_credential(load(f"{BASE}/_data/credentials/theed_microcredential_full_ho.json"))
    assert mc.assessment_types == () and mc.supervision is None and mc.quality_assurance == ()
    assert mc.ects == Decimal(3) and mc.eqf_level == eqf_level(4)
    assert mc.grade is not None and mc.grade.scheme is not None
    assert mc.grade.scheme.title == {"en-EN": "Final Project Grade"}


def test_an_empty_description_reads_as_none() -> None:
    mc = ob3.from_credential(load(f"{BASE}/_data/credentials/theed_regular_full_mbo.json"))
    assert mc.description is None
