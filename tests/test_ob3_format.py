"""Micro-credential <-> Open Badges 3.0 AchievementCredential."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from edubadge.errors import InvalidFieldsError, NotAMicroCredentialError, UnsafeTermError
from edubadge.formats.extension import CONTEXT_URL as EXTENSION_CONTEXT
from edubadge.formats.ob3 import (
    CONTEXT,
    check_identity,
    from_credential,
    identity_hash,
    organisation_from_profile,
    to_credential,
)
from edubadge.jsonld import DocumentLoader, expand
from edubadge.model import MANDATORY_ELEMENTS, MicroCredential, Organisation, load_microcredential
from edubadge.model.vocab import ECVET, eqf_level

from .shared import load
from .strategies import lines, microcredentials, organisations

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "microcredential.json"
ISSUER = Organisation.model_validate(
    {
        "id": "did:web:www.example-university.be",
        "name": {"en": "Example University of Leuven", "nl": "Voorbeelduniversiteit Leuven"},
        "country": "BE",
        "region": "Flanders",
        "url": "https://www.example-university.be/",
    }
)
PROOF = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2025-07-04T09:30:00Z",
    "verificationMethod": "did:web:www.example-university.be#key-1",
    "proofPurpose": "assertionMethod",
    "proofValue": "z5C5b2eZ3hxRw7m4Ym1N3Pq7oQkV8zXcS3UdE6JfYkqW2tLwHnR9aPbGvD1xF4sT6uY8iO0pA",
}


def example() -> MicroCredential:
    return load_microcredential(EXAMPLE)


@cache
def schema_validator() -> jsonschema.protocols.Validator:
    schema = load("vectors/ob3/schemas/ob_v3p0_achievementcredential_schema.json")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(credential: dict[str, Any]) -> list[str]:
    """Schema errors of the credential with a placeholder proof (the schema's proof array)."""
    signed = {**credential, "proof": [PROOF]}
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in schema_validator().iter_errors(signed)
    ]


def nested_types(node: Any, path: str = "$") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "type":
                found.append((path, value))
            found.extend(nested_types(value, f"{path}.{key}"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(nested_types(value, f"{path}[{i}]"))
    return found


# --- the example ------------------------------------------------------------------------


def test_the_example_maps_to_the_expected_credential() -> None:
    doc = to_credential(example(), ISSUER, salt="pepper")
    assert doc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://w3id.org/edubadge/ob3-extension/v1",
    ]
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["id"] == "urn:uuid:0b6f7a52-3c1e-4d7a-9a43-6f1e2d9c8b10"
    assert doc["name"] == "Data Analysis with Python"
    assert doc["validFrom"] == "2025-07-04T09:30:00Z"
    assert doc["awardedDate"] == "2025-06-30T00:00:00Z"
    assert doc["issuer"] == {
        "id": "did:web:www.example-university.be",
        "type": ["Profile"],
        "name": "Example University of Leuven",
        "localizedName": {
            "en": "Example University of Leuven",
            "nl": "Voorbeelduniversiteit Leuven",
        },
        "url": "https://www.example-university.be/",
        "address": {
            "type": ["Address"],
            "addressCountry": "Belgium",
            "addressCountryCode": "BE",
            "addressRegion": "Flanders",
        },
    }
    subject = doc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["id"] == "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    assert subject["creditsEarned"] == 5.0
    assert [(i["identityType"], i["hashed"], i["salt"]) for i in subject["identifier"]] == [
        ("name", True, "pepper"),
        ("emailAddress", True, "pepper"),
        ("ext:studentId", True, "pepper"),
    ]
    assert subject["identifier"][0]["identityHash"] == identity_hash("Lotte Janssens", "pepper")
    assert all(
        re.fullmatch(r"sha256\$[0-9a-f]{64}", i["identityHash"]) for i in subject["identifier"]
    )
    assert "Lotte" not in json.dumps(doc)
    achievement = subject["achievement"]
    assert (
        achievement["id"]
        == "https://www.example-university.be/microcredentials/data-analysis-python"
    )
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["name"] == "Data Analysis with Python"
    assert achievement["description"].startswith("A 5 ECTS micro-credential")
    assert achievement["inLanguage"] == "en"
    assert achievement["creditsAvailable"] == 5.0
    assert achievement["alignment"][0] == {
        "type": ["Alignment"],
        "targetName": "EQF level 6",
        "targetUrl": "http://data.europa.eu/snb/eqf/6",
        "targetFramework": "European Qualifications Framework",
        "targetCode": "6",
        "targetType": "ext:EQF",
    }
    assert [a["targetName"] for a in achievement["alignment"][1:]] == [
        "Python (computer programming)",
        "perform data cleansing",
        "statistics",
    ]
    assert {a["targetType"] for a in achievement["alignment"][1:]} == {"ext:ESCOSkill"}
    narrative = achievement["criteria"]["narrative"]
    assert narrative.splitlines()[0] == (
        "1. **Skill:** Clean, reshape and combine tabular data sets with pandas."
    )
    assert "   - ESCO: [statistics](http://data.europa.eu/esco/skill/1f2d4f4e-" in narrative
    assert narrative.splitlines()[-1].startswith("3. **Skill:** Communicate the results")
    assert achievement["creator"]["id"] == "https://www.example-university.be/"
    assert achievement["creator"]["email"] == "microcredentials@example-university.be"


def test_the_example_credential_passes_the_official_schema_and_safe_mode() -> None:
    for identity in ("hashed", "plain"):
        for micro in (True, False):
            doc = to_credential(example(), ISSUER, identity=identity, micro_credential=micro)
            assert schema_errors(doc) == []
            assert expand(doc)


def test_the_schema_check_is_not_vacuous() -> None:
    doc = to_credential(example(), ISSUER)
    broken = copy.deepcopy(doc)
    broken["credentialSubject"]["achievement"]["alignment"][0]["type"] = "Alignment"
    del broken["credentialSubject"]["achievement"]["description"]
    broken["credentialSubject"]["identifier"][0]["extra"] = 1
    assert len(schema_errors(broken)) == 3


def test_an_undefined_term_would_be_caught_by_safe_mode() -> None:
    doc = to_credential(example(), ISSUER)
    doc["credentialSubject"]["achievement"]["ects"] = 5
    with pytest.raises(UnsafeTermError):
        expand(doc)


def test_every_nested_type_is_an_array_except_identity_objects() -> None:
    doc = to_credential(example(), ISSUER, identity="plain")
    types = nested_types(doc)
    assert len(types) >= 10
    for path, value in types:
        if re.search(r"\.identifier\[\d+\]$", path):
            assert value == "IdentityObject"
        else:
            assert isinstance(value, list) and value, path


# --- determinism ----------------------------------------------------------------------------


def test_the_output_is_a_function_of_its_inputs() -> None:
    first = json.dumps(to_credential(example(), ISSUER, salt="s"), sort_keys=False)
    second = json.dumps(to_credential(example(), ISSUER, salt="s"), sort_keys=False)
    assert first == second
    other_salt = to_credential(example(), ISSUER, salt="t")
    assert json.dumps(other_salt) != first


def test_missing_ids_and_salts_are_fresh_but_achievement_ids_are_stable() -> None:
    mc = example().model_copy(update={"id": None, "achievement_id": None})
    one, two = to_credential(mc, ISSUER), to_credential(mc, ISSUER)
    assert one["id"] != two["id"] and one["id"].startswith("urn:uuid:")
    salts = {i["salt"] for doc in (one, two) for i in doc["credentialSubject"]["identifier"]}
    assert len(salts) == 2 and all(len(s) >= 16 for s in salts)
    ach = one["credentialSubject"]["achievement"]["id"]
    assert ach.startswith("urn:uuid:") and ach == two["credentialSubject"]["achievement"]["id"]
    renamed = mc.model_copy(update={"title": mc.title and mc.title.__class__("Other title")})
    assert to_credential(renamed, ISSUER)["credentialSubject"]["achievement"]["id"] != ach


def test_without_a_date_of_issuing_valid_from_is_now() -> None:
    mc = example().model_copy(update={"issued": None, "awarded": None})
    before = datetime.now(UTC).replace(microsecond=0)
    doc = to_credential(mc, ISSUER)
    valid_from = datetime.fromisoformat(doc["validFrom"])
    assert before <= valid_from <= datetime.now(UTC)
    assert doc["validFrom"].endswith("Z") and "awardedDate" not in doc


# --- micro-credential or plain badge --------------------------------------------------------


@given(
    microcredentials(),
    st.sets(
        st.sampled_from(
            [
                "learner",
                "title",
                "learning_outcomes",
                "eqf_level",
                "assessment_types",
                "participation_modes",
                "quality_assurance",
                "workload",
                "country",
            ]
        ),
        min_size=1,
    ),
)
def test_an_incomplete_micro_credential_is_refused_but_issues_as_a_badge(
    mc: MicroCredential, drop: set[str]
) -> None:
    update: dict[str, Any] = {}
    for field in drop - {"workload", "country"}:
        update[field] = None if field in ("learner", "title", "eqf_level") else ()
    if "workload" in drop:
        update.update(credits=(), volume_of_learning=None)
    mc = mc.model_copy(update=update)
    issuer = ISSUER.model_copy(update={"country": None}) if "country" in drop else ISSUER
    with pytest.raises(NotAMicroCredentialError) as raised:
        to_credential(mc, issuer)
    assert raised.value.missing == mc.missing_mandatory(issuer)
    assert set(raised.value.missing) <= set(MANDATORY_ELEMENTS) and raised.value.missing
    if mc.title is None or mc.learner is None:
        with pytest.raises(InvalidFieldsError) as invalid:
            to_credential(mc, issuer, micro_credential=False)
        assert {p for p, _ in invalid.value.fields} == {
            f for f in ("title", "learner") if getattr(mc, f) is None
        }
    else:
        badge = to_credential(mc, issuer, micro_credential=False)
        assert "achievementType" not in badge["credentialSubject"]["achievement"]
        assert "MicroCredential" not in json.dumps(badge)


def test_a_missing_date_of_issuing_alone_does_not_refuse_a_micro_credential() -> None:
    mc = example().model_copy(update={"issued": None})
    assert mc.missing_mandatory(ISSUER) == ["date of issuing"]
    doc = to_credential(mc, ISSUER)
    assert doc["credentialSubject"]["achievement"]["achievementType"] == "MicroCredential"


def test_the_refusal_names_the_missing_elements() -> None:
    mc = MicroCredential.model_validate({"title": "T", "learner": {"id": "did:key:z6Mkx"}})
    with pytest.raises(NotAMicroCredentialError, match="learning outcomes, workload, level"):
        to_credential(mc, ISSUER)
    badge = to_credential(mc, ISSUER, micro_credential=False)
    achievement = badge["credentialSubject"]["achievement"]
    assert achievement["description"] == "T" and achievement["criteria"] == {"narrative": "T"}
    assert "alignment" not in achievement and "creditsAvailable" not in achievement
    assert schema_errors(badge) == [] and expand(badge)


# --- round trip -----------------------------------------------------------------------------


def _org(org: Organisation | None, language: str) -> Any:
    if org is None:
        return None
    return (org.id, org.name.best(language), org.country, org.region, org.url, org.email)


def carried(mc: MicroCredential, issuer: Organisation) -> dict[str, Any]:
    """What OB 3.0 carries of a micro-credential (with identity="plain")."""
    lang = mc.primary_language
    title = mc.title.best(lang) if mc.title else None
    description = mc.description.best(lang) if mc.description else None
    learner = mc.learner
    assert learner is not None
    return {
        "id": mc.id,
        "achievement_id": mc.achievement_id,
        "language": lang,
        "title": title,
        "description": None if description == title else description,
        "learner": (
            learner.id,
            learner.given_name.best(lang) if learner.given_name else None,
            learner.family_name.best(lang) if learner.family_name else None,
            learner.email,
            [(i.value, i.scheme) for i in learner.identifiers],
        ),
        "awarding body": _org(mc.awarding_bodies[0] if mc.awarding_bodies else None, lang),
        "issued": mc.issued,
        "awarded": mc.awarded,
        "outcomes": [
            (
                o.text.best(lang),
                o.skill_type,
                [(s.iri, s.label.best(lang) if s.label else None) for s in o.esco_skills],
            )
            for o in mc.learning_outcomes
        ],
        "ects": mc.ects,
        "eqf": mc.eqf_level,
        "issuer": _org(issuer, lang),
    }


@given(microcredentials(with_ids=True), organisations())
def test_model_to_ob3_to_model_is_lossless(mc: MicroCredential, issuer: Organisation) -> None:
    """With the learner in clear, OB 3.0 plus edubadge's extension carries every element."""
    doc = to_credential(mc, issuer, identity="plain")
    back = from_credential(json.loads(json.dumps(doc)))
    assert back == mc
    issuer_back = organisation_from_profile(doc["issuer"], back.primary_language)
    assert carried(back, issuer_back)["issuer"] == carried(mc, issuer)["issuer"]


@given(microcredentials(with_ids=True), organisations())
def test_only_ob3s_own_properties_without_the_extension(
    mc: MicroCredential, issuer: Organisation
) -> None:
    """A reader that ignores the extension still gets what OB 3.0 itself carries."""
    doc = to_credential(mc, issuer, identity="plain")
    doc["@context"] = doc["@context"][:2]
    for node in (doc["credentialSubject"], doc["credentialSubject"]["achievement"]):
        for term in list(node):
            if term.startswith("localized") or term in _EXTENSION_TERMS:
                del node[term]
    back = from_credential(json.loads(json.dumps(doc)))
    expected = carried(mc, issuer)
    got = carried(back, organisation_from_profile(doc["issuer"], back.primary_language))
    assert got["outcomes"] == expected["outcomes"] and got["eqf"] == expected["eqf"]
    assert got["title"] == expected["title"] and got["ects"] == expected["ects"]


_EXTENSION_TERMS = {
    k for k in DocumentLoader().get(EXTENSION_CONTEXT)["@context"] if not k.startswith("@")
} | {"dateOfBirth"}


@given(
    microcredentials(complete=False),
    organisations(with_country=None),
    st.sampled_from(["hashed", "plain"]),
)
def test_generated_credentials_pass_the_official_schema(
    mc: MicroCredential, issuer: Organisation, identity: str
) -> None:
    assume(mc.title is not None and mc.learner is not None)
    dated = mc.model_copy(update={"issued": mc.issued or datetime.now(UTC)})
    micro = not dated.missing_mandatory(issuer)
    doc = to_credential(mc, issuer, identity=identity, micro_credential=micro)  # type: ignore[arg-type]
    assert schema_errors(doc) == []


@settings(max_examples=15)
@given(microcredentials(), organisations(), st.sampled_from(["hashed", "plain"]))
def test_generated_credentials_pass_safe_mode(
    mc: MicroCredential, issuer: Organisation, identity: str
) -> None:
    assert expand(to_credential(mc, issuer, identity=identity))  # type: ignore[arg-type]


@given(microcredentials(), organisations())
def test_hashed_identities_match_the_learner_and_reveal_nothing(
    mc: MicroCredential, issuer: Organisation
) -> None:
    doc = to_credential(mc, issuer, salt="NaCl")
    learner = mc.learner
    assert learner is not None
    name = learner.name(mc.primary_language)
    if name:
        assert check_identity(doc, "name", name)
        assert not check_identity(doc, "name", name + "x")
    if learner.email:
        assert check_identity(doc, "emailAddress", learner.email.upper())
    for other in learner.identifiers:
        kind = other.scheme if other.scheme != "studentId" else "ext:studentId"
        if kind in ("identifier", "nationalIdentityNumber", "sisSourcedId", "ext:studentId"):
            assert check_identity(doc, kind, other.value)
    subject = doc["credentialSubject"]
    assert "givenName" not in subject and "Profile" not in subject["type"]
    back = from_credential(doc).learner
    assert back is None or (back.given_name, back.family_name, back.email) == (None, None, None)
    assert (back is None) == (learner.id is None)


def test_identity_hash_matches_the_ob3_spec_example() -> None:
    assert identity_hash("a@example.com", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )


def test_check_identity_survives_odd_documents() -> None:
    doc = to_credential(example(), ISSUER, salt="s")
    doc["credentialSubject"]["identifier"][0]["identityHash"] = "sha256$ünïcode"
    doc["credentialSubject"]["identifier"].append("not an object")
    assert not check_identity(doc, "name", "Lotte Janssens")
    assert check_identity(doc, "emailAddress", "Lotte.Janssens@student.example-university.be")
    assert not check_identity({"credentialSubject": []}, "name", "x")


def test_plain_identity_names_the_learner_as_a_profile() -> None:
    doc = to_credential(example(), ISSUER, identity="plain")
    subject = doc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject", "Profile"]
    assert (subject["givenName"], subject["familyName"]) == ("Lotte", "Janssens")
    assert subject["identifier"][1] == {
        "type": "IdentityObject",
        "identityHash": "lotte.janssens@student.example-university.be",
        "identityType": "emailAddress",
        "hashed": False,
    }
    assert check_identity(doc, "name", "Lotte  Janssens")
    learner = from_credential(doc).learner
    assert learner is not None and learner.given_name == {"en": "Lotte"}
    assert [(i.value, i.scheme) for i in learner.identifiers] == [("r0912345", "studentId")]


def test_the_example_round_trip_in_detail() -> None:
    mc = example()
    back = from_credential(to_credential(mc, ISSUER, identity="plain"))
    assert back == mc  # the extension carries what OB 3.0 has no property for
    assert back.awarding_bodies[0].name == {
        "en": "Example University of Leuven",
        "nl": "Voorbeelduniversiteit Leuven",
    }
    assert back.title == mc.title and len(back.title) == 2
    # without the extension context, only OB 3.0's own properties are read
    doc = to_credential(mc, ISSUER, identity="plain")
    doc["@context"] = doc["@context"][:2]
    native = from_credential(doc)
    assert native.eqf_level == eqf_level(6) and native.ects == Decimal(5)
    assert (native.assessment_types, native.quality_assurance) == ((), ())
    assert native.title == {"en": "Data Analysis with Python"}


def test_the_first_awarding_body_is_the_achievement_creator() -> None:
    mc = example().model_copy(update={"awarding_bodies": (ISSUER,)})
    doc = to_credential(mc, ISSUER)
    assert doc["credentialSubject"]["achievement"]["creator"] == doc["issuer"]
    back = from_credential(doc)
    assert _org(back.awarding_bodies[0], "en") == _org(ISSUER, "en")
    # none given: the issuer is the awarding body, and no creator is stated
    alone = to_credential(mc.model_copy(update={"awarding_bodies": ()}), ISSUER)
    assert "creator" not in alone["credentialSubject"]["achievement"]
    assert from_credential(alone).awarding_bodies == ()


@given(st.lists(lines(), min_size=1, max_size=3))
def test_markdown_in_outcomes_is_escaped_and_read_back(texts: list[str]) -> None:
    tricky = ["**not bold** [x](http://y) \\ <b> `code` _i_", "1. not a list", *texts]
    mc = example().model_copy(update={"learning_outcomes": ()})
    mc = MicroCredential.model_validate(
        {**mc.model_dump(mode="json"), "learning_outcomes": [{"text": t} for t in tricky]}
    )
    doc = to_credential(mc, ISSUER)
    narrative = doc["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert narrative.startswith("1. \\*\\*not bold\\*\\* \\[x\\](http://y) \\\\ \\<b\\> \\`code\\`")
    assert len([n for n in narrative.split("\n") if re.match(r"\d+\. ", n)]) == len(tricky)
    back = from_credential(doc)
    assert [o.text for o in back.learning_outcomes] == [o.text for o in mc.learning_outcomes]


def test_the_primary_language_decides_the_texts_of_the_credential() -> None:
    data = json.loads(EXAMPLE.read_text("utf-8"))
    data["primary_language"] = "nl"
    doc = to_credential(load_microcredential(data), ISSUER)
    achievement = doc["credentialSubject"]["achievement"]
    assert (doc["name"], achievement["name"]) == ("Data-analyse met Python",) * 2
    assert achievement["inLanguage"] == "nl"
    assert doc["issuer"]["name"] == "Voorbeelduniversiteit Leuven"
    assert achievement["criteria"]["narrative"].startswith("1. **Skill:** Tabelgegevens")
    assert from_credential(doc).title == load_microcredential(data).title  # both languages


def test_only_ects_points_are_credits_available() -> None:
    mc = example().model_copy(
        update={"credits": (example().credits[0].model_copy(update={"framework": ECVET}),)}
    )
    doc = to_credential(mc, ISSUER)
    assert "creditsAvailable" not in doc["credentialSubject"]["achievement"]
    assert "creditsEarned" not in doc["credentialSubject"]
    half = MicroCredential.model_validate(
        {"title": "T", "learner": {"id": "did:key:z6Mk1"}, "credits": [{"points": "2.5"}]}
    )
    assert (
        to_credential(half, ISSUER, micro_credential=False)["credentialSubject"]["creditsEarned"]
        == 2.5
    )


# --- reading other OB 3.0 credentials -------------------------------------------------------


def test_reading_the_basic_spec_example() -> None:
    doc = load(
        "vectors/ob3/examples/spec/examples-basicopenbadgecredential__sample-openbadgecredential.json"
    )
    mc = from_credential(doc)
    assert mc.title == {"en": "Teamwork"} and mc.primary_language == "en"
    assert mc.learner is not None and mc.learner.id == "did:example:ebfeb1f712ebc6f1c276e12ec21"
    assert mc.issued == datetime(2010, 1, 1, tzinfo=UTC)
    assert mc.learning_outcomes == ()  # a prose narrative is not a list of outcomes
    assert organisation_from_profile(doc["issuer"]).name == {"en": "Example Corp"}


def test_reading_an_edubadges_micro_credential() -> None:
    doc = load(
        "vectors/ob3/examples/third-party/educredentials/_data/credentials/theed_microcredential_full_ho.json"
    )
    mc = from_credential(doc)
    assert mc.eqf_level == eqf_level(4)  # from targetCode: its targetUrl is not an EQF IRI
    assert mc.primary_language == "en-EN"
    assert mc.title is not None and mc.title.best("en").startswith("Minor: Jedi Mind Control")
    with pytest.raises(InvalidFieldsError, match="country"):
        organisation_from_profile(doc["issuer"])  # its address says "XX"


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (lambda d: d.update(type=["VerifiableCredential"]), "$.type"),
        (lambda d: d.pop("credentialSubject"), "$.credentialSubject"),
        (lambda d: d["credentialSubject"].pop("achievement"), "$.credentialSubject.achievement"),
    ],
)
def test_reading_a_broken_credential_names_the_place(edit: Any, path: str) -> None:
    doc = to_credential(example(), ISSUER)
    edit(doc)
    with pytest.raises(InvalidFieldsError) as raised:
        from_credential(doc)
    assert path in [p for p, _ in raised.value.fields]


def test_reading_bad_values_names_the_model_fields() -> None:
    doc = to_credential(example(), ISSUER)
    doc["validFrom"] = "sometime"
    doc["credentialSubject"]["achievement"]["alignment"][0]["targetUrl"] = (
        "http://data.europa.eu/snb/eqf/9"
    )
    doc["credentialSubject"]["achievement"]["alignment"][0]["targetCode"] = "9"
    with pytest.raises(InvalidFieldsError) as raised:
        from_credential(doc)
    assert {p for p, _ in raised.value.fields} == {"issued", "eqf_level"}


def test_context_constant() -> None:
    assert list(CONTEXT) == to_credential(example(), ISSUER)["@context"]
