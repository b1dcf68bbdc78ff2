"""EU controlled vocabularies as small hand-written tables of concept IRIs.

Each table holds the concepts of one EU (Europass / ELM) concept scheme that the
micro-credential model uses, with the scheme's English label. Input may name a concept by
its IRI or by a readable short name (case, hyphens and underscores do not matter:
``"Written Examination"``, ``"written-examination"``); the model stores a `Concept`.

Country codes are handled here too: input is ISO 3166-1 alpha-2, and the EU
authority-table IRI (``http://publications.europa.eu/resource/authority/country/BEL``) that
ELM uses is derived from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pycountry
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

__all__ = [
    "ACCREDITATION_TYPES",
    "ASSESSMENT_TYPES",
    "CREDIT_FRAMEWORKS",
    "ECTS",
    "ECVET",
    "ENTITLEMENT_TYPES",
    "EQF",
    "ISCED_F",
    "LEARNING_OPPORTUNITY_TYPES",
    "LEARNING_SCHEDULES",
    "LEARNING_SETTINGS",
    "MODES",
    "NQF",
    "SKILL_REUSE_LEVELS",
    "SKILL_TYPES",
    "SUPERVISION",
    "VOCABULARIES",
    "Concept",
    "OpenScheme",
    "Vocabulary",
    "country_iri",
    "country_name",
    "eqf_level",
    "language_concept",
    "language_from_iri",
    "language_iri",
    "normalise_country",
]


@dataclass(frozen=True, slots=True)
class Concept:
    """A concept of an EU controlled vocabulary: its IRI and its English label."""

    iri: str
    label: str

    def __str__(self) -> str:
        return self.iri


def _norm(name: str) -> str:
    """The form names are compared in: case-folded, ``-``/``_`` as spaces, spaces collapsed."""
    return " ".join(re.sub(r"[-_]", " ", name.casefold()).split())


class Vocabulary:
    """One concept scheme: an ordered table of concepts with short names and aliases.

    An instance is also a pydantic annotation: ``Annotated[Concept, EQF]`` accepts the IRI,
    a short name or alias (or an int for EQF) and stores the `Concept`; it serialises as the IRI.
    """

    def __init__(
        self,
        title: str,
        scheme: str,
        entries: Sequence[tuple[str, str, str, Sequence[str]]],
    ) -> None:
        """`entries`: (IRI, English label of the scheme, short name, further aliases)."""
        self.title = title
        self.scheme = scheme
        self.concepts: tuple[Concept, ...] = tuple(
            Concept(iri, label) for iri, label, _, _ in entries
        )
        self.names: tuple[str, ...] = tuple(name for _, _, name, _ in entries)
        self._by_iri: dict[str, Concept] = {c.iri: c for c in self.concepts}
        self._by_name: dict[str, Concept] = {}
        for concept, (_, label, name, aliases) in zip(self.concepts, entries, strict=True):
            for alias in (name, label, *aliases):
                key = _norm(alias)
                other = self._by_name.setdefault(key, concept)
                if other is not concept:  # pragma: no cover - a table bug
                    raise ValueError(f"{title}: name {alias!r} used for two concepts")

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts)

    def __len__(self) -> int:
        return len(self.concepts)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Concept):
            return self._by_iri.get(item.iri) == item
        return isinstance(item, str) and item in self._by_iri

    def __getitem__(self, key: str | int) -> Concept:
        """The concept for an IRI, short name, label or alias; `KeyError` if unknown."""
        concept = self.lookup(key)
        if concept is None:
            raise KeyError(key)
        return concept

    def __repr__(self) -> str:
        return f"Vocabulary({self.title!r}, {len(self)} concepts)"

    def lookup(self, value: str | int) -> Concept | None:
        """The concept `value` names (IRI, short name, label or alias), or None."""
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            value = str(value)
        value = value.strip()
        return self._by_iri.get(value) or self._by_name.get(_norm(value))

    def name_of(self, concept: Concept) -> str:
        """The short name of a concept of this vocabulary."""
        return self.names[self.concepts.index(self._by_iri[concept.iri])]

    def accepted(self) -> str:
        """The accepted short names, for error messages."""
        return ", ".join(repr(n) for n in self.names) + " (or the concept IRI)"

    # --- pydantic -----------------------------------------------------------------------

    def validate(self, value: Any) -> Concept:
        """Pydantic validator: a known concept, or an error naming the value and the choices."""
        if isinstance(value, Concept):
            if value in self:
                return self._by_iri[value.iri]
            value = value.iri
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise PydanticCustomError(
                "concept_type",
                "expected a {title} as a name or IRI, got {kind}",
                {"title": self.title, "kind": type(value).__name__},
            )
        concept = self.lookup(value)
        if concept is None:
            raise PydanticCustomError(
                "unknown_concept",
                "unknown {title} {value}; accepted: {accepted}",
                {"title": self.title, "value": repr(value), "accepted": self.accepted()},
            )
        return concept

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self.validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda c: c.iri, when_used="always"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "title": self.title,
            "description": f"A concept of {self.scheme}: its IRI or one of its short names",
            "enum": [*self.names, *(c.iri for c in self.concepts)],
        }


# --- the tables -----------------------------------------------------------------------------
# Labels are the English labels of the EU vocabularies (EU Vocabularies / ELM controlled
# lists); tests check each IRI and label against the Europass concept list in ../shared.

_SNB = "http://data.europa.eu/snb"

EQF = Vocabulary(
    "EQF level",
    f"{_SNB}/eqf/25831c2",
    [
        (
            f"{_SNB}/eqf/{n}",
            f"Level {n}",
            str(n),
            (f"EQF {n}", f"EQF level {n}", f"EQF{n}", f"level {n}"),
        )
        for n in range(1, 9)
    ],
)

CREDIT_FRAMEWORKS = Vocabulary(
    "credit framework",
    f"{_SNB}/education-credit/25831c2",
    [
        (f"{_SNB}/education-credit/6fcec5c5af", "European Credit Transfer System", "ECTS", ()),
        (
            f"{_SNB}/education-credit/60b314e826",
            "European credit system for vocational education and training",
            "ECVET",
            (),
        ),
    ],
)
ECTS = CREDIT_FRAMEWORKS["ECTS"]
ECVET = CREDIT_FRAMEWORKS["ECVET"]

ASSESSMENT_TYPES = Vocabulary(
    "assessment type",
    f"{_SNB}/assessment/25831c2",
    [
        (f"{_SNB}/assessment/{code}", label, label, aliases)
        for code, label, aliases in [
            ("6e6cb2cc78", "written examination", ("written exam",)),
            ("d30284d7df", "oral examination", ("oral exam",)),
            ("6a4db9f11d", "practical assessment", ()),
            ("795dac4096", "project work", ("project",)),
            ("4f03b91c0e", "portfolio", ()),
            ("2939dae15f", "marked assignment", ("assignment",)),
            ("b1b68f6735", "quiz", ()),
            ("3484bd7e51", "continuous evaluation", ("continuous assessment",)),
            ("19a2e5e671", "peer assessment", ()),
            ("812e3b0ae1", "peer review", ()),
            ("56539a6507", "group performance", ()),
            ("de4d165a6c", "artefact assessment", ("artifact assessment",)),
            ("c4256a2726", "problem based learning", ()),
            ("7331eb4762", "level of attendance", ("attendance",)),
        ]
    ],
)

MODES = Vocabulary(
    "mode of learning and assessment",
    f"{_SNB}/learning-assessment/25831c2",
    [
        (f"{_SNB}/learning-assessment/920fbb3cbe", "Online", "online", ("distance", "remote")),
        (
            f"{_SNB}/learning-assessment/9191af2ed9",
            "Presential",
            "presential",
            ("onsite", "on site", "in person", "face to face", "classroom"),
        ),
        (f"{_SNB}/learning-assessment/e92d221e4d", "Blended", "blended", ("hybrid",)),
        (f"{_SNB}/learning-assessment/729f3bed4b", "Workbased", "workbased", ("work based",)),
        (f"{_SNB}/learning-assessment/7813801c77", "Project based", "project based", ()),
        (
            f"{_SNB}/learning-assessment/ed4c557045",
            "Research-Lab based",
            "research-lab based",
            ("research lab", "lab based"),
        ),
    ],
)

LEARNING_SETTINGS = Vocabulary(
    "learning setting",
    f"{_SNB}/learning-setting/25831c2",
    [
        (f"{_SNB}/learning-setting/6fd4685715", "formal learning", "formal", ()),
        (
            f"{_SNB}/learning-setting/e207a81fc7",
            "non-formal learning",
            "non-formal",
            ("nonformal", "nonformal learning"),
        ),
    ],
)

ACCREDITATION_TYPES = Vocabulary(
    "quality assurance type",
    f"{_SNB}/accreditation/25831c2",
    [
        (
            f"{_SNB}/accreditation/bb4618238e",
            "Institutional Quality Assurance",
            "institutional quality assurance",
            ("institutional", "institutional QA"),
        ),
        (
            f"{_SNB}/accreditation/820101cba6",
            "Program Quality Assurance",
            "program quality assurance",
            ("programme quality assurance", "program QA", "programme QA", "programme", "program"),
        ),
        (
            f"{_SNB}/accreditation/003293d2ce",
            "Institutional License",
            "institutional license",
            ("institutional licence",),
        ),
        (
            f"{_SNB}/accreditation/e57dddfcf3",
            "Program License",
            "program license",
            ("programme licence", "programme license", "program licence"),
        ),
    ],
)

# The Europass skill-type list has exactly these two concepts (no autonomy/responsibility).
SKILL_TYPES = Vocabulary(
    "skill type",
    f"{_SNB}/skill-type/25831c2",
    [
        (f"{_SNB}/skill-type/knowledge", "knowledge", "knowledge", ()),
        (f"{_SNB}/skill-type/skill", "skill", "skill", ("skills", "skill/competence")),
    ],
)

SKILL_REUSE_LEVELS = Vocabulary(
    "skill reusability level",
    f"{_SNB}/skill-reuse-level/25831c2",
    [
        (f"{_SNB}/skill-reuse-level/{code}", label, code.replace("-", " "), ())
        for code, label in [
            ("transversal", "transversal skills and competences"),
            ("cross-sector", "cross-sector skills and competences"),
            ("sector-specific", "sector specific skills and competences"),
            ("occupation-specific", "occupation specific skills and competences"),
        ]
    ],
)

LEARNING_SCHEDULES = Vocabulary(
    "learning schedule",
    f"{_SNB}/learning-schedule/25831c2",
    [
        (f"{_SNB}/learning-schedule/72a0ab92fa", "Full time", "full time", ("full-time",)),
        (f"{_SNB}/learning-schedule/f230bae523", "Part time intensive", "part time intensive", ()),
        (
            f"{_SNB}/learning-schedule/67395e6b5a",
            "Part time light",
            "part time light",
            ("part time", "part-time"),
        ),
    ],
)

# Supervision and identity verification during assessment. EU Vocabularies publishes four
# concepts; only these two have labels that could be confirmed offline, so only these two
# are accepted (an unconfirmed label would put words into an issuer's credential).
SUPERVISION = Vocabulary(
    "supervision and identity verification",
    f"{_SNB}/supervision-verification/25831c2",
    [
        (
            f"{_SNB}/supervision-verification/c598449d64",
            "Unsupervised without ID Verification",
            "unsupervised without id verification",
            ("unsupervised", "no id verification"),
        ),
        (
            f"{_SNB}/supervision-verification/70be69aaf9",
            "Supervised with ID Verification",
            "supervised with id verification",
            ("supervised", "id verified"),
        ),
    ],
)

ENTITLEMENT_TYPES = Vocabulary(
    "entitlement type",
    f"{_SNB}/entitlement/25831c2",
    [
        (f"{_SNB}/entitlement/64aad92881", "learning opportunity", "learning opportunity", ()),
        (f"{_SNB}/entitlement/52f62180c2", "occupation", "occupation", ()),
        (f"{_SNB}/entitlement/bebd32e8e6", "membership", "membership", ()),
    ],
)

# Learning opportunity types: EDCI's Annex I sample types a micro-credential's
# specification as a "Short learning programme"; edubadge's EDC profile does the same.
LEARNING_OPPORTUNITY_TYPES = Vocabulary(
    "learning opportunity type",
    f"{_SNB}/learning-opportunity/25831c2",
    [
        (f"{_SNB}/learning-opportunity/74a4a268e8", "Short learning programme", "short", ()),
    ],
)

VOCABULARIES: Mapping[str, Vocabulary] = {
    "eqf": EQF,
    "credit_frameworks": CREDIT_FRAMEWORKS,
    "assessment_types": ASSESSMENT_TYPES,
    "modes": MODES,
    "learning_settings": LEARNING_SETTINGS,
    "accreditation_types": ACCREDITATION_TYPES,
    "skill_types": SKILL_TYPES,
    "skill_reuse_levels": SKILL_REUSE_LEVELS,
    "learning_schedules": LEARNING_SCHEDULES,
    "supervision": SUPERVISION,
    "entitlement_types": ENTITLEMENT_TYPES,
    "learning_opportunity_types": LEARNING_OPPORTUNITY_TYPES,
}


class OpenScheme:
    """A large EU concept scheme (NQF levels, ISCED-F fields) known by its IRI pattern.

    These lists hold hundreds of concepts that change with national frameworks, so the model
    checks that a value is a concept IRI of the scheme (a short code is accepted where the
    scheme has one) and keeps the label the input gives (else the code). A value of another
    scheme, or a malformed one, is refused. As a pydantic annotation it accepts the IRI, a
    code, or ``{"iri": ..., "label": ...}``, stores a `Concept` and serialises as that object.
    """

    def __init__(self, title: str, scheme: str, base: str, code: str, example: str) -> None:
        self.title = title
        self.scheme = scheme
        self.base = base
        self._code = re.compile(code)
        self.example = example

    def __repr__(self) -> str:
        return f"OpenScheme({self.title!r})"

    def __contains__(self, item: object) -> bool:
        iri = item.iri if isinstance(item, Concept) else item
        return isinstance(iri, str) and self.code_of(iri) is not None

    def code_of(self, iri: str) -> str | None:
        """The code of a concept IRI of this scheme, or None."""
        if not iri.startswith(self.base):
            return None
        code = iri[len(self.base) :]
        return code if self._code.fullmatch(code) else None

    def validate(self, value: Any) -> Concept:
        """Pydantic validator: a concept of this scheme with its label."""
        if isinstance(value, Concept):
            value = {"iri": value.iri, "label": value.label}
        label: Any = None
        if isinstance(value, Mapping):
            unknown = set(value) - {"iri", "label"}
            if unknown or "iri" not in value:
                raise PydanticCustomError(
                    "concept_type", "expected {{'iri': ..., 'label': ...}}", {}
                )
            value, label = value["iri"], value.get("label")
        if not isinstance(value, str) or (label is not None and not isinstance(label, str)):
            raise PydanticCustomError(
                "concept_type", "expected a {title} IRI or code", {"title": self.title}
            )
        value = value.strip()
        iri = value if value.startswith(self.base) else self.base + value
        code = self.code_of(iri)
        if code is None:
            raise PydanticCustomError(
                "unknown_concept",
                "not a {title}: {value}; expected a concept IRI of {scheme} such as {example}",
                {
                    "title": self.title,
                    "value": repr(value),
                    "scheme": self.scheme,
                    "example": self.example,
                },
            )
        label = " ".join((label or code).split())
        return Concept(iri, label or code)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self.validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda c: {"iri": c.iri, "label": c.label}, when_used="always"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "properties": {"iri": {"type": "string"}, "label": {"type": "string"}},
                    "required": ["iri"],
                },
            ],
            "title": self.title,
            "description": f"A concept of {self.scheme}, e.g. {self.example}",
        }


# ISCED-F 2013 fields of education: broad (2 digits), narrow (3) and detailed (4) fields.
ISCED_F = OpenScheme(
    "ISCED-F field",
    f"{_SNB}/isced-f/25831c2",
    f"{_SNB}/isced-f/",
    r"(?:0\d|10)(?:\d{1,2})?",
    f"{_SNB}/isced-f/0613",
)
# National qualifications framework levels (the EU's "qdr" scheme).
NQF = OpenScheme(
    "NQF level",
    f"{_SNB}/qdr/25831c2",
    f"{_SNB}/qdr/",
    r"c_[0-9a-f]{8}",
    f"{_SNB}/qdr/c_c392e7a2",
)


def eqf_level(n: int) -> Concept:
    """The EQF level concept ``http://data.europa.eu/snb/eqf/<n>`` (1..8)."""
    concept = EQF.lookup(n) if 1 <= n <= 8 else None
    if concept is None:
        raise ValueError(f"EQF levels are 1..8, not {n}")
    return concept


def eqf_number(concept: Concept) -> int:
    """The number (1..8) of an EQF level concept."""
    return int(EQF.name_of(concept))


# --- countries ------------------------------------------------------------------------------

_COUNTRY_AUTHORITY = "http://publications.europa.eu/resource/authority/country/"
# Where the EU authority table does not use the ISO 3166-1 alpha-3 code.
_AUTHORITY_CODE = {"TF": "FQ0", "XK": "1A0"}
# Codes in wide use that ISO 3166-1 does not (yet) assign.
_EXTRA_COUNTRIES = {"XK": "Kosovo"}
# The EU's own two-letter codes for Greece and the United Kingdom.
_EU_ALPHA2 = {"EL": "GR", "UK": "GB"}


def normalise_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code (any case; also the EU's ``EL`` and ``UK``) or an EU
    authority country IRI -> the ISO alpha-2 code.

    Raises `ValueError` for anything else.
    """
    text = value.strip()
    if text.startswith(_COUNTRY_AUTHORITY):
        code = text[len(_COUNTRY_AUTHORITY) :]
        for alpha2, authority in _AUTHORITY_CODE.items():
            if code == authority:
                return alpha2
        found = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
        if found is None:
            raise ValueError(f"not a country of the EU authority table: {value!r}")
        return str(found.alpha_2)
    upper = _EU_ALPHA2.get(text.upper(), text.upper())
    if len(upper) == 2 and (upper in _EXTRA_COUNTRIES or pycountry.countries.get(alpha_2=upper)):
        return upper
    raise ValueError(f"not an ISO 3166-1 alpha-2 country code: {value!r}")


def country_iri(alpha2: str) -> str:
    """The EU authority IRI of a country, e.g. ``BE`` -> ``.../authority/country/BEL``."""
    code = normalise_country(alpha2)
    if code in _AUTHORITY_CODE:
        return _COUNTRY_AUTHORITY + _AUTHORITY_CODE[code]
    found = pycountry.countries.get(alpha_2=code)
    assert found is not None
    return _COUNTRY_AUTHORITY + str(found.alpha_3)


_LANGUAGE_AUTHORITY = "http://publications.europa.eu/resource/authority/language/"


def language_iri(tag: str) -> str:
    """The EU authority IRI of a BCP 47 tag's language: ``nl-BE`` -> ``.../language/NLD``."""
    primary = tag.split("-")[0].lower()
    found = (
        pycountry.languages.get(alpha_2=primary)
        if len(primary) == 2
        else pycountry.languages.get(alpha_3=primary)
    )
    if found is None:
        raise ValueError(f"no EU authority code for the language {tag!r}")
    return _LANGUAGE_AUTHORITY + str(found.alpha_3).upper()


def language_concept(tag: str) -> Concept:
    """The EU authority concept of a BCP 47 tag's language, with its English name."""
    iri = language_iri(tag)
    found = pycountry.languages.get(alpha_3=iri.rsplit("/", 1)[1].lower())
    return Concept(iri, str(found.name) if found is not None else tag)


def language_from_iri(iri: str) -> str:
    """The BCP 47 tag (two letters where ISO 639-1 has one) of an EU authority language IRI."""
    if not iri.startswith(_LANGUAGE_AUTHORITY):
        raise ValueError(f"not an EU authority language IRI: {iri!r}")
    code = iri[len(_LANGUAGE_AUTHORITY) :].lower()
    found = pycountry.languages.get(alpha_3=code)
    if found is None:
        raise ValueError(f"not a language of the EU authority table: {iri!r}")
    return str(getattr(found, "alpha_2", found.alpha_3))


def country_name(alpha2: str) -> str:
    """A readable English name of a country (ISO short name, or its common name)."""
    code = normalise_country(alpha2)
    if code in _EXTRA_COUNTRIES:
        return _EXTRA_COUNTRIES[code]
    found = pycountry.countries.get(alpha_2=code)
    assert found is not None
    return str(getattr(found, "common_name", found.name))
