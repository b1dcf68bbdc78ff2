"""`validate()`: the official OB 3.0 JSON Schema and the model for OB 3.0, SHACL for EDC."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from edubadge import keys
from edubadge.errors import InputError
from edubadge.formats import edc
from edubadge.issuer import Issuer
from edubadge.model import Organisation, load_microcredential
from edubadge.validation import detect_format, validate

from .shared import ROOT, load, require_shared

SCHEMA = "vectors/ob3/schemas/ob_v3p0_achievementcredential_schema.json"
SHAPES = "vectors/edc/shacl/elm-3.2/EDC-generic-full.ttl"
EXAMPLE = ROOT / "examples" / "microcredential.json"


def signed_badge() -> dict[str, Any]:
    key = keys.from_seed(bytes(32))
    profile = Organisation.model_validate(
        {"id": key.controller, "name": "Example University", "country": "BE"}
    )
    record = load_microcredential(json.loads(EXAMPLE.read_text("utf-8")))
    return Issuer(profile, key).issue(record)


def schema() -> Path:
    return require_shared() / SCHEMA


def test_an_issued_badge_with_the_extension_passes_the_official_schema() -> None:
    badge = signed_badge()
    # 1EdTech's schema wants `proof` as an array (a known quirk of the official schema)
    assert [i.path for i in validate(badge, schema=schema()).issues] == ["$.proof"]
    badge["proof"] = [badge["proof"]]
    report = validate(badge, schema=schema())
    assert report.valid, report.issues
    assert report.format == "ob3" and report.checked == ("json-schema", "model")


def test_the_schema_finds_what_is_wrong_and_where() -> None:
    badge = signed_badge()
    del badge["credentialSubject"]["achievement"]["name"]
    badge["credentialSubject"]["achievement"]["type"] = "Achievement"  # the schema wants arrays
    report = validate(badge, schema=schema())
    found = {(i.source, i.path) for i in report.issues}
    assert ("json-schema", "$.credentialSubject.achievement") in found
    assert ("json-schema", "$.credentialSubject.achievement.type") in found


def test_model_constraints_apply_without_a_schema() -> None:
    badge = signed_badge()
    badge["credentialSubject"]["achievement"]["alignment"][0]["targetCode"] = "9"
    badge["credentialSubject"]["achievement"]["alignment"][0]["targetUrl"] = "https://x.example/9"
    report = validate(badge)
    assert report.checked == ("model",)
    assert [(i.source, i.path) for i in report.issues] == [("model", "eqf_level")]


def test_edcis_samples_conform_and_ebsis_vcdm2_form_is_reported() -> None:
    shapes = require_shared() / SHAPES
    for name in ("Sample-MC-Annex1-signed.jsonld", "Sample-CertOfPart-signed.jsonld"):
        report = validate(load(f"vectors/edc/examples/elm-v3/{name}"), shapes=shapes)
        assert report.valid and report.format == "edc", report.issues
    ebsi = load("vectors/edc/examples/ebsi-vcdm2/Microcredential_Data_and_software_business.json")
    report = validate(ebsi, shapes=shapes)
    # edc-ap redefines VC 2.0's protected `description`: no RDF, so no SHACL, and it says so
    assert [i.source for i in report.issues] == ["json-ld"]


def test_detect_format() -> None:
    assert detect_format(signed_badge()) == "ob3"
    assert (
        detect_format(
            {"credential": load("vectors/edc/examples/elm-v3/Sample-MC-Annex1-unsigned.jsonld")}
        )
        == "edc"
    )
    with pytest.raises(InputError):
        detect_format({"type": ["VerifiableCredential"]})


def test_a_report_is_json() -> None:
    doc = edc.to_credential(
        load_microcredential({"title": "x", "learner": {"given_name": "A"}}),
        Organisation.model_validate({"id": "https://u.example/", "name": "U", "country": "BE"}),
        micro_credential=False,
    )
    broken = copy.deepcopy(doc)
    del broken["credentialSubject"]["hasClaim"][0]["awardedBy"]
    report = validate(broken, shapes=require_shared() / SHAPES)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["valid"] is False and data["format"] == "edc"
    assert any("LearningAchievement-elm_awardedBy" in i["message"] for i in data["issues"])
