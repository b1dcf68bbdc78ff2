"""Europass EDC: model -> EDC -> model, EDCI's and EBSI's samples in, SHACL conformance."""

from __future__ import annotations

import base64
import copy
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from edubadge.errors import InvalidFieldsError, NotAMicroCredentialError
from edubadge.formats import edc, ob3
from edubadge.model import MicroCredential, Organisation, load_microcredential
from edubadge.model.vocab import (
    ASSESSMENT_TYPES,
    EQF,
    LEARNING_SETTINGS,
    MODES,
    SUPERVISION,
    eqf_level,
)
from edubadge.validation import validate

from .shared import load, require_shared
from .strategies import microcredential_data, organisation_data

EXAMPLES = "vectors/edc/examples"
SHAPES = "vectors/edc/shacl/elm-3.2/EDC-generic-full.ttl"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "microcredential.json"
ISSUER = Organisation.model_validate(
    {"id": "did:web:uni.example.be", "name": "Example University", "country": "BE"}
)
QA_BODY = {"id": "https://www.nvao.net/", "name": "NVAO", "country": "NL"}


def example() -> MicroCredential:
    data = json.loads(EXAMPLE.read_text("utf-8"))
    data["quality_assurance"][0]["body"] = QA_BODY
    return load_microcredential(data)


def shapes() -> Path:
    return require_shared() / SHAPES


def edc_ready(data: dict[str, Any]) -> dict[str, Any]:
    """What EDC needs beyond the model: every organisation's country, a QA body."""
    data = copy.deepcopy(data)
    learner = data["learner"]
    for name in ("given_name", "family_name", "full_name"):
        if isinstance(learner.get(name), dict):  # EDC: a name in one language
            learner[name] = dict([next(iter(learner[name].items()))])
    for n, org in enumerate(data.get("awarding_bodies", [])):
        org.setdefault("country", "BE")
        org["id"] = f"https://awarding-{n}.example.eu/"  # one id, one description
    for n, qa in enumerate(data.get("quality_assurance", [])):
        qa["body"] = {**QA_BODY, **qa.get("body", {}), "id": f"https://qa-{n}.example.eu/"}
        qa["body"].setdefault("country", "NL")
    return data


edc_microcredentials = (
    microcredential_data(with_ids=True).map(edc_ready).map(MicroCredential.model_validate)
)


# --- model -> EDC -> model ------------------------------------------------------------------


def test_the_example_round_trips_and_conforms_to_the_edc_shapes() -> None:
    mc = example()
    doc = edc.to_credential(mc, ISSUER)
    assert edc.from_credential(json.loads(json.dumps(doc))) == mc
    report = validate(doc, shapes=shapes())
    assert report.valid, report.issues
    assert report.checked == ("json-ld", "shacl", "model")
    assert doc["@context"] == list(edc.CONTEXT)
    assert doc["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    spec = doc["credentialSubject"]["hasClaim"][0]["specifiedBy"]
    assert spec["type"] == "Qualification"
    assert spec["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/6"
    assert spec["eqfLevel"]["inScheme"]["id"] == EQF.scheme
    assert edc.is_micro_credential(doc)


@settings(max_examples=40)
@given(edc_microcredentials, organisation_data())
def test_model_to_edc_to_model_is_lossless(mc: MicroCredential, issuer_data: Any) -> None:
    issuer = Organisation.model_validate(issuer_data)
    doc = edc.to_credential(mc, issuer)
    assert edc.from_credential(json.loads(json.dumps(doc))) == mc
    assert edc.organisation_from_agent(doc["issuer"]) == issuer


# pyshacl over one generated EDC takes ~0.2 s plus ~1 s to render its images; 15 examples
# keep this under ~30 s on the 2-core machine.
@settings(max_examples=15)
@given(edc_microcredentials, organisation_data(), st.booleans())
def test_generated_edcs_conform_to_edc_generic_full(
    mc: MicroCredential, issuer_data: Any, marked: bool
) -> None:
    issuer = Organisation.model_validate(issuer_data)
    doc = edc.to_credential(mc, issuer, micro_credential=marked)
    report = validate(doc, shapes=shapes())
    assert report.valid, [vars(i) for i in report.issues]
    assert edc.is_micro_credential(doc) is marked


@settings(max_examples=25)
@given(edc_microcredentials, organisation_data())
def test_ob3_to_model_to_edc_loses_nothing(mc: MicroCredential, issuer_data: Any) -> None:
    issuer = Organisation.model_validate(issuer_data)
    badge = ob3.to_credential(mc, issuer, identity="plain")
    read = ob3.from_credential(json.loads(json.dumps(badge)))
    assert read == mc
    assert edc.from_credential(edc.to_credential(read, issuer)) == mc


def _strip(node: Any, key: str) -> None:
    if isinstance(node, dict):
        node.pop(key, None)
        for value in node.values():
            _strip(value, key)
    elif isinstance(node, list):
        for value in node:
            _strip(value, key)


@pytest.mark.parametrize(
    ("key", "shape"),
    [
        ("awardingBody", "AwardingProcess-elm_awardingBody"),
        ("legalName", "Organisation-rov_legalName"),
        ("displayParameter", "EuropeanDigitalCredential-elm_displayParameter"),
    ],
)
def test_shacl_catches_a_broken_edc(key: str, shape: str) -> None:
    doc = edc.to_credential(example(), ISSUER)
    _strip(doc, key)
    report = validate(doc, shapes=shapes())
    assert not report.valid
    assert any(shape in i.message and i.source == "shacl" for i in report.issues), report.issues


def test_the_shapes_find_their_imports_and_a_given_context_is_used() -> None:
    doc = edc.to_credential(example(), ISSUER)
    context = require_shared() / "contexts/edc/edc-ap-context.elm-3.2.jsonld"
    assert validate(doc, shapes=[shapes()], context=context).valid
    # a context that maps awardingBody elsewhere leaves the awarding process without a body
    broken = json.loads(context.read_text("utf-8"))
    broken["@context"]["awardingBody"] = {"@id": "https://example.org/elsewhere", "@type": "@id"}
    report = validate(doc, shapes=[shapes()], context=broken)
    assert any("awardingBody" in i.message for i in report.issues)


# --- what EDC needs -----------------------------------------------------------------------


def test_display_parameters_carry_a_rendered_image_per_language() -> None:
    mc = example()
    doc = edc.to_credential(mc, ISSUER)
    display = doc["displayParameter"]
    assert display["primaryLanguage"]["id"].endswith("/language/ENG")
    assert [d["language"]["id"][-3:] for d in display["individualDisplay"]] == ["ENG", "NLD"]
    for individual in display["individualDisplay"]:
        image = individual["displayDetail"][0]["image"]
        assert image["contentType"]["id"].endswith("/file-type/PNG")
        picture = Image.open(io.BytesIO(base64.b64decode(image["content"])))
        assert picture.format == "PNG" and picture.size == (1200, 850)
    english, dutch = (
        d["displayDetail"][0]["image"]["content"] for d in display["individualDisplay"]
    )
    assert english != dutch  # each shows its own language
    assert edc.to_credential(mc, ISSUER)["displayParameter"] == display  # deterministic


def test_what_edc_cannot_do_without_is_named() -> None:
    mc = example()
    no_country = ISSUER.model_copy(update={"country": None})
    with pytest.raises(NotAMicroCredentialError):
        edc.to_credential(mc, no_country)
    with pytest.raises(InvalidFieldsError) as raised:
        edc.to_credential(mc, no_country, micro_credential=False)
    assert raised.value.fields[0][0] == "issuer"
    qa = mc.quality_assurance[0].model_copy(update={"body": None})
    with pytest.raises(InvalidFieldsError) as raised:
        edc.to_credential(mc.model_copy(update={"quality_assurance": (qa,)}), ISSUER)
    assert raised.value.fields[0][0] == "quality_assurance[0].body"
    with pytest.raises(InvalidFieldsError) as raised:
        edc.to_credential(
            mc.model_copy(update={"supervision": SUPERVISION["supervised"], "grade": None}), ISSUER
        )
    assert raised.value.fields[0][0] == "supervision"
    other = ISSUER.model_copy(update={"country": "NL"})
    with pytest.raises(InvalidFieldsError) as raised:
        edc.to_credential(mc.model_copy(update={"awarding_bodies": (other,)}), ISSUER)
    assert "described twice" in raised.value.fields[0][1]


def test_a_short_course_is_refused_the_marking_but_issues_as_a_plain_edc() -> None:
    mc = load_microcredential({"title": "Git basics", "learner": {"given_name": "Lotte"}})
    with pytest.raises(NotAMicroCredentialError) as raised:
        edc.to_credential(mc, ISSUER)
    assert "learning outcomes" in raised.value.missing
    doc = edc.to_credential(mc, ISSUER, micro_credential=False)
    assert not edc.is_micro_credential(doc)
    assert validate(doc, shapes=shapes()).valid


# --- EDCI's and EBSI's samples ----------------------------------------------------------------

MC_SAMPLES = [
    "elm-v3/Sample-MC-Annex1-unsigned.jsonld",
    "elm-v3/Sample-MC-Annex1-unsigned-uploadable.json",
    "elm-v3/Sample-MC-Annex1-signed.jsonld",
]


@pytest.mark.parametrize("name", MC_SAMPLES)
def test_edcis_annex1_sample_reads_with_every_element(name: str) -> None:
    mc = edc.from_credential(load(f"{EXAMPLES}/{name}"))
    learner = mc.learner
    assert learner is not None
    assert (learner.given_name, learner.family_name) == ({"en": "Ana"}, {"en": "Andromeda"})
    assert learner.full_name is None  # "Ana Andromeda" is given + family name
    assert learner.date_of_birth == date(1999, 10, 1)
    assert learner.email is not None and learner.email.startswith("ana.andromeda")
    national = learner.identifiers[0]
    assert (national.value, national.scheme, national.country) == (
        "LA-234218",
        "nationalIdentityNumber",
        "IT",
    )
    assert mc.title == {"en": "Digital micro-credential creation"}
    body = mc.effective_awarding_bodies(edc.organisation_from_agent(_issuer(name)))[0]
    assert (body.name, body.country, body.url) == (
        {"en": "University of Zed"},
        "IE",
        "https://uniz.edu",
    )
    outcomes = mc.learning_outcomes
    assert [o.text for o in outcomes] == [
        {"en": "Communication, collaboration and creativity"},
        {"en": "Developing digital content", "es": "Contento digital"},
    ]
    assert len(outcomes[0].esco_skills) == 3
    assert outcomes[0].esco_skills[0].label == {"en": "stimulate creativity in the team"}
    assert outcomes[1].reusability_level is not None
    assert outcomes[1].reusability_level.iri.endswith("/cross-sector")
    assert [s.iri[-10:] for s in outcomes[1].related_skills] == ["u69o196gu6", "3ol5wi3605"]
    assert mc.ects == Decimal(2) and mc.volume_of_learning == timedelta(hours=60)
    assert mc.eqf_level == eqf_level(6)
    assert [(c.iri[-10:], c.label) for c in mc.nqf_levels] == [("c_c392e7a2", "RQF Level 6")]
    assert [c.iri.rsplit("/", 1)[1] for c in mc.isced_fields] == ["003", "0688"]
    # EDCI's local concept "artefact assessment" is the EU concept of that name
    assert mc.assessment_types == (ASSESSMENT_TYPES["artefact assessment"],)
    assert mc.participation_modes == (MODES["blended"],)
    assert mc.learning_setting == LEARNING_SETTINGS["non-formal"]
    assert mc.supervision == SUPERVISION["unsupervised"]
    assert mc.grade is not None and mc.grade.value == {"en": "Pass"}
    assert mc.grade.scheme is not None and mc.grade.scheme.title == {"en": "Standard grading"}
    assert mc.prerequisites is not None and "EU Login" in mc.prerequisites["en"]
    assert mc.partial_qualification is False and mc.languages == ("en",)
    # sealing adds "issued"; unsealed, the date of issuing is validFrom
    issued = "2023-09-27T11:54:17" if name.endswith("-signed.jsonld") else "2022-12-31T23:00:00"
    assert mc.issued is not None and mc.issued.isoformat() == issued + "+00:00"
    # the sample names no quality assurance, so it is not an EU micro-credential as it stands
    assert mc.missing_mandatory(edc.organisation_from_agent(_issuer(name))) == ["quality assurance"]


def _issuer(name: str) -> Any:
    return edc.unwrap(load(f"{EXAMPLES}/{name}"))["issuer"]


@pytest.mark.parametrize(
    "name",
    [
        "elm-v3/Sample-CertOfPart-unsigned.jsonld",
        "elm-v3/Sample-CertOfPart-unsigned-uploadable.json",
        "elm-v3/Sample-CertOfPart-signed.jsonld",
    ],
)
def test_edcis_certificate_of_participation_reads(name: str) -> None:
    mc = edc.from_credential(load(f"{EXAMPLES}/{name}"))
    assert mc.title == {"en": "EDC Updates Webinar"}
    assert mc.description is not None and mc.description["en"].startswith("The newest version")
    # the activity's workload (PT2H), not its specification's "P2M" (two months)
    assert mc.volume_of_learning == timedelta(hours=2)
    assert mc.participation_modes == (MODES["online"],)
    assert [(i.value, i.scheme) for i in mc.learner.identifiers if i.scheme == "Student ID"]  # type: ignore[union-attr]
    urls = [str(d.url) for d in mc.supplementary_documents]
    assert "https://op.europa.eu/en/web/eu-vocabularies/europass" in urls and len(urls) == 3


EBSI = sorted(
    p.name for p in (Path(__file__).parents[2] / "shared" / EXAMPLES / "ebsi-vcdm2").glob("*.json")
)


@pytest.mark.parametrize("name", EBSI or ["(no shared data)"])
def test_every_ebsi_example_reads_in(name: str) -> None:
    doc = load(f"{EXAMPLES}/ebsi-vcdm2/{name}")
    mc = edc.from_credential(doc)
    claim = doc["credentialSubject"]["hasClaim"]
    claim = claim[0] if isinstance(claim, list) else claim
    title = claim["title"]["en"]
    assert mc.title is not None
    assert mc.title["en"] == " ".join(
        " ".join(title if isinstance(title, list) else [title]).split()
    )
    assert mc.learner is not None


def test_the_ebsi_micro_credential_reads_with_every_element() -> None:
    mc = edc.from_credential(
        load(f"{EXAMPLES}/ebsi-vcdm2/Microcredential_Data_and_software_business.json")
    )
    assert mc.title == {"en": "Data and software business"}
    assert mc.learner is not None and mc.learner.id == "did:key:afsdlkj34134"
    assert mc.learner.identifiers[0].scheme == "Student ID"
    assert mc.awarding_bodies[0].country == "BE" and mc.awarded == date(2020, 7, 20)
    assert mc.ects == Decimal(5) and len(mc.learning_outcomes) == 3
    assert mc.learning_outcome_summary is not None
    assert mc.grade is not None and mc.grade.value == {"en": "Excellent (5)"}
    assert mc.grade.scheme is not None
    assert mc.learning_setting == LEARNING_SETTINGS["formal"]


@pytest.mark.parametrize("name", [n for n in MC_SAMPLES if "uploadable" not in n])
def test_edcis_samples_carry_their_elements_into_a_new_edc_that_conforms(name: str) -> None:
    source = edc.unwrap(load(f"{EXAMPLES}/{name}"))
    mc = edc.from_credential(source)
    issuer = edc.organisation_from_agent(source["issuer"])
    again = edc.to_credential(mc, issuer, micro_credential=False)
    back = edc.from_credential(again)
    assert back.achievement_id is not None  # EDCI's local id gave way to a stable one
    assert back.model_copy(update={"achievement_id": None}) == mc
    assert validate(again, shapes=shapes()).valid


def test_an_awarding_body_given_by_its_iri_is_read_or_named() -> None:
    """ELM may reference an organisation by its IRI: the issuer's reads as the issuer (the
    model's default awarding body); an IRI described nowhere is a typed error naming it."""
    doc = edc.to_credential(example(), ISSUER)
    doc["issuer"] = {**doc["issuer"], "id": ISSUER.id}
    awarding = doc["credentialSubject"]["hasClaim"][0]["awardedBy"]
    awarding["awardingBody"] = [ISSUER.id]
    assert edc.from_credential(doc).awarding_bodies == ()
    awarding["awardingBody"] = ["https://elsewhere.example.eu/"]
    with pytest.raises(InvalidFieldsError, match="awarding_bodies"):
        edc.from_credential(doc)
