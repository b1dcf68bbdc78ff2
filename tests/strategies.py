"""Hypothesis strategies for valid, varied micro-credentials and organisations.

`microcredential_data()` draws the JSON input form (plain strings or language maps,
vocabulary values as short names or IRIs...); `microcredentials()` validates it into a
`MicroCredential`. With ``complete=True`` (the default) every mandatory Annex I element is
present, so ``mc.missing_mandatory(issuer)`` is empty for an issuer with a country.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from edubadge.keys import KeyPair
from edubadge.keys.algorithms import get_algorithm
from edubadge.keys.ecdsa import EcdsaCurve
from edubadge.model import MicroCredential, Organisation
from edubadge.model.vocab import (
    ACCREDITATION_TYPES,
    ASSESSMENT_TYPES,
    ENTITLEMENT_TYPES,
    EQF,
    LEARNING_SCHEDULES,
    LEARNING_SETTINGS,
    MODES,
    SKILL_REUSE_LEVELS,
    SKILL_TYPES,
    SUPERVISION,
    Vocabulary,
)

LANGUAGES = ("en", "nl", "fr", "de", "nl-BE", "fr-BE", "el", "bg", "sr-Latn", "pt-PT", "ga")
COUNTRIES = ("BE", "NL", "DE", "FR", "IE", "EL", "GR", "PL", "FI", "PT", "NO", "CH", "XK", "TF")
IDENTIFIER_SCHEMES = (
    "studentId",
    "nationalIdentityNumber",
    "sisSourcedId",
    "identifier",
    "esi",
    "Student ID",
)

# Any printable text: letters of every script, symbols, Markdown characters, emoji...
_CHARS = st.characters(exclude_categories=("Cc", "Cs"))
_lines = st.text(_CHARS, min_size=1, max_size=30).filter(lambda s: bool(s.split()))
_paragraphs = st.text(st.one_of(_CHARS, st.sampled_from("\n\t")), min_size=1, max_size=60).filter(
    lambda s: bool(s.split())
)
_slug = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)


def lines() -> st.SearchStrategy[str]:
    """One line of any printable text (what titles and names are made of)."""
    return _lines


def texts(primary: str | None, *, paragraphs: bool = False) -> st.SearchStrategy[Any]:
    """Text input: a plain string (the primary language) or a language map.

    With `primary` the map always has that language; with None any languages.
    """
    base = _paragraphs if paragraphs else _lines
    maps = st.dictionaries(st.sampled_from(LANGUAGES), base, min_size=1, max_size=3)
    if primary is None:
        return st.one_of(base, maps)
    with_primary = st.tuples(base, maps).map(lambda t: {**t[1], primary: t[0]})
    return st.one_of(base, with_primary)


def iris() -> st.SearchStrategy[str]:
    """URLs, DIDs and URNs."""
    return st.one_of(
        _slug.map(lambda s: f"https://{s}.example.org/"),
        _slug.map(lambda s: f"https://example.org/x/{s}"),
        _slug.map(lambda s: f"did:web:{s}.example.org"),
        _slug.map(lambda s: f"did:key:z6Mk{s}"),
        st.uuids().map(lambda u: f"urn:uuid:{u}"),
    )


def emails() -> st.SearchStrategy[str]:
    return st.tuples(_slug, _slug).map(lambda t: f"{t[0]}.X@{t[1]}.example.org")


def concept(vocabulary: Vocabulary) -> st.SearchStrategy[Any]:
    """A concept of `vocabulary` as input: its IRI, short name or label (in any case)."""
    return st.sampled_from(vocabulary.concepts).flatmap(
        lambda c: st.sampled_from(
            [c.iri, vocabulary.name_of(c), c.label, vocabulary.name_of(c).upper()]
        )
    )


def concepts(vocabulary: Vocabulary, min_size: int, max_size: int) -> st.SearchStrategy[Any]:
    """Distinct concepts of `vocabulary` as input values."""
    return st.lists(
        st.sampled_from(vocabulary.concepts), min_size=min_size, max_size=max_size, unique=True
    ).flatmap(
        lambda cs: st.tuples(
            *(st.sampled_from([c.iri, vocabulary.name_of(c), c.label]) for c in cs)
        ).map(list)
    )


@st.composite
def organisation_data(
    draw: st.DrawFn, *, with_country: bool | None = True, primary: str | None = None
) -> dict[str, Any]:
    """Organisation input. `with_country`: True always, False never, None either."""
    data: dict[str, Any] = {"id": draw(iris()), "name": draw(texts(primary))}
    if with_country or (with_country is None and draw(st.booleans())):
        code = draw(st.sampled_from(COUNTRIES))
        data["country"] = draw(st.sampled_from([code, code.lower()]))
    if draw(st.booleans()):
        data["region"] = draw(_lines)
    if draw(st.booleans()):
        data["url"] = draw(_slug.map(lambda s: f"https://www.{s}.example.org/"))
    if draw(st.booleans()):
        data["email"] = draw(emails())
    return data


def organisations(*, with_country: bool | None = True) -> st.SearchStrategy[Organisation]:
    """Valid organisations (issuers); see `organisation_data`."""
    return organisation_data(with_country=with_country).map(Organisation.model_validate)


@st.composite
def learner_data(draw: st.DrawFn, primary: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if draw(st.booleans()):
        data["id"] = draw(st.sampled_from(["did:key:z6Mk", "did:web:", "https://id.example.org/"]))
        data["id"] += draw(_slug)
    if draw(st.integers(0, 3)):
        data["given_name"] = draw(texts(primary))
    if draw(st.integers(0, 3)):
        data["family_name"] = draw(texts(primary))
    if draw(st.integers(0, 5)) == 0:
        data["full_name"] = draw(texts(primary))
    if draw(st.booleans()):
        data["date_of_birth"] = draw(st.dates(min_value=datetime(1930, 1, 1).date())).isoformat()
    if draw(st.booleans()):
        data["email"] = draw(emails())
    identifiers = draw(
        st.lists(
            st.fixed_dictionaries(
                {"value": _lines, "scheme": st.sampled_from(IDENTIFIER_SCHEMES)},
                optional={"country": st.sampled_from(COUNTRIES)},
            ),
            max_size=2,
        )
    )
    if identifiers:
        data["identifiers"] = identifiers
    if not {"id", "given_name", "family_name", "full_name", "email", "identifiers"} & set(data):
        data["family_name"] = draw(texts(primary))
    return data


def _esco_skill(draw: st.DrawFn, primary: str) -> Any:
    iri = f"http://data.europa.eu/esco/skill/{draw(st.uuids())}"
    if draw(st.booleans()):
        return iri
    skill: dict[str, Any] = {"iri": iri}
    if draw(st.booleans()):
        skill["label"] = draw(texts(primary))
    return skill


@st.composite
def outcome_data(draw: st.DrawFn, primary: str) -> Any:
    text = draw(texts(primary))
    if isinstance(text, str) and draw(st.integers(0, 3)) == 0:
        return text  # an outcome may be given as its text alone (a plain string)
    outcome: dict[str, Any] = {"text": text}
    if draw(st.booleans()):
        outcome["skill_type"] = draw(concept(SKILL_TYPES))
    if draw(st.booleans()):
        outcome["reusability_level"] = draw(concept(SKILL_REUSE_LEVELS))
    if draw(st.booleans()):
        outcome["related_skills"] = [
            {"iri": f"http://data.europa.eu/snb/dcf/{s}", "label": draw(texts(primary))}
            for s in draw(st.lists(_slug, min_size=1, max_size=2, unique=True))
        ]
    skills = [_esco_skill(draw, primary) for _ in range(draw(st.integers(0, 3)))]
    if skills:
        outcome["esco_skills"] = skills
    return outcome


@st.composite
def microcredential_data(
    draw: st.DrawFn,
    *,
    complete: bool = True,
    with_ids: bool | None = None,
    optional: bool = True,
) -> dict[str, Any]:
    """MicroCredential input (JSON form). `with_ids`: True/False/None = id and
    achievement_id always/never/sometimes; `optional`: also draw the optional elements."""
    primary = draw(st.sampled_from(LANGUAGES))
    data: dict[str, Any] = {}
    if draw(st.booleans()) or primary != "en":
        data[draw(st.sampled_from(["primary_language", "language"]))] = draw(
            st.sampled_from([primary, primary.upper(), primary.replace("-", "_")])
        )
    for key in ("id", "achievement_id"):
        if with_ids or (with_ids is None and draw(st.booleans())):
            data[key] = draw(iris())
    data["title"] = draw(texts(primary))
    if draw(st.booleans()):
        data["description"] = draw(texts(primary, paragraphs=True))
    data["learner"] = draw(learner_data(primary))
    if draw(st.booleans()):
        data["awarding_bodies"] = draw(
            st.lists(
                organisation_data(with_country=None, primary=primary),
                min_size=1,
                max_size=3,
                unique_by=lambda o: o["id"],
            )
        )
    issued = draw(
        st.datetimes(
            min_value=datetime(2000, 1, 1),
            max_value=datetime(2040, 12, 31),
            timezones=st.sampled_from(
                [UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=5, minutes=30))]
            ),
        )
    )
    data["issued"] = issued.isoformat()
    if draw(st.booleans()):
        data["awarded"] = (issued.date() - timedelta(days=draw(st.integers(0, 400)))).isoformat()
    data["learning_outcomes"] = draw(st.lists(outcome_data(primary), min_size=1, max_size=4))
    credits: list[dict[str, Any]] = []
    if draw(st.integers(0, 3)):
        points = draw(st.decimals(min_value=0, max_value=60, places=2))
        credits.append(
            {"framework": draw(st.sampled_from(["ECTS", "ects"])), "points": str(points)}
        )
        if draw(st.booleans()):
            credits[-1]["points"] = float(points) if points == points.to_integral() else str(points)
    if draw(st.booleans()):
        credits.append({"framework": "ECVET", "points": draw(st.integers(0, 120))})
    if credits:
        data["credits"] = credits
    if not credits or draw(st.booleans()):
        data["volume_of_learning"] = f"PT{draw(st.integers(1, 2000))}H"
    data["eqf_level"] = draw(st.one_of(st.integers(1, 8), concept(EQF)))
    data["assessment_types"] = draw(concepts(ASSESSMENT_TYPES, 1, 3))
    data["participation_modes"] = draw(concepts(MODES, 1, 2))
    if draw(st.booleans()):
        data["learning_setting"] = draw(concept(LEARNING_SETTINGS))
    data["quality_assurance"] = [
        _quality_assurance(draw, primary, n) for n in range(draw(st.integers(1, 2)))
    ]
    first, *rest = data["quality_assurance"]
    if rest and ACCREDITATION_TYPES.lookup(first["type"]) == ACCREDITATION_TYPES.lookup(
        rest[0]["type"]
    ):
        data["quality_assurance"].pop()  # two QAs of one type: keep them distinct
    if optional:
        data.update(draw(optional_data(primary)))
    if not complete:
        for key in draw(st.sets(st.sampled_from(_DROPPABLE))):
            data.pop(key, None)
    return data


_DROPPABLE = (
    "learner",
    "title",
    "issued",
    "learning_outcomes",
    "credits",
    "volume_of_learning",
    "eqf_level",
    "assessment_types",
    "participation_modes",
    "quality_assurance",
)


def _quality_assurance(draw: st.DrawFn, primary: str, n: int) -> dict[str, Any]:
    qa: dict[str, Any] = {"type": draw(concept(ACCREDITATION_TYPES))}
    if draw(st.booleans()):
        # an id of its own: one organisation id, one description (JSON-LD merges same-id nodes)
        body = draw(organisation_data(with_country=None, primary=primary))
        qa["body"] = {**body, "id": f"{body['id']}#qa-body-{n}"}
    if draw(st.booleans()):
        qa["decision"] = draw(texts(None, paragraphs=True))
    if draw(st.booleans()):
        qa["id"] = f"{draw(iris())}#qa-{n}"
    return qa


_ISCED = ("00", "001", "0613", "0688", "041", "0412", "10", "1015", "05", "0588")
_NQF = ("c_c392e7a2", "c_009d9566", "c_01169e3f", "c_027221dd", "c_02d8bc18")


def _labelled_concepts(draw: st.DrawFn, codes: tuple[str, ...], base: str) -> list[Any]:
    chosen = draw(st.lists(st.sampled_from(codes), max_size=2, unique=True))
    return [
        {"iri": f"{base}{c}", "label": draw(_lines)} if draw(st.booleans()) else c for c in chosen
    ]


def _related(draw: st.DrawFn, primary: str) -> list[dict[str, Any]]:
    ids = draw(st.lists(iris(), max_size=2, unique=True))
    return [{"id": i, "title": draw(texts(primary))} for i in ids]


@st.composite
def optional_data(draw: st.DrawFn, primary: str) -> dict[str, Any]:
    """The optional Annex I elements (Part II and the rest), each present or not."""
    snb = "http://data.europa.eu/snb"
    candidates: dict[str, Any] = {
        "learning_outcome_summary": texts(None, paragraphs=True),
        "nqf_levels": st.builds(lambda: None),
        "isced_fields": st.builds(lambda: None),
        "learning_schedule": concept(LEARNING_SCHEDULES),
        "prerequisites": texts(None, paragraphs=True),
        "partial_qualification": st.booleans(),
        "further_information": texts(None, paragraphs=True),
        "homepage": _slug.map(lambda s: f"https://{s}.example.org/course"),
        "languages": st.lists(
            st.sampled_from(["en", "nl", "fr", "de", "ga", "el"]),
            min_size=1,
            max_size=2,
            unique=True,
        ),
        "valid_until": st.just("2045-01-01T00:00:00Z"),
    }
    data: dict[str, Any] = {}
    for key, strategy in candidates.items():
        if draw(st.booleans()):
            data[key] = draw(strategy)
    if "nqf_levels" in data:
        data["nqf_levels"] = _labelled_concepts(draw, _NQF, f"{snb}/qdr/")
    if "isced_fields" in data:
        data["isced_fields"] = _labelled_concepts(draw, _ISCED, f"{snb}/isced-f/")
    if draw(st.booleans()):
        grade: dict[str, Any] = {"value": draw(texts(None))}
        if draw(st.booleans()):
            grade["scheme"] = {"title": draw(texts(None))}
            if draw(st.booleans()):
                grade["scheme"]["description"] = draw(texts(None, paragraphs=True))
        data["grade"] = grade
        if draw(st.booleans()):
            data["supervision"] = draw(concept(SUPERVISION))
    for key in ("is_part_of", "has_part"):
        if draw(st.booleans()):
            data[key] = _related(draw, primary)
    if draw(st.booleans()):
        data["entitles_to"] = [
            {"title": draw(texts(None)), "type": draw(concept(ENTITLEMENT_TYPES)), "id": i}
            for i in draw(st.lists(iris(), max_size=2, unique=True))
        ]
    if draw(st.booleans()):
        urls = draw(st.lists(_slug, min_size=1, max_size=2, unique=True))
        data["supplementary_documents"] = [
            {"url": f"https://docs.example.org/{u}", "title": draw(texts(None))}
            if draw(st.booleans())
            else f"https://docs.example.org/{u}"
            for u in urls
        ]
    return data


def microcredentials(
    *, complete: bool = True, with_ids: bool | None = None, optional: bool = True
) -> st.SearchStrategy[MicroCredential]:
    """Valid micro-credentials; see `microcredential_data`."""
    return microcredential_data(complete=complete, with_ids=with_ids, optional=optional).map(
        MicroCredential.model_validate
    )


def key_from_seed(kind: str, seed: bytes) -> KeyPair:
    """A deterministic key of any type from 32 seed bytes (so Hypothesis can replay it)."""
    algorithm = get_algorithm(kind)
    if isinstance(algorithm, EcdsaCurve):
        scalar = int.from_bytes(seed * 2, "big") % (algorithm.order - 1) + 1
        raw = scalar.to_bytes(algorithm.size, "big")
    else:
        raw = seed
    secret = algorithm.secret_from_raw(raw, None)
    return KeyPair(kind, secret.public_key(), secret)


__all__ = [
    "COUNTRIES",
    "LANGUAGES",
    "concept",
    "concepts",
    "emails",
    "iris",
    "key_from_seed",
    "learner_data",
    "lines",
    "microcredential_data",
    "microcredentials",
    "optional_data",
    "organisation_data",
    "organisations",
    "outcome_data",
    "texts",
]
