"""The micro-credential model: input format, validation, vocabularies, mandatory elements."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from edubadge.errors import InputError, InvalidFieldsError
from edubadge.formats import ob3
from edubadge.model import (
    MANDATORY_ELEMENTS,
    Concept,
    Identifier,
    Learner,
    MicroCredential,
    Organisation,
    Text,
    load_microcredential,
)
from edubadge.model.vocab import (
    ACCREDITATION_TYPES,
    ASSESSMENT_TYPES,
    CREDIT_FRAMEWORKS,
    ECTS,
    ECVET,
    EQF,
    LEARNING_SETTINGS,
    MODES,
    SKILL_TYPES,
    VOCABULARIES,
    country_iri,
    eqf_level,
    normalise_country,
)

from .shared import ROOT, load
from .strategies import microcredential_data, microcredentials, organisation_data, organisations

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "microcredential.json"
ISSUER = Organisation(id="https://uni.example.org/", name=Text("Example University"), country="BE")


def example_data() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text("utf-8"))  # type: ignore[no-any-return]


def error_paths(data: Any) -> dict[str, str]:
    with pytest.raises(InvalidFieldsError) as raised:
        load_microcredential(data)
    return dict(raised.value.fields)


# --- the example ----------------------------------------------------------------------------


def test_the_example_is_a_complete_micro_credential() -> None:
    mc = load_microcredential(EXAMPLE)
    assert mc.missing_mandatory(mc.awarding_bodies[0]) == []
    assert mc.title == {"en": "Data Analysis with Python", "nl": "Data-analyse met Python"}
    assert mc.eqf_level == eqf_level(6)
    assert mc.eqf_level.iri == "http://data.europa.eu/snb/eqf/6"
    assert mc.ects == Decimal(5)
    assert mc.volume_of_learning == timedelta(hours=140)
    assert [c.label for c in mc.participation_modes] == ["Blended"]
    assert [c.label for c in mc.assessment_types] == ["project work", "written examination"]
    assert mc.learning_setting == LEARNING_SETTINGS["formal"]
    assert mc.learner is not None and mc.learner.id is not None
    assert mc.learner.id.startswith("did:key:z6Mk")
    assert mc.awarding_bodies[0].country_iri == (
        "http://publications.europa.eu/resource/authority/country/BEL"
    )
    assert mc.quality_assurance[0].type.label == "Institutional Quality Assurance"
    assert mc.learning_outcomes[1].skill_type == SKILL_TYPES["knowledge"]


def test_loading_a_path_a_string_path_or_a_dict_gives_the_same_model() -> None:
    assert load_microcredential(EXAMPLE) == load_microcredential(str(EXAMPLE))
    assert load_microcredential(EXAMPLE) == load_microcredential(example_data())


# --- unreadable input -------------------------------------------------------------------


def test_a_missing_file_is_an_input_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(InputError, match=r"nope\.json"):
        load_microcredential(missing)


def test_invalid_json_is_an_input_error_naming_the_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "title": "x",\n  oops\n}', "utf-8")
    with pytest.raises(InputError, match=r"broken\.json.*line 3") as raised:
        load_microcredential(broken)
    assert not isinstance(raised.value, InvalidFieldsError)


def test_a_json_array_is_not_a_micro_credential(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[]", "utf-8")
    with pytest.raises(InputError, match="JSON object"):
        load_microcredential(path)


def test_errors_in_a_file_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mc.json"
    path.write_text(json.dumps({"eqf_level": 12}), "utf-8")
    with pytest.raises(InvalidFieldsError, match=r"mc\.json") as raised:
        load_microcredential(path)
    assert [p for p, _ in raised.value.fields] == ["eqf_level"]


# --- field errors ---------------------------------------------------------------------------


def test_every_invalid_field_is_named_by_its_path() -> None:
    data = example_data()
    data["eqf_level"] = 9
    data["learning_outcomes"][1]["skill_type"] = "attitude"
    data["credits"][0]["points"] = -1
    data["learner"]["email"] = "not-an-email"
    data["awarding_bodies"][0]["country"] = "XX"
    data["issued"] = "2025-07-04T09:30:00"  # no UTC offset
    data["quality_assurance"][0]["body"]["url"] = "ftp://nvao.net/"
    data["volume_of_learning"] = "P1M"
    data["colour"] = "blue"
    errors = error_paths(data)
    assert set(errors) == {
        "eqf_level",
        "learning_outcomes[1].skill_type",
        "credits[0].points",
        "learner.email",
        "awarding_bodies[0].country",
        "issued",
        "quality_assurance[0].body.url",
        "volume_of_learning",
        "colour",
    }
    assert "'attitude'" in errors["learning_outcomes[1].skill_type"]
    assert errors["colour"] == "unknown field"
    assert "months" in errors["volume_of_learning"]


_CORRUPTIONS: dict[str, tuple[Any, ...]] = {
    # path -> (how to reach the parent, key, bad value)
    "eqf_level": ((), "eqf_level", "EQF 9"),
    "learning_outcomes[0].skill_type": (("learning_outcomes", 0), "skill_type", "attitude"),
    "learning_outcomes[0].esco_skills[0].iri": (
        ("learning_outcomes", 0),
        "esco_skills",
        ["http://example.org/skill/1"],
    ),
    "credits[0].points": (("credits", 0), "points", "five"),
    "issued": ((), "issued", "yesterday"),
    "learner.email": (("learner",), "email", "@"),
    "learner.id": (("learner",), "id", "not a uri"),
    "assessment_types[0]": (("assessment_types",), 0, "telepathy"),
    "participation_modes[0]": (("participation_modes",), 0, "by carrier pigeon"),
    "quality_assurance[0].type": (("quality_assurance", 0), "type", "self-assessed"),
    "volume_of_learning": ((), "volume_of_learning", "P1Y"),
    "learning_setting": ((), "learning_setting", "informal"),
    "awarded": ((), "awarded", "30/06/2025"),
    "unexpected": ((), "unexpected", 1),
}


@given(microcredential_data(), st.sets(st.sampled_from(sorted(_CORRUPTIONS)), min_size=1))
def test_all_corrupted_fields_and_only_those_are_named(
    data: dict[str, Any], corrupt: set[str]
) -> None:
    data = copy.deepcopy(data)
    data["learning_outcomes"][0] = (
        {"text": data["learning_outcomes"][0]}
        if isinstance(data["learning_outcomes"][0], str)
        else data["learning_outcomes"][0]
    )
    data.setdefault("credits", [{"points": 1}])
    for path in corrupt:
        parents, key, bad = _CORRUPTIONS[path]
        node = data
        for step in parents:
            node = node[step]
        node[key] = bad
    assert set(error_paths(data)) == corrupt


# --- vocabularies ---------------------------------------------------------------------------

_VOCAB_FIELDS = [
    ({"eqf_level": "level nine"}, "eqf_level", "level nine", EQF),
    ({"eqf_level": 0}, "eqf_level", 0, EQF),
    ({"assessment_types": ["telepathy"]}, "assessment_types[0]", "telepathy", ASSESSMENT_TYPES),
    ({"participation_modes": ["pigeon"]}, "participation_modes[0]", "pigeon", MODES),
    ({"learning_setting": "informal"}, "learning_setting", "informal", LEARNING_SETTINGS),
    (
        {"credits": [{"framework": "SBU", "points": 3}]},
        "credits[0].framework",
        "SBU",
        CREDIT_FRAMEWORKS,
    ),
    (
        {"quality_assurance": [{"type": "ISO 9001"}]},
        "quality_assurance[0].type",
        "ISO 9001",
        ACCREDITATION_TYPES,
    ),
    (
        {"learning_outcomes": [{"text": "x", "skill_type": "attitude"}]},
        "learning_outcomes[0].skill_type",
        "attitude",
        SKILL_TYPES,
    ),
    (
        {"participation_modes": ["http://data.europa.eu/snb/learning-assessment/0000000000"]},
        "participation_modes[0]",
        "http://data.europa.eu/snb/learning-assessment/0000000000",
        MODES,
    ),
]


@pytest.mark.parametrize(("data", "path", "bad", "vocabulary"), _VOCAB_FIELDS)
def test_an_unknown_vocabulary_value_is_refused_naming_value_and_choices(
    data: dict[str, Any], path: str, bad: Any, vocabulary: Any
) -> None:
    errors = error_paths(data)
    assert list(errors) == [path]
    assert repr(bad) in errors[path]
    for name in vocabulary.names:
        assert repr(name) in errors[path]


@pytest.mark.parametrize("vocabulary", list(VOCABULARIES.values()), ids=list(VOCABULARIES))
def test_a_concept_is_found_by_iri_short_name_and_label_in_any_case(vocabulary: Any) -> None:
    for concept in vocabulary:
        name = vocabulary.name_of(concept)
        for spelling in (concept.iri, name, name.upper(), concept.label, concept.label.title()):
            assert vocabulary[spelling] is concept
        assert vocabulary.validate(concept) is concept


def test_readable_aliases() -> None:
    assert MODES["on-site"] == MODES["presential"]
    assert MODES["Online"].iri.endswith("/920fbb3cbe")
    assert LEARNING_SETTINGS["non formal"].label == "non-formal learning"
    assert ASSESSMENT_TYPES["Written-Examination"].iri.endswith("/6e6cb2cc78")
    assert CREDIT_FRAMEWORKS["ects"] is ECTS and CREDIT_FRAMEWORKS["ECVET"] is ECVET
    assert EQF[6] == EQF["EQF level 6"] == EQF["6"] == eqf_level(6)
    assert EQF.lookup(True) is None and EQF.lookup(9) is None
    assert ACCREDITATION_TYPES["programme quality assurance"].label == "Program Quality Assurance"
    with pytest.raises(ValueError):
        eqf_level(0)


def test_concepts_are_stored_and_dumped_as_iris() -> None:
    mc = MicroCredential(eqf_level="EQF 4", participation_modes=["online"])  # type: ignore[arg-type]
    assert mc.eqf_level == Concept("http://data.europa.eu/snb/eqf/4", "Level 4")
    dumped = mc.model_dump(mode="json")
    assert dumped["eqf_level"] == "http://data.europa.eu/snb/eqf/4"
    assert dumped["participation_modes"] == [
        "http://data.europa.eu/snb/learning-assessment/920fbb3cbe"
    ]


def test_every_vocabulary_iri_and_label_is_in_the_europass_lists() -> None:
    schemes = load("vectors/edc/cv/concepts.json")["schemes"]
    for key, vocabulary in VOCABULARIES.items():
        assert vocabulary.scheme in schemes, key
        published = {c["uri"]: c["label"] for c in schemes[vocabulary.scheme]["concepts"]}
        for concept in vocabulary:
            assert concept.iri in published, (key, concept.iri)
            assert published[concept.iri] == concept.label, (key, concept.iri)
    # the small lists are complete
    for vocabulary in (
        EQF,
        CREDIT_FRAMEWORKS,
        MODES,
        LEARNING_SETTINGS,
        ACCREDITATION_TYPES,
        SKILL_TYPES,
        ASSESSMENT_TYPES,
    ):
        assert len(vocabulary) == len(schemes[vocabulary.scheme]["concepts"])


def test_every_country_iri_is_in_the_eu_authority_table() -> None:
    schemes = load("vectors/edc/cv/concepts.json")["schemes"]
    table = {
        c["uri"]
        for c in schemes["http://publications.europa.eu/resource/authority/country"]["concepts"]
    }
    codes = [c.alpha_2 for c in pycountry.countries] + ["XK"]
    for code in codes:
        iri = country_iri(code)
        assert iri in table, (code, iri)
        assert normalise_country(iri) == code
    assert country_iri("be") == "http://publications.europa.eu/resource/authority/country/BEL"
    assert country_iri("TF").endswith("/FQ0") and country_iri("XK").endswith("/1A0")


def test_country_codes() -> None:
    assert normalise_country("el") == "GR" and normalise_country("UK") == "GB"
    for bad in (
        "XX",
        "BEL",
        "Belgium",
        "http://publications.europa.eu/resource/authority/country/XYZ",
    ):
        with pytest.raises(ValueError):
            normalise_country(bad)
    org = Organisation(
        id="did:web:uni.example.org",
        name=Text("U"),
        country="http://publications.europa.eu/resource/authority/country/NLD",
    )
    assert org.country == "NL"


# --- mandatory elements ---------------------------------------------------------------------

_DROPS: dict[str, Any] = {
    "learner": lambda d: d.pop("learner"),
    "title": lambda d: d.pop("title"),
    "date of issuing": lambda d: d.pop("issued"),
    "learning outcomes": lambda d: d.update(learning_outcomes=[]),
    "workload": lambda d: (d.pop("credits", None), d.pop("volume_of_learning", None)),
    "level": lambda d: d.pop("eqf_level"),
    "assessment type": lambda d: d.update(assessment_types=[]),
    "form of participation": lambda d: d.update(participation_modes=[]),
    "quality assurance": lambda d: d.pop("quality_assurance"),
}


@given(
    microcredential_data(),
    organisation_data(),
    st.sets(st.sampled_from([*_DROPS, "country of the issuer", "awarding body"])),
)
def test_missing_mandatory_lists_exactly_what_was_dropped(
    data: dict[str, Any], issuer_data: dict[str, Any], dropped: set[str]
) -> None:
    data = copy.deepcopy(data)
    for element in dropped & set(_DROPS):
        _DROPS[element](data)
    if "country of the issuer" in dropped:
        issuer_data = {k: v for k, v in issuer_data.items() if k != "country"}
    if "awarding body" in dropped:  # no awarding body given: the issuer is the awarding body
        data.pop("awarding_bodies", None)
    mc = MicroCredential.model_validate(data)
    issuer = Organisation.model_validate(issuer_data)
    expected = [e for e in MANDATORY_ELEMENTS if e in dropped and e != "awarding body"]
    assert mc.missing_mandatory(issuer) == expected
    assert mc.effective_awarding_bodies(issuer)[0] == (
        issuer
        if "awarding body" in dropped or not data.get("awarding_bodies")
        else mc.awarding_bodies[0]
    )


def test_an_empty_draft_misses_everything_but_the_awarding_body() -> None:
    issuer = Organisation(id="https://uni.example.org/", name=Text("U"))
    assert MicroCredential().missing_mandatory(issuer) == [
        e for e in MANDATORY_ELEMENTS if e != "awarding body"
    ]


def test_workload_may_be_a_volume_of_learning_alone() -> None:
    mc = MicroCredential(volume_of_learning="PT25H")  # type: ignore[arg-type]
    assert "workload" not in mc.missing_mandatory(ISSUER)
    assert mc.model_dump(mode="json")["volume_of_learning"] == "PT25H"


# --- text -----------------------------------------------------------------------------------


def test_plain_strings_are_in_the_primary_language_everywhere() -> None:
    mc = MicroCredential.model_validate(
        {
            "language": "NL_be",
            "title": "Data-analyse",
            "learning_outcomes": ["Gegevens opschonen"],
            "awarding_bodies": [{"id": "https://kul.example.be/", "name": "KU Leuven"}],
            "learner": {"given_name": "Lotte", "family_name": "Janssens"},
        }
    )
    assert mc.primary_language == "nl-BE"
    assert mc.title == {"nl-BE": "Data-analyse"}
    assert mc.learning_outcomes[0].text == {"nl-BE": "Gegevens opschonen"}
    assert mc.awarding_bodies[0].name == {"nl-BE": "KU Leuven"}
    assert mc.learner is not None and mc.learner.name("nl-BE") == "Lotte Janssens"
    # outside a micro-credential a plain string is English
    assert Organisation(id="https://x.example/", name="X").name == {"en": "X"}  # type: ignore[arg-type]


def test_titles_and_outcomes_need_the_primary_language_but_names_do_not() -> None:
    errors = error_paths(
        {
            "primary_language": "fr",
            "title": {"en": "Data analysis"},
            "description": {"nl": "Beschrijving"},
            "learning_outcomes": [{"text": {"de": "Daten"}}],
            "awarding_bodies": [{"id": "https://kul.example.be/", "name": {"nl": "KU Leuven"}}],
        }
    )
    assert set(errors) == {"title", "description", "learning_outcomes[0].text"}
    assert "'fr'" in errors["title"]


def test_language_maps_are_normalised_and_checked() -> None:
    mc = MicroCredential.model_validate({"title": {"EN": "  Data \n analysis ", "nl_nl": "Data"}})
    assert mc.title == {"en": "Data analysis", "nl-NL": "Data"}
    errors = error_paths(
        {
            "title": {"en": "a", "EN": "b"},
            "description": {"english": "x"},
            "learning_outcomes": [{"text": "   "}, {"text": "bell\x07"}, {"text": 3}],
        }
    )
    assert set(errors) == {
        "title",
        "description",
        "learning_outcomes[0].text",
        "learning_outcomes[1].text",
        "learning_outcomes[2].text",
    }
    assert "twice" in errors["title"] and "empty" in errors["learning_outcomes[0].text"]
    assert "control character" in errors["learning_outcomes[1].text"]


def test_descriptions_keep_their_line_breaks() -> None:
    mc = MicroCredential.model_validate({"description": "Line one.\r\n\r\n- point\n"})
    assert mc.description == {"en": "Line one.\n\n- point"}


def test_text_best_falls_back_sensibly() -> None:
    text = Text({"nl-BE": "Hallo", "en": "Hello", "fr": "Bonjour"})
    assert text.best("nl-BE") == "Hallo"
    assert text.best("nl") == "Hallo"
    assert text.best("de") == "Hello"
    assert Text({"fr": "Bonjour", "de": "Hallo"}).best("el") == "Bonjour"
    assert hash(text) == hash(Text({"fr": "Bonjour", "en": "Hello", "nl-BE": "Hallo"}))
    assert Text("Hi") == {"en": "Hi"} and Text("Hoi", "NL") == {"nl": "Hoi"}


# --- other fields -------------------------------------------------------------------------


def test_issued_is_kept_in_utc_to_the_second_and_needs_an_offset() -> None:
    mc = MicroCredential.model_validate({"issued": "2025-07-04T11:30:00.987654+02:00"})
    assert mc.issued == datetime(2025, 7, 4, 9, 30, tzinfo=UTC)
    assert list(error_paths({"issued": "2025-07-04T11:30:00"})) == ["issued"]


def test_awarded_may_not_be_after_issuing() -> None:
    errors = error_paths({"issued": "2025-01-01T00:00:00Z", "awarded": "2025-03-01"})
    assert list(errors) == ["awarded"] and "after the date of issuing" in errors["awarded"]
    MicroCredential.model_validate({"issued": "2025-01-01T00:00:00Z", "awarded": "2025-01-02"})


@pytest.mark.parametrize(
    ("text", "hours"),
    [("PT60H", 60), ("P2DT4H", 52), ("P1W", 168), ("PT90M", 1.5), ("pt1,5h", 1.5), ("PT3600S", 1)],
)
def test_volume_of_learning_durations(text: str, hours: float) -> None:
    mc = MicroCredential.model_validate({"volume_of_learning": text})
    assert mc.volume_of_learning == timedelta(hours=hours)
    again = MicroCredential.model_validate(mc.model_dump(mode="json"))
    assert again.volume_of_learning == mc.volume_of_learning


@pytest.mark.parametrize("text", ["P1M", "P1Y", "PT", "P", "60 hours", "PT0H", "-PT1H"])
def test_bad_durations_are_refused(text: str) -> None:
    assert list(error_paths({"volume_of_learning": text})) == ["volume_of_learning"]


def test_credits() -> None:
    mc = MicroCredential.model_validate(
        {"credits": [{"points": "2.5"}, {"framework": "ecvet", "points": 4}]}
    )
    assert mc.ects == Decimal("2.5") and mc.credits[0].framework is ECTS
    errors = error_paths({"credits": [{"points": 1}, {"framework": "ECTS", "points": 2}]})
    assert list(errors) == ["credits"] and "'ECTS' given twice" in errors["credits"]
    errors = error_paths({"credits": [{"points": "NaN"}, {"framework": "ECVET", "points": "-0.5"}]})
    assert set(errors) == {"credits[0].points", "credits[1].points"}


def test_a_learner_needs_something_that_identifies_them() -> None:
    assert list(error_paths({"learner": {}})) == ["learner"]
    assert Learner(id="did:key:z6Mkabc").name("en") is None
    assert Learner(family_name="Sukarno").name("en") == "Sukarno"  # type: ignore[arg-type]


def test_identifier_schemes() -> None:
    assert Identifier(value="r012", scheme="ext:studentId").scheme == "studentId"
    # EDC scheme names are free text (EDCI writes "Student ID")
    assert Identifier(value="r012", scheme=" Student  ID").scheme == "Student ID"
    errors = error_paths(
        {
            "learner": {
                "identifiers": [
                    {"value": "a", "scheme": "name"},
                    {"value": "b", "scheme": "student\x07id"},
                    {"value": "c", "country": "ZZ"},
                ]
            }
        }
    )
    assert set(errors) == {
        "learner.identifiers[0].scheme",
        "learner.identifiers[1].scheme",
        "learner.identifiers[2].country",
    }


def test_esco_skills_must_be_esco_iris_and_distinct() -> None:
    skill = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
    mc = MicroCredential.model_validate(
        {
            "learning_outcomes": [
                {
                    "text": "x",
                    "esco_skills": [skill, {"iri": skill.replace("ccd", "ddd"), "label": "Python"}],
                }
            ]
        }
    )
    assert mc.learning_outcomes[0].esco_skills[0].iri == skill
    assert mc.learning_outcomes[0].esco_skills[1].label == {"en": "Python"}
    errors = error_paths(
        {
            "learning_outcomes": [
                {"text": "x", "esco_skills": [skill, skill]},
                {"text": "y", "esco_skills": ["https://esco.example/skill/1"]},
            ]
        }
    )
    assert set(errors) == {
        "learning_outcomes[0].esco_skills",
        "learning_outcomes[1].esco_skills[0].iri",
    }


# --- immutability and serialisation -------------------------------------------------------


@given(microcredentials(complete=False))
def test_the_json_dump_loads_back_to_an_equal_model(mc: MicroCredential) -> None:
    dumped = json.loads(json.dumps(mc.model_dump(mode="json")))
    again = load_microcredential(dumped)
    assert again == mc
    assert hash(again) == hash(mc)


@given(organisations(with_country=None))
def test_organisations_dump_and_load(org: Organisation) -> None:
    assert Organisation.model_validate(org.model_dump(mode="json")) == org
    assert (org.country is None) == (org.country_iri is None)


def test_models_are_frozen() -> None:
    mc = load_microcredential(EXAMPLE)
    with pytest.raises(ValidationError):
        mc.__setattr__("title", Text("Other"))
    assert isinstance(mc.learning_outcomes, tuple)


def test_the_model_has_a_json_schema() -> None:
    schema = MicroCredential.model_json_schema()
    assert "learning_outcomes" in schema["properties"]
    assert "http://data.europa.eu/snb/eqf/6" in json.dumps(schema)


def test_one_id_for_two_things_is_refused() -> None:
    """JSON-LD merges nodes that share an id: the model names both fields instead."""
    data = json.loads(EXAMPLE.read_text("utf-8"))
    data["has_part"] = [{"id": data["achievement_id"], "title": "itself"}]
    with pytest.raises(InvalidFieldsError) as raised:
        load_microcredential(data)
    assert "has_part[0].id" in str(raised.value) and "achievement_id" in str(raised.value)
    data["has_part"] = [{"id": data["id"], "title": "the credential"}]
    with pytest.raises(InvalidFieldsError, match="already the id of id"):
        load_microcredential(data)


def test_an_issuer_id_used_by_the_achievement_is_refused() -> None:
    data = json.loads(EXAMPLE.read_text("utf-8"))
    record = load_microcredential(data)
    issuer = Organisation.model_validate(
        {"id": data["achievement_id"], "name": "U", "country": "BE"}
    )
    with pytest.raises(InvalidFieldsError, match="achievement_id"):
        ob3.to_credential(record, issuer)


def test_description_files_are_parsed_strictly(tmp_path: Path) -> None:
    """A description file goes through the strict JSON parser like every other input: a
    duplicate key (two readers, two titles) is refused, not silently resolved."""
    path = tmp_path / "input.json"
    path.write_bytes(b'{"title": "Data Analysis", "title": "Forged Title"}')
    with pytest.raises(InputError, match="duplicate JSON key 'title'"):
        load_microcredential(path)


@pytest.mark.parametrize("duration", ["PT" + "9" * 120 + "H", "P99999999999W", "PT1e999S"])
def test_a_duration_no_timedelta_holds_is_a_field_error(duration: str) -> None:
    """Found by fuzzing: an OverflowError escaped the model (and the CLI) for huge durations."""
    record = json.loads((ROOT / "examples" / "microcredential.json").read_text("utf-8"))
    record["volume_of_learning"] = duration
    with pytest.raises(InvalidFieldsError, match="volume_of_learning"):
        load_microcredential(record)
