"""The neutral micro-credential model: the elements of Annex I of the EU Council
Recommendation of 16 June 2022 on a European approach to micro-credentials.

The field names (snake_case) are also the JSON input format read by `load_microcredential`;
`docs/model.md` describes every field. Every model is immutable (frozen, sequences are
tuples) and rejects unknown fields. New optional Annex I elements are added as new optional
fields, so existing input stays valid.

Text fields are multilingual: input is a plain string (meaning the credential's
`primary_language`) or a language map ``{"en": "...", "nl": "..."}``; both become a `Text`.
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Final, Self
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    AliasChoices,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ModelWrapValidatorHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from edubadge.errors import InputError, InvalidFieldsError, NotAMicroCredentialError
from edubadge.model.vocab import (
    ACCREDITATION_TYPES,
    ASSESSMENT_TYPES,
    CREDIT_FRAMEWORKS,
    ECTS,
    ENTITLEMENT_TYPES,
    EQF,
    ISCED_F,
    LEARNING_SCHEDULES,
    LEARNING_SETTINGS,
    MODES,
    NQF,
    SKILL_REUSE_LEVELS,
    SKILL_TYPES,
    SUPERVISION,
    Concept,
    country_iri,
    language_iri,
    normalise_country,
)
from edubadge.parsing import parse_json

__all__ = [
    "MANDATORY_ELEMENTS",
    "CreditPoint",
    "Entitlement",
    "EscoSkill",
    "Grade",
    "GradingScheme",
    "Identifier",
    "Learner",
    "LearningOutcome",
    "MicroCredential",
    "Organisation",
    "QualityAssurance",
    "RelatedAchievement",
    "SkillReference",
    "SupplementaryDocument",
    "Text",
    "format_duration",
    "load_microcredential",
    "normalise_language",
]

# The mandatory elements of Annex I, Part I, by the names `missing_mandatory` reports.
MANDATORY_ELEMENTS: Final = (
    "learner",
    "title",
    "country of the issuer",
    "awarding body",
    "date of issuing",
    "learning outcomes",
    "workload",
    "level",
    "assessment type",
    "form of participation",
    "quality assurance",
)

# The language plain strings are taken to be in while a MicroCredential is validated.
_PRIMARY_LANGUAGE: ContextVar[str] = ContextVar("edubadge_primary_language", default="en")

# --- languages ------------------------------------------------------------------------------

# BCP 47 language[-Script][-REGION]: the subset the OB 3.0 schema accepts for `inLanguage`.
_LANGUAGE_RE = re.compile(r"[a-z]{2,4}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?")


def normalise_language(tag: str) -> str:
    """A BCP 47 tag (language, optional script and region) in canonical case.

    ``"EN"`` -> ``"en"``, ``"nl_be"`` -> ``"nl-BE"``, ``"sr-latn-rs"`` -> ``"sr-Latn-RS"``.
    Raises `ValueError` for anything else (variants and extensions are not supported).
    """
    parts = tag.strip().replace("_", "-").split("-")
    fixed = [parts[0].lower()]
    for part in parts[1:]:
        fixed.append(part.title() if len(part) == 4 else part.upper())
    result = "-".join(fixed)
    if not _LANGUAGE_RE.fullmatch(result):
        raise ValueError(f"not a BCP 47 language tag such as 'en' or 'nl-BE': {tag!r}")
    return result


def _language(value: str) -> str:
    try:
        return normalise_language(value)
    except ValueError as exc:
        raise PydanticCustomError("language_tag", "{reason}", {"reason": str(exc)}) from None


LanguageTag = Annotated[str, AfterValidator(_language)]

# --- text ---------------------------------------------------------------------------------


class Text(Mapping[str, str]):
    """Immutable multilingual text: BCP 47 language tag -> string, in input order.

    ``Text("Data analysis")`` is English; ``Text({"en": "...", "nl": "..."})`` has two.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, str] | str, language: str = "en") -> None:
        if isinstance(values, str):
            values = {language: values}
        items: dict[str, str] = {}
        for key, text in values.items():
            if not isinstance(key, str) or not isinstance(text, str):
                raise ValueError("a language map maps language tags to strings")
            tag = normalise_language(key)
            if tag in items:
                raise ValueError(f"language {tag!r} given twice")
            items[tag] = text
        if not items:
            raise ValueError("a language map needs at least one language")
        self._values = items

    def __getitem__(self, language: str) -> str:
        return self._values[language]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        return hash(frozenset(self._values.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"Text({self._values!r})"

    def best(self, language: str) -> str:
        """The text in `language`, else in a language with the same primary subtag, else in
        English, else the first one given."""
        if language in self._values:
            return self._values[language]
        base = language.split("-")[0]
        for tag, text in self._values.items():
            if tag.split("-")[0] == base:
                return text
        return self._values.get("en") or next(iter(self._values.values()))


def _clean(text: str, *, single_line: bool) -> str:
    """NFC, no control characters; single-line text has its whitespace collapsed."""
    text = unicodedata.normalize("NFC", text)
    if single_line:
        text = " ".join(text.split())
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in "\n\t":
            raise PydanticCustomError(
                "control_character", "contains the control character {char}", {"char": repr(char)}
            )
    if not text:
        raise PydanticCustomError("empty_text", "must not be empty")
    return text


@dataclass(frozen=True)
class _TextField:
    """Pydantic annotation for `Text` fields (see `TextLine` and the others below)."""

    single_line: bool
    require_primary: bool

    def validate(self, value: Any) -> Text:
        primary = _PRIMARY_LANGUAGE.get()
        if isinstance(value, str):
            value = {primary: value}
        if not isinstance(value, Mapping):
            raise PydanticCustomError(
                "text_type",
                'expected a string or a language map such as {"en": "...", "nl": "..."}',
            )
        try:
            text = Text(value)
        except ValueError as exc:
            raise PydanticCustomError("language_map", "{reason}", {"reason": str(exc)}) from None
        cleaned: dict[str, str] = {}
        for tag, item in text.items():
            try:
                cleaned[tag] = _clean(item, single_line=self.single_line)
            except PydanticCustomError as exc:
                raise PydanticCustomError(
                    exc.type, "{language}: {reason}", {"language": tag, "reason": exc.message()}
                ) from None
        if self.require_primary and primary not in cleaned:
            raise PydanticCustomError(
                "primary_language_missing",
                "no text in the primary language {primary} (given: {given})",
                {"primary": repr(primary), "given": ", ".join(cleaned)},
            )
        return Text(cleaned)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self.validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                dict, when_used="always"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1},
            ],
            "description": "text in the primary language, or a map of BCP 47 tag -> text",
        }


# A single line (whitespace collapsed), in any language.
TextLine = Annotated[Text, _TextField(single_line=True, require_primary=False)]
# A single line that must be given in the credential's primary language (title, outcomes).
PrimaryLine = Annotated[Text, _TextField(single_line=True, require_primary=True)]
# Free text (line breaks kept) that must be given in the primary language (description).
PrimaryText = Annotated[Text, _TextField(single_line=False, require_primary=True)]
# Free text (line breaks kept), in any language.
FreeText = Annotated[Text, _TextField(single_line=False, require_primary=False)]


def _line(value: str) -> str:
    return _clean(value, single_line=True)


Line = Annotated[str, AfterValidator(_line)]

# --- identifiers --------------------------------------------------------------------------

_IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+")


def _iri(value: str) -> str:
    value = value.strip()
    if not _IRI_RE.fullmatch(value):
        raise PydanticCustomError(
            "iri", "not an absolute IRI (a URL, DID or URN): {value}", {"value": repr(value)}
        )
    if value.lower().startswith(("http:", "https:")) and not urlsplit(value).netloc:
        raise PydanticCustomError("iri", "URL without a host: {value}", {"value": repr(value)})
    return value


def _http_url(value: str) -> str:
    value = _iri(value)
    if urlsplit(value).scheme.lower() not in ("http", "https"):
        raise PydanticCustomError("url", "not an http(s) URL: {value}", {"value": repr(value)})
    return value


_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")


def _email(value: str) -> str:
    value = value.strip()
    if not _EMAIL_RE.fullmatch(value):
        raise PydanticCustomError("email", "not an email address: {value}", {"value": repr(value)})
    return value


_ESCO_SKILL_RE = re.compile(r"http://data\.europa\.eu/esco/skill/[A-Za-z0-9._-]+")


def _esco_skill(value: str) -> str:
    value = value.strip()
    if not _ESCO_SKILL_RE.fullmatch(value):
        raise PydanticCustomError(
            "esco_skill",
            "not an ESCO skill IRI (http://data.europa.eu/esco/skill/...): {value}",
            {"value": repr(value)},
        )
    return value


def _country(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("country_type", "expected an ISO 3166-1 alpha-2 code")
    try:
        return normalise_country(value)
    except ValueError as exc:
        raise PydanticCustomError("country", "{reason}", {"reason": str(exc)}) from None


def _scheme(value: str) -> str:
    value = " ".join(value.split()).removeprefix("ext:")
    if not value or any(unicodedata.category(c) == "Cc" for c in value):
        raise PydanticCustomError(
            "identifier_scheme",
            "an identifier scheme is a name such as 'studentId' or 'Student ID': {value}",
            {"value": repr(value)},
        )
    if value in ("name", "emailAddress"):
        raise PydanticCustomError(
            "identifier_scheme",
            "the learner's name and email have their own fields (given_name, family_name, email)",
        )
    return value


IRI = Annotated[str, AfterValidator(_iri)]
HttpURL = Annotated[str, AfterValidator(_http_url)]
Email = Annotated[str, AfterValidator(_email)]
EscoSkillIRI = Annotated[str, AfterValidator(_esco_skill)]
CountryCode = Annotated[str, AfterValidator(_country)]
IdentifierScheme = Annotated[str, AfterValidator(_scheme)]

# --- durations ----------------------------------------------------------------------------

_DURATION_RE = re.compile(
    r"P(?:(?P<w>\d+(?:\.\d+)?)W)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        result = value
    elif isinstance(value, str):
        text = value.strip().upper().replace(",", ".")
        match = _DURATION_RE.fullmatch(text)
        if not match or text in ("P", "PT") or text.endswith("T"):
            raise PydanticCustomError(
                "duration",
                "not an ISO 8601 duration in weeks, days, hours, minutes or seconds "
                "such as 'PT60H' (years and months have no fixed length): {value}",
                {"value": repr(value)},
            )
        parts = {k: float(v) for k, v in match.groupdict().items() if v}
        try:
            result = timedelta(
                weeks=parts.get("w", 0),
                days=parts.get("d", 0),
                hours=parts.get("h", 0),
                minutes=parts.get("m", 0),
                seconds=parts.get("s", 0),
            )
        except (OverflowError, ValueError):  # found by fuzzing: beyond what a timedelta holds
            raise PydanticCustomError(
                "duration", "longer than any learning can last: {value}", {"value": repr(value)}
            ) from None
    else:
        raise PydanticCustomError("duration_type", "expected an ISO 8601 duration such as 'PT60H'")
    if result <= timedelta(0):
        raise PydanticCustomError("duration", "must be longer than zero")
    return result


def format_duration(value: timedelta) -> str:
    """An ISO 8601 duration in hours, minutes and seconds: ``timedelta(hours=60)`` -> ``PT60H``."""
    seconds = value.total_seconds()
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    out = "PT"
    if hours:
        out += f"{int(hours)}H"
    if minutes:
        out += f"{int(minutes)}M"
    if secs or out == "PT":
        out += f"{secs:g}S"
    return out


@dataclass(frozen=True)
class _DurationField:
    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _duration,
            serialization=core_schema.plain_serializer_function_ser_schema(
                format_duration, when_used="always"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "duration", "examples": ["PT60H"]}


Duration = Annotated[timedelta, _DurationField()]


def _instruction_language(value: str) -> str:
    tag = _language(value).split("-")[0]
    try:
        language_iri(tag)
    except ValueError as exc:
        raise PydanticCustomError("language", "{reason}", {"reason": str(exc)}) from None
    return tag


# A language of instruction: its ISO 639 code ("nl-BE" is stored as "nl", as ELM records it).
InstructionLanguage = Annotated[str, AfterValidator(_instruction_language)]
EQFLevel = Annotated[Concept, EQF]
NQFLevel = Annotated[Concept, NQF]
IscedField = Annotated[Concept, ISCED_F]
SkillReuseLevel = Annotated[Concept, SKILL_REUSE_LEVELS]
LearningSchedule = Annotated[Concept, LEARNING_SCHEDULES]
Supervision = Annotated[Concept, SUPERVISION]
EntitlementType = Annotated[Concept, ENTITLEMENT_TYPES]
CreditFramework = Annotated[Concept, CREDIT_FRAMEWORKS]
AssessmentType = Annotated[Concept, ASSESSMENT_TYPES]
Mode = Annotated[Concept, MODES]
LearningSetting = Annotated[Concept, LEARNING_SETTINGS]
AccreditationType = Annotated[Concept, ACCREDITATION_TYPES]
SkillType = Annotated[Concept, SKILL_TYPES]


def _unique(values: tuple[Any, ...], key: Any, what: str) -> None:
    seen: set[Any] = set()
    for value in values:
        k = key(value)
        if k in seen:
            raise PydanticCustomError(
                "duplicate", "{what} {value} given twice", {"what": what, "value": repr(str(k))}
            )
        seen.add(k)


# --- the models ---------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Organisation(_Model):
    """An organisation: issuer, awarding body or quality assurance body."""

    id: IRI = Field(description="URL or DID of the organisation")
    name: TextLine
    country: CountryCode | None = Field(
        default=None,
        description="ISO 3166-1 alpha-2 code (an EU authority country IRI is accepted)",
    )
    region: Line | None = None
    url: HttpURL | None = Field(default=None, description="homepage")
    email: Email | None = None

    @property
    def country_iri(self) -> str | None:
        """The EU authority IRI of the country (``.../authority/country/BEL``), if known."""
        return None if self.country is None else country_iri(self.country)


class Identifier(_Model):
    """Another identifier of the learner (student number, national identity number, ...)."""

    value: Line
    scheme: IdentifierScheme = Field(
        default="identifier",
        description="kind of identifier: an OB 3.0 identity type such as "
        "'nationalIdentityNumber', 'sisSourcedId', 'studentId'... or any word",
    )
    country: CountryCode | None = Field(
        default=None, description="country that issued it (for national identifiers)"
    )


class Learner(_Model):
    """The learner. At least one of `id`, a name, `email` or `identifiers` is needed."""

    id: IRI | None = Field(default=None, description="DID or other URI of the learner")
    given_name: TextLine | None = None
    family_name: TextLine | None = None
    full_name: TextLine | None = Field(
        default=None, description="only when it is not the given and family name"
    )
    date_of_birth: date | None = None
    email: Email | None = None
    identifiers: tuple[Identifier, ...] = ()

    @model_validator(mode="after")
    def _identifies(self) -> Self:
        names = (self.given_name, self.family_name, self.full_name)
        if not (self.id or any(names) or self.email or self.identifiers):
            raise PydanticCustomError(
                "learner_unidentified",
                "a learner needs an id, a name, an email or an identifier",
            )
        return self

    @model_validator(mode="after")
    def _full_name_only_when_different(self) -> Self:
        if self.full_name is None or not (self.given_name or self.family_name):
            return self
        joined = {
            tag: " ".join(t.best(tag) for t in (self.given_name, self.family_name) if t)
            for tag in self.full_name
        }
        if dict(self.full_name) == joined:
            return self.model_copy(update={"full_name": None})
        return self

    def name(self, language: str) -> str | None:
        """The full name in `language` (or the best fallback), or None: `full_name`, else
        given and family name."""
        if self.full_name is not None:
            return self.full_name.best(language)
        parts = [t.best(language) for t in (self.given_name, self.family_name) if t is not None]
        return " ".join(parts) or None


class EscoSkill(_Model):
    """An ESCO skill: its IRI and, optionally, its label. Input may be the IRI alone."""

    iri: EscoSkillIRI
    label: TextLine | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_iri(cls, data: Any) -> Any:
        return {"iri": data} if isinstance(data, str) else data


class SkillReference(_Model):
    """A skill or competence of another framework (DigComp, a national list...): IRI, label."""

    iri: IRI
    label: TextLine | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_iri(cls, data: Any) -> Any:
        return {"iri": data} if isinstance(data, str) else data


class LearningOutcome(_Model):
    """A learning outcome statement. Input may be the text alone."""

    text: PrimaryLine
    skill_type: SkillType | None = Field(default=None, description="'knowledge' or 'skill'")
    reusability_level: SkillReuseLevel | None = Field(
        default=None, description="transversal, cross-sector, sector-specific, occupation-specific"
    )
    esco_skills: tuple[EscoSkill, ...] = ()
    related_skills: tuple[SkillReference, ...] = Field(
        default=(), description="skills of other frameworks than ESCO"
    )

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return {"text": data} if isinstance(data, str) else data

    @field_validator("esco_skills")
    @classmethod
    def _distinct_skills(cls, value: tuple[EscoSkill, ...]) -> tuple[EscoSkill, ...]:
        _unique(value, lambda s: s.iri, "ESCO skill")
        return value

    @field_validator("related_skills")
    @classmethod
    def _distinct_related(cls, value: tuple[SkillReference, ...]) -> tuple[SkillReference, ...]:
        _unique(value, lambda s: s.iri, "related skill")
        return value


class CreditPoint(_Model):
    """Credit points in a credit framework (ECTS by default)."""

    framework: CreditFramework = ECTS
    points: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]


class QualityAssurance(_Model):
    """The quality assurance underpinning the micro-credential."""

    type: AccreditationType
    body: Organisation | None = Field(default=None, description="the quality assurance agency")
    decision: FreeText | None = Field(default=None, description="the decision, in words")
    id: IRI | None = Field(default=None, description="URL or id of the decision or report")


class GradingScheme(_Model):
    """The grading scheme a grade is given in."""

    title: TextLine
    description: FreeText | None = None


class Grade(_Model):
    """The grade achieved. Input may be the grade alone (``"8/10"``, ``"Pass"``)."""

    value: TextLine
    scheme: GradingScheme | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_value(cls, data: Any) -> Any:
        return {"value": data} if isinstance(data, str) else data


class RelatedAchievement(_Model):
    """Another micro-credential or qualification this one stacks with. Input may be its IRI
    alone (EDC needs the title too)."""

    id: IRI
    title: TextLine | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_iri(cls, data: Any) -> Any:
        return {"id": data} if isinstance(data, str) else data


class Entitlement(_Model):
    """What the micro-credential entitles its holder to (further learning, an occupation...)."""

    title: TextLine
    type: EntitlementType = Field(description="learning opportunity, occupation or membership")
    id: IRI | None = None


class SupplementaryDocument(_Model):
    """A public document with further information. Input may be the URL alone."""

    url: HttpURL
    title: TextLine | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_url(cls, data: Any) -> Any:
        return {"url": data} if isinstance(data, str) else data


class MicroCredential(_Model):
    """An EU micro-credential: the elements of Annex I of the Council Recommendation (2022).

    Every element is optional in the model so that drafts can be loaded and checked:
    `missing_mandatory` names what a micro-credential still lacks.
    """

    id: IRI | None = Field(default=None, description="id of the credential")
    achievement_id: IRI | None = Field(
        default=None, description="URL or URN of the achievement (the micro-credential definition)"
    )
    primary_language: LanguageTag = Field(
        default="en",
        validation_alias=AliasChoices("primary_language", "language"),
        description="BCP 47 language of plain-string texts and of single-language outputs",
    )
    title: PrimaryLine | None = None
    description: PrimaryText | None = None
    learner: Learner | None = None
    awarding_bodies: tuple[Organisation, ...] = Field(
        default=(), description="empty means: the issuer is the awarding body"
    )
    issued: AwareDatetime | None = Field(
        default=None, description="date of issuing; kept in UTC to the second"
    )
    awarded: date | None = None
    learning_outcomes: tuple[LearningOutcome, ...] = ()
    learning_outcome_summary: FreeText | None = Field(
        default=None, description="the learning outcomes in prose, besides the list"
    )
    credits: tuple[CreditPoint, ...] = ()
    volume_of_learning: Duration | None = Field(
        default=None, description="notional workload as an ISO 8601 duration, e.g. PT125H"
    )
    eqf_level: EQFLevel | None = None
    assessment_types: tuple[AssessmentType, ...] = ()
    participation_modes: tuple[Mode, ...] = Field(
        default=(), description="form of participation: online, presential, blended, ..."
    )
    learning_setting: LearningSetting | None = None
    quality_assurance: tuple[QualityAssurance, ...] = ()
    # --- optional elements (Annex I, Part II) and the rest of Part I
    nqf_levels: tuple[NQFLevel, ...] = Field(
        default=(), description="national qualifications framework levels"
    )
    isced_fields: tuple[IscedField, ...] = Field(
        default=(), description="ISCED-F fields of education (subject areas)"
    )
    learning_schedule: LearningSchedule | None = Field(
        default=None, description="full time, part time intensive, part time light"
    )
    supervision: Supervision | None = Field(
        default=None, description="supervision and identity verification during assessment"
    )
    grade: Grade | None = None
    prerequisites: FreeText | None = Field(default=None, description="prerequisites to enrol")
    partial_qualification: bool | None = Field(
        default=None, description="whether it is a unit of a larger qualification"
    )
    is_part_of: tuple[RelatedAchievement, ...] = ()
    has_part: tuple[RelatedAchievement, ...] = ()
    entitles_to: tuple[Entitlement, ...] = ()
    further_information: FreeText | None = None
    homepage: HttpURL | None = None
    supplementary_documents: tuple[SupplementaryDocument, ...] = ()
    languages: tuple[InstructionLanguage, ...] = Field(
        default=(), description="languages of instruction and assessment (ISO 639 codes)"
    )
    valid_until: AwareDatetime | None = Field(
        default=None, description="end of validity; kept in UTC to the second"
    )

    @model_validator(mode="wrap")
    @classmethod
    def _in_primary_language(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """Plain strings anywhere in the input mean the primary language."""
        language = "en"
        if isinstance(data, Mapping):
            raw = data.get("primary_language", data.get("language"))
            if isinstance(raw, str):
                with contextlib.suppress(ValueError):  # reported as a field error
                    language = normalise_language(raw)
        token = _PRIMARY_LANGUAGE.set(language)
        try:
            return handler(data)
        finally:
            _PRIMARY_LANGUAGE.reset(token)

    @field_validator("issued", "valid_until")
    @classmethod
    def _utc_seconds(cls, value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(UTC).replace(microsecond=0)

    @field_validator("credits")
    @classmethod
    def _one_per_framework(cls, value: tuple[CreditPoint, ...]) -> tuple[CreditPoint, ...]:
        _unique(value, lambda c: CREDIT_FRAMEWORKS.name_of(c.framework), "credit framework")
        return value

    @field_validator("assessment_types", "participation_modes", "nqf_levels", "isced_fields")
    @classmethod
    def _distinct(cls, value: tuple[Concept, ...]) -> tuple[Concept, ...]:
        _unique(value, lambda c: c.iri, "value")
        return value

    @field_validator(
        "awarding_bodies", "quality_assurance", "entitles_to", "supplementary_documents"
    )
    @classmethod
    def _distinct_items(cls, value: tuple[Any, ...]) -> tuple[Any, ...]:
        # JSON-LD merges repeated values: a list given twice would not be what is signed
        _unique(value, lambda i: getattr(i, "id", None) or getattr(i, "url", None) or i, "entry")
        return value

    @field_validator("languages")
    @classmethod
    def _distinct_languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        _unique(value, lambda v: v, "language")
        return value

    @field_validator("is_part_of", "has_part")
    @classmethod
    def _distinct_related(
        cls, value: tuple[RelatedAchievement, ...]
    ) -> tuple[RelatedAchievement, ...]:
        _unique(value, lambda r: r.id, "achievement")
        return value

    @field_validator("awarded")
    @classmethod
    def _awarded_not_after_issued(cls, value: date | None, info: ValidationInfo) -> date | None:
        issued = info.data.get("issued")
        if value and isinstance(issued, datetime) and value > issued.date() + timedelta(days=1):
            raise PydanticCustomError(
                "awarded_after_issued",
                "awarded ({awarded}) is after the date of issuing ({issued})",
                {"awarded": value.isoformat(), "issued": issued.isoformat()},
            )
        return value

    @model_validator(mode="after")
    def _one_thing_per_id(self) -> Self:
        # JSON-LD merges nodes that share an id: the credential, its achievement, related
        # achievements and the organisations must each keep their own.
        clash = _first_shared_id(self.identified())
        if clash:
            (first, second), value = clash
            raise PydanticCustomError(
                "shared_id",
                "{second} {value} is already the id of {first}: each thing needs its own id",
                {"first": first, "second": second, "value": repr(value)},
            )
        return self

    def identified(self) -> list[tuple[str, str, object]]:
        """(field path, id, the thing) for everything in the record that carries an id."""
        found: list[tuple[str, str, object]] = []
        for path, thing in (("id", None), ("achievement_id", None)):
            value = getattr(self, path)
            if value is not None:
                found.append((path, value, thing or path))
        if self.learner is not None and self.learner.id is not None:
            found.append(("learner.id", self.learner.id, self.learner))
        for name in (
            "awarding_bodies",
            "quality_assurance",
            "is_part_of",
            "has_part",
            "entitles_to",
        ):
            for i, item in enumerate(getattr(self, name)):
                if getattr(item, "id", None) is not None:
                    found.append((f"{name}[{i}].id", item.id, item))
        for i, qa in enumerate(self.quality_assurance):
            if qa.body is not None:
                found.append((f"quality_assurance[{i}].body.id", qa.body.id, qa.body))
        return found

    # --- derived views ----------------------------------------------------------------

    def effective_awarding_bodies(self, issuer: Organisation) -> tuple[Organisation, ...]:
        """The awarding bodies, or the issuer when none is given."""
        return self.awarding_bodies or (issuer,)

    @property
    def ects(self) -> Decimal | None:
        """The ECTS credit points, if given."""
        for credit in self.credits:
            if credit.framework == ECTS:
                return credit.points
        return None

    def ready_to_issue(
        self, issuer: Organisation, *, micro_credential: bool, what: str
    ) -> MicroCredential:
        """This record with `issued` filled in (now, when absent), checked for issuing as
        `what` ("badge", "EDC"): marked as a micro-credential only when nothing mandatory is
        missing (`NotAMicroCredentialError`), and never without a title and a learner."""
        issued = self.issued or datetime.now(UTC)
        ready = self.model_copy(update={"issued": issued})
        if micro_credential:
            missing = ready.missing_mandatory(issuer)
            if missing:
                raise NotAMicroCredentialError(missing)
        problems = [
            (field, f"needed for any {what}")
            for field, value in (("title", self.title), ("learner", self.learner))
            if value is None
        ]
        clash = _first_shared_id([("issuer.id", issuer.id, issuer), *self.identified()])
        if clash:
            (first, second), value = clash
            problems.append((second, f"{value!r} is already the id of {first}"))
        if problems:
            raise InvalidFieldsError(what, problems)
        return ready

    def missing_mandatory(self, issuer: Organisation) -> list[str]:
        """The mandatory Annex I elements this micro-credential lacks, by the names of
        `MANDATORY_ELEMENTS`, in that order; empty when complete.

        The awarding body is never missing (it defaults to the issuer); "date of issuing"
        is missing while `issued` is None (issuing fills it in before checking).
        """
        present = {
            "learner": self.learner is not None,
            "title": self.title is not None,
            "country of the issuer": issuer.country is not None,
            "awarding body": bool(self.effective_awarding_bodies(issuer)),
            "date of issuing": self.issued is not None,
            "learning outcomes": bool(self.learning_outcomes),
            "workload": bool(self.credits) or self.volume_of_learning is not None,
            "level": self.eqf_level is not None,
            "assessment type": bool(self.assessment_types),
            "form of participation": bool(self.participation_modes),
            "quality assurance": bool(self.quality_assurance),
        }
        return [name for name in MANDATORY_ELEMENTS if not present[name]]


def _first_shared_id(
    identified: list[tuple[str, str, object]],
) -> tuple[tuple[str, str], str] | None:
    """The first two fields giving one id to two different things, as ((first path, second
    path), id). Two organisations with one id are one organisation (the formats refuse it
    when they are described differently)."""
    seen: dict[str, tuple[str, object]] = {}
    for path, value, thing in identified:
        if value in seen:
            other = seen[value][1]
            both_organisations = isinstance(other, Organisation) and isinstance(thing, Organisation)
            if other != thing and not both_organisations:
                return (seen[value][0], path), value
        seen.setdefault(value, (path, thing))
    return None


# --- loading ------------------------------------------------------------------------------


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(document)"


def field_errors(exc: ValidationError) -> list[tuple[str, str]]:
    """(path, message) pairs from a pydantic error, e.g. ``learning_outcomes[1].skill_type``."""
    fields: list[tuple[str, str]] = []
    for error in exc.errors(include_url=False):
        kind = error["type"]
        if kind == "extra_forbidden":
            message = "unknown field"
        elif kind == "missing":
            message = "required"
        else:
            message = error["msg"]
            value = error.get("input")
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                shown = repr(value)
                if shown not in message:
                    message += f" (got {shown[:80]})"
        fields.append((_path(tuple(error["loc"])), message))
    return fields


def load_microcredential(source: str | os.PathLike[str] | Mapping[str, Any]) -> MicroCredential:
    """A `MicroCredential` from a JSON file (path) or from already parsed JSON (a dict).

    Raises `InputError` (naming the file) when the file cannot be read or is not JSON, and
    `InvalidFieldsError` naming every invalid field by its path.
    """
    if isinstance(source, Mapping):
        data: Any = source
        what = "micro-credential"
    else:
        path = Path(source)
        what = f"micro-credential {str(path)!r}"
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read micro-credential file {str(path)!r}: {exc}") from exc
        data = parse_json(raw, what=f"micro-credential file {str(path)!r}")
    if not isinstance(data, Mapping):
        raise InputError(f"{what} must be a JSON object, not {type(data).__name__}")
    try:
        return MicroCredential.model_validate(data)
    except ValidationError as exc:
        raise InvalidFieldsError(what, field_errors(exc)) from exc
