"""Micro-credential <-> Europass European Digital Credential (ELM 3.2, EDC application profile).

`to_credential` builds the **unsealed** EDC as EDCI produces it: W3C VC 1.1 plus the
``edc-ap`` context, a ``Person`` subject whose claim is a ``LearningAchievement`` specified
by a ``Qualification`` (the only ELM class with EQF/NQF levels and accreditation), every
controlled value a ``Concept`` with its scheme and label, and the mandatory display
parameters with a rendered PNG of the credential per language. Sealing (JAdES) wraps it.
`from_credential` reads EDCI's and EBSI's EDCs back into the model. ``docs/edc.md`` lists
where each Annex I element goes.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

from pydantic import ValidationError

from edubadge.errors import InputError, InvalidFieldsError
from edubadge.formats.rendering import render_png
from edubadge.model.microcredential import (
    CreditPoint,
    Learner,
    MicroCredential,
    Organisation,
    Text,
    field_errors,
    format_duration,
)
from edubadge.model.vocab import (
    ACCREDITATION_TYPES,
    ASSESSMENT_TYPES,
    CREDIT_FRAMEWORKS,
    ENTITLEMENT_TYPES,
    EQF,
    ISCED_F,
    LEARNING_OPPORTUNITY_TYPES,
    LEARNING_SCHEDULES,
    LEARNING_SETTINGS,
    MODES,
    NQF,
    SKILL_REUSE_LEVELS,
    SKILL_TYPES,
    SUPERVISION,
    Concept,
    country_iri,
    country_name,
    language_concept,
    language_from_iri,
    language_iri,
)

__all__ = [
    "CONTEXT",
    "CREDENTIAL_TYPE",
    "EDC_CONTEXTS",
    "SHACL_PROFILE",
    "Part",
    "from_credential",
    "is_edc",
    "is_local_id",
    "is_micro_credential",
    "learner_from_person",
    "organisation_from_agent",
    "to_credential",
    "unwrap",
]

CONTEXT: Final = (
    "https://www.w3.org/2018/credentials/v1",
    "http://data.europa.eu/snb/model/context/edc-ap",
)
CREDENTIAL_TYPE: Final = ("VerifiableCredential", "EuropeanDigitalCredential")
# EDCI's credentials name the context with http, EBSI's with https.
EDC_CONTEXTS: Final = frozenset({CONTEXT[1], CONTEXT[1].replace("http:", "https:", 1)})
SHACL_PROFILE: Final = "http://data.europa.eu/snb/model/ap/edc-generic-full"
_SNB = "http://data.europa.eu/snb"
_GENERIC = Concept(f"{_SNB}/credential/e34929035b", "Generic")
_CREDENTIAL_SCHEME = f"{_SNB}/credential/25831c2"
_BASE64 = Concept(f"{_SNB}/encoding/6146cde7dd", "base64")
_ENCODING_SCHEME = f"{_SNB}/encoding/25831c2"
_PNG = Concept("http://publications.europa.eu/resource/authority/file-type/PNG", "PNG")
_FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type"
_COUNTRIES = "http://publications.europa.eu/resource/authority/country"
_LANGUAGES = "http://publications.europa.eu/resource/authority/language"
_ESCO_SKILLS = "http://data.europa.eu/esco/concept-scheme/skills"
_ACTUAL = Concept(f"{_SNB}/entitlement-status/b7015a8a8c", "actual")
_ENTITLEMENT_STATUSES = f"{_SNB}/entitlement-status/25831c2"
_MICRO_CREDENTIAL = LEARNING_OPPORTUNITY_TYPES["short"]
# Node ids EDCI (and edubadge) give to nodes that have no identity of their own.
_LOCAL_ID = re.compile(r"urn:epass:[A-Za-z]+:[0-9A-Za-z-]+")
_NAMESPACE: Final = uuid.UUID("6f1d2b0e-5c1a-4f0e-9d43-2f3b7a8e6c15")  # as formats.ob3


# --- model -> EDC ---------------------------------------------------------------------------


class _Writer:
    """Builds one EDC; hands out the local node ids (``urn:epass:<kind>:<n>``)."""

    def __init__(self, mc: MicroCredential) -> None:
        self.mc = mc
        self.language = mc.primary_language
        self._counts: dict[str, int] = {}
        self._memo: dict[tuple[str, str], str] = {}
        self._organisations: dict[str, Organisation] = {}

    def local(self, kind: str, key: str | None = None) -> str:
        """A fresh local id, or the same one for the same (kind, key)."""
        if key is not None and (kind, key) in self._memo:
            return self._memo[(kind, key)]
        self._counts[kind] = self._counts.get(kind, 0) + 1
        node_id = f"urn:epass:{kind}:{self._counts[kind]}"
        if key is not None:
            self._memo[(kind, key)] = node_id
        return node_id

    def note(self, text: Text) -> dict[str, Any]:
        return {"id": self.local("note"), "type": "Note", "noteLiteral": dict(text)}

    def web(self, url: str, title: Text | None = None) -> dict[str, Any]:
        resource: dict[str, Any] = {
            "id": self.local("webResource"),
            "type": "WebResource",
            "contentURL": url,
        }
        if title is not None:
            resource["title"] = dict(title)
        return resource

    def agent(self, org: Organisation, where: str) -> dict[str, Any]:
        """The organisation's node where it first appears, a reference to it after that (the
        first description stands: one id, one RDF node)."""
        if org.id in self._organisations:
            return {"id": org.id}
        return self.organisation(org, where)

    def organisation(self, org: Organisation, where: str) -> dict[str, Any]:
        seen = self._organisations.setdefault(org.id, org)
        if seen != org:  # one RDF node: its two descriptions would merge into a third
            raise InvalidFieldsError(
                "EDC", [(where, f"organisation {org.id!r} is described twice, differently")]
            )
        if org.country is None:
            raise InvalidFieldsError(
                "EDC", [(where, "an organisation in an EDC needs its country (location)")]
            )
        location: dict[str, Any] = {
            "id": self.local("location", org.id),
            "type": "Location",
            "address": {
                "id": self.local("address", org.id),
                "type": "Address",
                "countryCode": concept(
                    Concept(country_iri(org.country), country_name(org.country)), _COUNTRIES
                ),
            },
        }
        if org.region:
            location["geographicName"] = {"en": org.region}
        node: dict[str, Any] = {
            "id": org.id,
            "type": "Organisation",
            "legalName": dict(org.name),
            "location": [location],
        }
        if org.url:
            node["homepage"] = [
                {
                    "id": self.local("webResource", org.id),
                    "type": "WebResource",
                    "contentURL": org.url,
                }
            ]
        if org.email:
            node["contactPoint"] = [
                {
                    "id": self.local("contactPoint", org.id),
                    "type": "ContactPoint",
                    "emailAddress": [{"id": f"mailto:{org.email}", "type": "Mailbox"}],
                }
            ]
        return node


def concept(value: Concept, scheme: str | None) -> dict[str, Any]:
    """An ELM ``Concept`` node: IRI, scheme and English label."""
    node: dict[str, Any] = {"id": value.iri, "type": "Concept"}
    if scheme is not None:
        node["inScheme"] = {"id": scheme, "type": "ConceptScheme"}
    node["prefLabel"] = {"en": value.label}
    return node


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(value: date) -> str:
    return f"{value.isoformat()}T00:00:00Z"


def _points(value: Any) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _specification_id(mc: MicroCredential, issuer: Organisation, title: str) -> str:
    if mc.achievement_id:
        return mc.achievement_id
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{issuer.id}|{title}')}"


def _person(w: _Writer) -> dict[str, Any]:
    learner = w.mc.learner
    assert learner is not None
    person: dict[str, Any] = {"id": learner.id or w.local("person"), "type": "Person"}
    several = [
        f"learner.{field}"
        for field in ("given_name", "family_name", "full_name")
        if len(getattr(learner, field) or ()) > 1
    ]
    if several:  # the ELM shapes allow one value for each name
        raise InvalidFieldsError(
            "EDC", [(f, "EDC holds a person's name in one language only") for f in several]
        )
    if learner.given_name:
        person["givenName"] = dict(learner.given_name)
    if learner.family_name:
        person["familyName"] = dict(learner.family_name)
    full = learner.full_name or _derived_full_name(learner.given_name, learner.family_name)
    if full:
        person["fullName"] = dict(full)
    if learner.date_of_birth:
        person["dateOfBirth"] = _day(learner.date_of_birth)
    others = []
    for n, ident in enumerate(learner.identifiers):
        node: dict[str, Any] = {"id": w.local("identifier"), "type": "Identifier"}
        node["notation"] = ident.value
        node["schemeName"] = ident.scheme
        if ident.country:
            node["type"] = "LegalIdentifier"
            node["spatial"] = concept(
                Concept(country_iri(ident.country), country_name(ident.country)), _COUNTRIES
            )
        if n == 0 and ident.scheme == "nationalIdentityNumber" and ident.country:
            person["nationalID"] = node  # read back first: only the first keeps its place
        else:
            others.append(node)
    if others:
        person["identifier"] = others
    if learner.email:
        person["contactPoint"] = [
            {
                "id": w.local("contactPoint"),
                "type": "ContactPoint",
                "emailAddress": [{"id": f"mailto:{learner.email}", "type": "Mailbox"}],
            }
        ]
    return person


def _derived_full_name(given: Text | None, family: Text | None) -> Text | None:
    """Given and family name joined, in the language of the first (EDC: one language)."""
    languages = [*(given or {}), *(family or {})]
    if not languages:
        return None
    parts = [t.best(languages[0]) for t in (given, family) if t is not None]
    return Text({languages[0]: " ".join(parts)})


def _outcome(w: _Writer, outcome: Any) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": w.local("learningOutcome"),
        "type": "LearningOutcome",
        "title": dict(outcome.text),
    }
    if outcome.skill_type:
        node["dcType"] = concept(outcome.skill_type, SKILL_TYPES.scheme)
    if outcome.reusability_level:
        node["reusabilityLevel"] = concept(outcome.reusability_level, SKILL_REUSE_LEVELS.scheme)
    if outcome.esco_skills:
        node["relatedESCOSkill"] = [_skill(s, _ESCO_SKILLS) for s in outcome.esco_skills]
    if outcome.related_skills:
        node["relatedSkill"] = [_skill(s, None) for s in outcome.related_skills]
    return node


def _skill(skill: Any, scheme: str | None) -> dict[str, Any]:
    node: dict[str, Any] = {"id": skill.iri, "type": "Concept"}
    if scheme:
        node["inScheme"] = {"id": scheme, "type": "ConceptScheme"}
    if skill.label is not None:
        node["prefLabel"] = dict(skill.label)
    return node


def _credit_points(w: _Writer, credits: Sequence[CreditPoint]) -> list[dict[str, Any]]:
    return [
        {
            "id": w.local("creditPoint"),
            "type": "CreditPoint",
            "framework": concept(c.framework, CREDIT_FRAMEWORKS.scheme),
            "point": _points(c.points),
        }
        for c in credits
    ]


def _specification(
    w: _Writer, spec_id: str, issuer: Organisation, micro_credential: bool
) -> dict[str, Any]:
    mc = w.mc
    assert mc.title is not None
    spec: dict[str, Any] = {"id": spec_id, "type": "Qualification", "title": dict(mc.title)}
    if mc.description:
        spec["description"] = dict(mc.description)
    if micro_credential:
        spec["dcType"] = [concept(_MICRO_CREDENTIAL, LEARNING_OPPORTUNITY_TYPES.scheme)]
    if mc.eqf_level:
        spec["eqfLevel"] = concept(mc.eqf_level, EQF.scheme)
    if mc.nqf_levels:
        spec["nqfLevel"] = [concept(c, NQF.scheme) for c in mc.nqf_levels]
    if mc.isced_fields:
        spec["thematicArea"] = [concept(c, ISCED_F.scheme) for c in mc.isced_fields]
    if mc.credits:
        spec["creditPoint"] = _credit_points(w, mc.credits)
    if mc.volume_of_learning:
        spec["volumeOfLearning"] = format_duration(mc.volume_of_learning)
    if mc.participation_modes:
        spec["mode"] = [concept(c, MODES.scheme) for c in mc.participation_modes]
    if mc.learning_setting:
        spec["learningSetting"] = concept(mc.learning_setting, LEARNING_SETTINGS.scheme)
    if mc.languages:
        spec["language"] = [concept(language_concept(t), _LANGUAGES) for t in mc.languages]
    if mc.learning_outcomes:
        spec["learningOutcome"] = [_outcome(w, o) for o in mc.learning_outcomes]
    if mc.learning_outcome_summary:
        spec["learningOutcomeSummary"] = w.note(mc.learning_outcome_summary)
    if mc.prerequisites:
        spec["entryRequirement"] = w.note(mc.prerequisites)
    if mc.assessment_types:
        spec["provenBy"] = [
            {
                "id": w.local("learningAssessmentSpec"),
                "type": "LearningAssessmentSpecification",
                "title": {"en": c.label},
                "dcType": concept(c, ASSESSMENT_TYPES.scheme),
            }
            for c in mc.assessment_types
        ]
    if mc.entitles_to:
        spec["entitlesTo"] = [
            {
                "id": e.id or w.local("learningEntitlementSpec"),
                "type": "LearningEntitlementSpecification",
                "title": dict(e.title),
                "dcType": concept(e.type, ENTITLEMENT_TYPES.scheme),
                "entitlementStatus": concept(_ACTUAL, _ENTITLEMENT_STATUSES),
            }
            for e in mc.entitles_to
        ]
    for key, related in (("isPartOf", mc.is_part_of), ("hasPart", mc.has_part)):
        untitled = [r for r in related if r.title is None]
        if untitled:
            raise InvalidFieldsError(
                "EDC",
                [
                    (f"{key}: {r.id}", "EDC needs the title of a related qualification")
                    for r in untitled
                ],
            )
        if related:
            spec[key] = [
                {"id": r.id, "type": "Qualification", "title": dict(r.title or {})} for r in related
            ]
    if mc.partial_qualification is not None:
        spec["isPartialQualification"] = mc.partial_qualification
    if mc.quality_assurance:
        spec["accreditation"] = [
            _accreditation(w, qa, f"quality_assurance[{n}].body")
            for n, qa in enumerate(mc.quality_assurance)
        ]
    if mc.further_information:
        spec["additionalNote"] = [w.note(mc.further_information)]
    if mc.homepage:
        spec["homepage"] = [w.web(mc.homepage)]
    if mc.supplementary_documents:
        spec["supplementaryDocument"] = [w.web(d.url, d.title) for d in mc.supplementary_documents]
    return spec


def _accreditation(w: _Writer, qa: Any, where: str) -> dict[str, Any]:
    if qa.body is None:
        raise InvalidFieldsError(
            "EDC", [(where, "EDC needs the quality assurance body (its accrediting agent)")]
        )
    node: dict[str, Any] = {
        "id": qa.id or w.local("accreditation"),
        "type": "Accreditation",
        "dcType": concept(qa.type, ACCREDITATION_TYPES.scheme),
        "title": {"en": qa.type.label},
        "accreditingAgent": w.organisation(qa.body, where),
    }
    if qa.decision:
        node["description"] = dict(qa.decision)
    return node


def _assessment(w: _Writer, awarding: str) -> dict[str, Any] | None:
    mc = w.mc
    if mc.grade is None:
        if mc.supervision is not None:
            raise InvalidFieldsError(
                "EDC",
                [("supervision", "EDC records supervision on the graded assessment: add a grade")],
            )
        return None
    assert mc.title is not None
    node: dict[str, Any] = {
        "id": w.local("learningAssessment"),
        "type": "LearningAssessment",
        "title": dict(mc.title),
        "grade": w.note(mc.grade.value),
        "awardedBy": {"id": awarding},
    }
    if mc.supervision:
        node["idVerification"] = concept(mc.supervision, SUPERVISION.scheme)
    if mc.grade.scheme:
        scheme: dict[str, Any] = {
            "id": w.local("gradingScheme"),
            "type": "GradingScheme",
            "title": dict(mc.grade.scheme.title),
        }
        if mc.grade.scheme.description:
            scheme["description"] = dict(mc.grade.scheme.description)
        node["specifiedBy"] = {
            "id": w.local("learningAssessmentSpec"),
            "type": "LearningAssessmentSpecification",
            "title": dict(mc.title),
            "gradingScheme": scheme,
        }
    return node


def _display(w: _Writer, issuer: Organisation, micro_credential: bool) -> dict[str, Any]:
    mc = w.mc
    assert mc.title is not None
    languages = list(dict.fromkeys([w.language, *mc.title]))
    by_iri: dict[str, str] = {}
    for tag in languages:
        by_iri.setdefault(language_iri(tag), tag)
    displays = []
    for tag in by_iri.values():
        png = render_png(
            mc.title.best(tag),
            _display_lines(mc, issuer, tag),
            heading="Micro-credential" if micro_credential else "Credential",
        )
        displays.append(
            {
                "id": w.local("individualDisplay"),
                "type": "IndividualDisplay",
                "language": concept(language_concept(tag), _LANGUAGES),
                "displayDetail": [
                    {
                        "id": w.local("displayDetail"),
                        "type": "DisplayDetail",
                        "page": 1,
                        "image": {
                            "id": w.local("mediaObject"),
                            "type": "MediaObject",
                            "content": base64.b64encode(png).decode("ascii"),
                            "contentEncoding": concept(_BASE64, _ENCODING_SCHEME),
                            "contentType": concept(_PNG, _FILE_TYPES),
                        },
                    }
                ],
            }
        )
    return {
        "id": w.local("displayParameter"),
        "type": "DisplayParameter",
        "title": dict(mc.title),
        "primaryLanguage": concept(language_concept(w.language), _LANGUAGES),
        "language": [concept(language_concept(tag), _LANGUAGES) for tag in by_iri.values()],
        "individualDisplay": displays,
    }


def _display_lines(mc: MicroCredential, issuer: Organisation, tag: str) -> list[str]:
    lines = []
    if mc.learner and mc.learner.name(tag):
        lines.append(f"Awarded to {mc.learner.name(tag)}")
    bodies = mc.effective_awarding_bodies(issuer)
    lines.append("by " + ", ".join(b.name.best(tag) for b in bodies))
    if mc.issued:
        lines.append(f"Issued {mc.issued.date().isoformat()}")
    facts = []
    if mc.eqf_level:
        facts.append(f"EQF level {EQF.name_of(mc.eqf_level)}")
    facts += [f"{c.points} {CREDIT_FRAMEWORKS.name_of(c.framework)}" for c in mc.credits]
    if mc.volume_of_learning:
        facts.append(f"{mc.volume_of_learning.total_seconds() / 3600:g} hours")
    if facts:
        lines.append(" - ".join(facts))
    lines.append("")
    lines += [f"- {o.text.best(tag)}" for o in mc.learning_outcomes[:6]]
    return lines


def _issuer(w: _Writer, issuer: Organisation, eidas_identifier: str | None) -> dict[str, Any]:
    node = w.organisation(issuer, "issuer")
    assert issuer.country is not None
    node["eIDASIdentifier"] = {
        "id": w.local("legalIdentifier"),
        "type": "LegalIdentifier",
        "notation": eidas_identifier or issuer.id,
        "spatial": concept(
            Concept(country_iri(issuer.country), country_name(issuer.country)), _COUNTRIES
        ),
    }
    return node


@dataclass(frozen=True)
class Part:
    """A component of the award (a smaller achievement it is made of), re-expressed in the
    EDC: what the component credential `credential` (its id) records, and who issued it."""

    credential: str
    record: MicroCredential
    issuer: Organisation


# The scheme of a part's identifier: the id of the credential that records the part.
PART_SCHEME: Final = "credential"


def _part(w: _Writer, part: Part, whole: str, where: str) -> dict[str, Any]:
    """A ``LearningAchievement`` for `part` that ``isPartOf`` the award `whole`."""
    mc = part.record
    if mc.title is None:
        raise InvalidFieldsError("EDC", [(f"{where}.title", "a part of the award needs a title")])
    awarding: dict[str, Any] = {
        "id": w.local("awardingProcess"),
        "type": "AwardingProcess",
        "awardingBody": [
            w.agent(body, f"{where}.awarding_bodies[{n}]")
            for n, body in enumerate(mc.effective_awarding_bodies(part.issuer))
        ],
    }
    if mc.awarded:
        awarding["awardingDate"] = _day(mc.awarded)
    node: dict[str, Any] = {
        "id": w.local("learningAchievement"),
        "type": "LearningAchievement",
        "title": dict(mc.title),
        "identifier": [
            {
                "id": w.local("identifier"),
                "type": "Identifier",
                "notation": part.credential,
                "schemeName": PART_SCHEME,
            }
        ],
        "awardedBy": awarding,
    }
    if mc.credits:
        node["creditReceived"] = _credit_points(w, mc.credits)
    title = mc.title.best(mc.primary_language)
    node["specifiedBy"] = {
        "id": _specification_id(mc, part.issuer, title),
        "type": "Qualification",
        "title": dict(mc.title),
    }
    node["isPartOf"] = [{"id": whole}]
    return node


def to_credential(
    mc: MicroCredential,
    issuer: Organisation,
    *,
    micro_credential: bool = True,
    eidas_identifier: str | None = None,
    parts: Sequence[Part] = (),
) -> dict[str, Any]:
    """The unsealed European Digital Credential for `mc`, issued (sealed later) by `issuer`.

    With ``micro_credential=True`` the specification is typed as EDCI's Annex I sample types
    a micro-credential (a ``Qualification`` whose ``dcType`` is "Short learning programme"),
    and a micro-credential lacking a mandatory Annex I element is refused with
    `NotAMicroCredentialError`. EDC itself needs the issuer's and every organisation's
    country, and a quality assurance body: their absence is an `InvalidFieldsError`.

    `eidas_identifier` is the issuer's legal identifier in its eSeal certificate (its
    ``organizationIdentifier``, e.g. ``VATBE-0123456789``); EDC requires one, and the
    issuer's id stands in for it when it is not given.

    `parts` are the smaller achievements the award is made of (a stack's components): each
    becomes a ``LearningAchievement`` in the claim's ``hasPart``, with its title, awarding
    body and date, credits received, specification, the component credential's id as an
    ``identifier``, and ``isPartOf`` back to the claim. An organisation the credential
    already describes is referred to by its id.
    """
    mc = mc.ready_to_issue(issuer, micro_credential=micro_credential, what="EDC")
    assert mc.title is not None and mc.issued is not None
    issued = mc.issued
    w = _Writer(mc)
    title = mc.title.best(mc.primary_language)
    awarding_id = w.local("awardingProcess")
    awarding: dict[str, Any] = {
        "id": awarding_id,
        "type": "AwardingProcess",
        "awardingBody": [
            w.organisation(body, f"awarding_bodies[{n}]" if mc.awarding_bodies else "issuer")
            for n, body in enumerate(mc.effective_awarding_bodies(issuer))
        ],
    }
    if mc.awarded:
        awarding["awardingDate"] = _day(mc.awarded)
    claim: dict[str, Any] = {
        "id": w.local("learningAchievement"),
        "type": "LearningAchievement",
        # primary language first: EDC names languages without region, this keeps "nl-BE"
        "title": {mc.primary_language: title, **mc.title},
    }
    if mc.description:
        claim["description"] = dict(mc.description)
    claim["awardedBy"] = awarding
    assessment = _assessment(w, awarding_id)
    if assessment:
        claim["provenBy"] = [assessment]
    if mc.learning_schedule:
        claim["learningOpportunity"] = {
            "id": w.local("learningOpportunity"),
            "type": "LearningOpportunity",
            "title": dict(mc.title),
            "providedBy": [{"id": b["id"]} for b in awarding["awardingBody"]],
            "learningSchedule": concept(mc.learning_schedule, LEARNING_SCHEDULES.scheme),
        }
    spec_id = _specification_id(mc, issuer, title)
    claim["specifiedBy"] = _specification(w, spec_id, issuer, micro_credential)
    person = _person(w)
    person["hasClaim"] = [claim]
    stamp = _timestamp(issued)
    credential: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": mc.id or f"urn:uuid:{uuid.uuid4()}",
        "type": list(CREDENTIAL_TYPE),
        "credentialProfiles": [concept(_GENERIC, _CREDENTIAL_SCHEME)],
        "credentialSchema": [{"id": SHACL_PROFILE, "type": "ShaclValidator2017"}],
        "issuer": _issuer(w, issuer, eidas_identifier),
        "issuanceDate": stamp,
        "issued": stamp,
        "validFrom": stamp,
    }
    if mc.valid_until:
        credential["expirationDate"] = credential["validUntil"] = _timestamp(mc.valid_until)
    if parts:
        claim["hasPart"] = [
            _part(w, part, claim["id"], f"parts[{n}]") for n, part in enumerate(parts)
        ]
    credential["credentialSubject"] = person
    credential["displayParameter"] = _display(w, issuer, micro_credential)
    return credential


# --- EDC -> model ---------------------------------------------------------------------------


def unwrap(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The credential inside EDCI's upload wrapper (``{"credential": ...}``) or a JWS JSON
    envelope (``{"payload": "...", "signatures": [...]}``), else the document itself.

    Reading a sealed credential's payload does not verify the seal: use `verify` for that.
    """
    if set(document) == {"credential"} and isinstance(document["credential"], Mapping):
        return document["credential"]
    payload = document.get("payload")
    if isinstance(payload, str) and "signatures" in document:
        try:
            inner = json.loads(payload)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"the envelope's payload is not JSON: {exc.msg}", path="$.payload"
            ) from None
        if isinstance(inner, Mapping):
            return inner
    return document


def _many(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _node(value: Any) -> Mapping[str, Any]:
    first = _many(value)
    return first[0] if first and isinstance(first[0], Mapping) else {}


def _langmap(value: Any) -> dict[str, str] | None:
    """An ELM language map (values are strings, or EBSI's lists of strings)."""
    if isinstance(value, str):
        return {"en": value}
    if not isinstance(value, Mapping) or not value:
        return None
    out = {}
    for language, text in value.items():
        if isinstance(text, list):
            text = "\n".join(t for t in text if isinstance(t, str))
        if isinstance(text, str) and text.strip():
            out[language] = text
    return out or None


def _note(value: Any) -> dict[str, str] | None:
    return _langmap(_node(value).get("noteLiteral"))


def _iri(value: Any) -> str | None:
    node = _node(value) if not isinstance(value, str) else {"id": value}
    iri = node.get("id")
    return iri if isinstance(iri, str) else None


def _label(value: Any) -> str | None:
    labels = _langmap(_node(value).get("prefLabel"))
    return labels.get("en") or next(iter(labels.values())) if labels else None


def is_local_id(node_id: Any) -> bool:
    """Whether an id is a local node id (``urn:epass:<class>:<n>``): it names nothing outside
    its document."""
    return isinstance(node_id, str) and _LOCAL_ID.fullmatch(node_id) is not None


def _concept_value(node: Any, vocabulary: Any) -> str | None:
    """The IRI of an EU concept; a local concept whose label names one is read as that one."""
    iri = _iri(node)
    if iri is not None and iri in vocabulary:
        return iri
    label = _label(node)
    found = vocabulary.lookup(label) if label else None
    return found.iri if found is not None else iri


def _open_concept(node: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"iri": _iri(node)}
    label = _label(node)
    if label:
        data["label"] = label
    return data


# Weeks, days, hours, minutes, seconds: no years or months.
_FIXED_DURATION = re.compile(
    r"P(?:[\d.,]+W)?(?:[\d.,]+D)?(?:T(?:[\d.,]+H)?(?:[\d.,]+M)?(?:[\d.,]+S)?)?"
)


def _fixed_duration(value: Any) -> bool:
    """Whether a duration has a fixed length: EDCI writes "P2M" (two months) for a two-hour
    webinar whose activity says ``workload: PT2H``; a month-based volume is not a workload."""
    return (
        isinstance(value, str)
        and value not in ("P", "PT")
        and (_FIXED_DURATION.fullmatch(value.strip().upper()) is not None)
    )


def _date_of(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return value


def _organisation_data(node: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"id": node.get("id"), "name": _langmap(node.get("legalName"))}
    location = _node(node.get("location"))
    country = _iri(_node(location.get("address")).get("countryCode"))
    if country:
        data["country"] = country
    region = _langmap(location.get("geographicName"))
    if region:
        data["region"] = next(iter(region.values()))
    homepage = _node(node.get("homepage")).get("contentURL")
    if isinstance(homepage, str):
        data["url"] = homepage
    email = _iri(_node(node.get("contactPoint")).get("emailAddress"))
    if email and email.startswith("mailto:"):
        data["email"] = email.removeprefix("mailto:")
    return data


def learner_from_person(node: Mapping[str, Any]) -> Learner | None:
    """The `Learner` an ELM ``Person`` (an EDC's subject) identifies, or None when it says
    nothing that identifies anyone (a local id such as ``urn:epass:person:1`` does not)."""
    data = _learner_data(node)
    if not data:
        return None
    try:
        return Learner.model_validate(data)
    except ValidationError as exc:
        raise InvalidFieldsError("learner from an EDC", field_errors(exc)) from exc


def organisation_from_agent(node: Mapping[str, Any]) -> Organisation:
    """An `Organisation` from an ELM ``Organisation`` node (such as an EDC's ``issuer``)."""
    try:
        return Organisation.model_validate(_organisation_data(node))
    except ValidationError as exc:
        raise InvalidFieldsError("organisation from an EDC", field_errors(exc)) from exc


def _learner_data(person: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if isinstance(person.get("id"), str) and not is_local_id(person["id"]):
        data["id"] = person["id"]
    for key, field in (("givenName", "given_name"), ("familyName", "family_name")):
        names = _langmap(person.get(key))
        if names:
            data[field] = names
    full = _langmap(person.get("fullName"))
    given, family = data.get("given_name"), data.get("family_name")
    try:
        derived = _derived_full_name(
            Text(given) if given else None, Text(family) if family else None
        )
    except ValueError:  # found by fuzzing: a bad language tag; the model's check names it
        derived = None
    if full and (derived is None or dict(derived) != full):
        data["full_name"] = full
    if person.get("dateOfBirth"):
        data["date_of_birth"] = _date_of(person["dateOfBirth"])
    identifiers = []
    national = _node(person.get("nationalID"))
    if national:
        identifiers.append(
            {
                "value": national.get("notation"),
                "scheme": "nationalIdentityNumber",
                "country": _iri(national.get("spatial")),
            }
        )
    for node in _many(person.get("identifier")):
        ident: dict[str, Any] = {"value": node.get("notation")}
        if isinstance(node.get("schemeName"), str):
            ident["scheme"] = node["schemeName"]
        if node.get("spatial"):
            ident["country"] = _iri(node.get("spatial"))
        identifiers.append(ident)
    if identifiers:
        data["identifiers"] = identifiers
    email = _iri(_node(person.get("contactPoint")).get("emailAddress"))
    if email and email.startswith("mailto:"):
        data["email"] = email.removeprefix("mailto:")
    return data


def _outcome_data(node: Mapping[str, Any]) -> dict[str, Any]:
    outcome: dict[str, Any] = {"text": _langmap(node.get("title"))}
    if node.get("dcType"):
        outcome["skill_type"] = _concept_value(node["dcType"], SKILL_TYPES)
    if node.get("reusabilityLevel"):
        outcome["reusability_level"] = _concept_value(node["reusabilityLevel"], SKILL_REUSE_LEVELS)
    for key, field in (("relatedESCOSkill", "esco_skills"), ("relatedSkill", "related_skills")):
        skills = []
        for skill in _many(node.get(key)):
            entry: dict[str, Any] = {"iri": _iri(skill)}
            label = _langmap(_node(skill).get("prefLabel"))
            if label:
                entry["label"] = label
            skills.append(entry)
        if skills:
            outcome[field] = skills
    return outcome


def _specification_data(spec: Mapping[str, Any], data: dict[str, Any]) -> None:
    if spec.get("id") and not is_local_id(spec["id"]):
        data["achievement_id"] = spec["id"]
    if "title" not in data and _langmap(spec.get("title")):
        data["title"] = _langmap(spec.get("title"))
    if "description" not in data and _langmap(spec.get("description")):
        data["description"] = _langmap(spec.get("description"))
    if spec.get("eqfLevel"):
        data["eqf_level"] = _iri(spec["eqfLevel"])
    data["nqf_levels"] = [_open_concept(c) for c in _many(spec.get("nqfLevel"))]
    data["isced_fields"] = [_open_concept(c) for c in _many(spec.get("thematicArea"))]
    data["credits"] = [
        {"framework": _iri(c.get("framework")), "points": c.get("point")}
        for c in _many(spec.get("creditPoint"))
    ]
    if _fixed_duration(spec.get("volumeOfLearning")):
        data["volume_of_learning"] = spec["volumeOfLearning"]
    data["participation_modes"] = [_concept_value(c, MODES) for c in _many(spec.get("mode"))]
    if spec.get("learningSetting"):
        data["learning_setting"] = _concept_value(spec["learningSetting"], LEARNING_SETTINGS)
    data["languages"] = [
        language_from_iri(i) for c in _many(spec.get("language")) if (i := _iri(c))
    ]
    data["learning_outcomes"] = [_outcome_data(o) for o in _many(spec.get("learningOutcome"))]
    summary = _note(spec.get("learningOutcomeSummary"))
    if summary:
        data["learning_outcome_summary"] = summary
    prerequisites = _note(spec.get("entryRequirement"))
    if prerequisites:
        data["prerequisites"] = prerequisites
    for las in _many(spec.get("provenBy")):
        if las.get("dcType"):
            data.setdefault("assessment_types", []).append(
                _concept_value(las["dcType"], ASSESSMENT_TYPES)
            )
    data["entitles_to"] = [
        {
            "title": _langmap(e.get("title")),
            "type": _concept_value(e.get("dcType"), ENTITLEMENT_TYPES),
            **({} if is_local_id(e.get("id")) else {"id": e.get("id")}),
        }
        for e in _many(spec.get("entitlesTo"))
    ]
    for key, field in (("isPartOf", "is_part_of"), ("hasPart", "has_part")):
        data[field] = [
            {"id": r.get("id"), "title": _langmap(r.get("title"))} for r in _many(spec.get(key))
        ]
    if isinstance(spec.get("isPartialQualification"), bool):
        data["partial_qualification"] = spec["isPartialQualification"]
    data["quality_assurance"] = [_qa_data(a) for a in _many(spec.get("accreditation"))]
    notes = [n for n in (_note(x) for x in _many(spec.get("additionalNote"))) if n]
    if notes:
        data["further_information"] = notes[0]
    homepage = _node(spec.get("homepage")).get("contentURL")
    if isinstance(homepage, str):
        data["homepage"] = homepage
    data["supplementary_documents"] = [
        {"url": d.get("contentURL"), **({"title": t} if (t := _langmap(d.get("title"))) else {})}
        for d in _many(spec.get("supplementaryDocument"))
    ]


def _qa_data(node: Mapping[str, Any]) -> dict[str, Any]:
    qa: dict[str, Any] = {"type": _concept_value(node.get("dcType"), ACCREDITATION_TYPES)}
    agent = _node(node.get("accreditingAgent"))
    if agent:
        qa["body"] = _organisation_data(agent)
    decision = _langmap(node.get("description"))
    if decision:
        qa["decision"] = decision
    if node.get("id") and not is_local_id(node["id"]):
        qa["id"] = node["id"]
    return qa


def _assessment_data(node: Mapping[str, Any], data: dict[str, Any]) -> None:
    grade = _note(node.get("grade"))
    las = _node(node.get("specifiedBy"))
    if grade:
        data["grade"] = {"value": grade}
        scheme = _node(las.get("gradingScheme"))
        if scheme and _langmap(scheme.get("title")):
            data["grade"]["scheme"] = {"title": _langmap(scheme.get("title"))}
            if _langmap(scheme.get("description")):
                data["grade"]["scheme"]["description"] = _langmap(scheme.get("description"))
    if node.get("idVerification"):
        data["supervision"] = _concept_value(node["idVerification"], SUPERVISION)
    if las.get("dcType"):
        value = _concept_value(las["dcType"], ASSESSMENT_TYPES)
        if value not in data.setdefault("assessment_types", []):
            data["assessment_types"].append(value)


def _awarding_body(value: Any, issuer: Any) -> dict[str, Any]:
    """An awarding body: an ``Organisation`` node, or a reference to one by its IRI (the
    issuer's, when the issuer is given whole; any other is read as an id alone, and the
    model then says what it lacks)."""
    if isinstance(value, Mapping):
        return _organisation_data(value)
    if isinstance(issuer, Mapping) and isinstance(value, str) and value == issuer.get("id"):
        return _organisation_data(issuer)
    return {"id": value}


def _claim_data(claim: Mapping[str, Any], data: dict[str, Any], issuer: Any) -> None:
    title = _langmap(claim.get("title"))
    if title:
        data["title"] = title
    description = _langmap(claim.get("description"))
    if description:
        data["description"] = description
    awarding = _node(claim.get("awardedBy"))
    bodies = [_awarding_body(b, issuer) for b in _many(awarding.get("awardingBody"))]
    if bodies:
        data["awarding_bodies"] = bodies
    if awarding.get("awardingDate"):
        data["awarded"] = _date_of(awarding["awardingDate"])
    opportunity = _node(claim.get("learningOpportunity"))
    if opportunity.get("learningSchedule"):
        data["learning_schedule"] = _concept_value(
            opportunity["learningSchedule"], LEARNING_SCHEDULES
        )
    _specification_data(_node(claim.get("specifiedBy")), data)
    assessments = _many(claim.get("provenBy"))
    if assessments:
        _assessment_data(assessments[0], data)
    if "volume_of_learning" not in data and _fixed_duration(claim.get("workload")):
        data["volume_of_learning"] = claim["workload"]


def _primary_language(doc: Mapping[str, Any], claim: Mapping[str, Any]) -> str:
    """The display's primary language, as the claim's title tags it (``nl-BE`` for NLD)."""
    title = _langmap(claim.get("title")) or {"en": ""}
    iri = _iri(_node(doc.get("displayParameter")).get("primaryLanguage"))
    try:
        base = language_from_iri(iri) if iri else None
    except ValueError:
        base = None
    if base is None:
        return next(iter(title))
    return next((tag for tag in title if tag.split("-")[0].lower() == base), base)


def is_edc(doc: Mapping[str, Any]) -> bool:
    """Whether a document (or the credential in its envelope) is a European Digital
    Credential: typed ``EuropeanDigitalCredential`` or using the EDC context."""
    doc = unwrap(doc)
    types = _many(doc.get("type"))
    return "EuropeanDigitalCredential" in types or any(
        isinstance(c, str) and c in EDC_CONTEXTS for c in _many(doc.get("@context"))
    )


def is_micro_credential(doc: Mapping[str, Any]) -> bool:
    """Whether an EDC carries edubadge's (and EDCI's Annex I sample's) micro-credential
    profile: its claim is specified as a "Short learning programme"."""
    doc = unwrap(doc)
    subject = _node(doc.get("credentialSubject"))
    spec = _node(_node(subject.get("hasClaim")).get("specifiedBy"))
    return any(_iri(t) == _MICRO_CREDENTIAL.iri for t in _many(spec.get("dcType")))


def from_credential(doc: Mapping[str, Any]) -> MicroCredential:
    """The micro-credential an EDC carries (EDCI's VC 1.1 form or EBSI's VCDM 2.0 form).

    Accepts EDCI's upload wrapper and a JAdES envelope (its payload is read, not verified).
    Reads the first claim (a ``LearningAchievement``, or a ``LearningActivity`` for a
    certificate of participation). ELM detail outside Annex I (logos, group memberships,
    legal identifiers of organisations, activities, evidence) is not carried: see
    ``docs/edc.md``. The issuer is not part of the model: see `organisation_from_agent`.
    """
    if not isinstance(doc, Mapping):
        raise InvalidFieldsError("EDC", [("$", "expected a JSON object")])
    doc = unwrap(doc)
    types = _many(doc.get("type"))
    subject = doc.get("credentialSubject")
    problems = []
    if "VerifiableCredential" not in types:
        problems.append(("$.type", "not a VerifiableCredential"))
    if not isinstance(subject, Mapping):
        problems.append(("$.credentialSubject", "expected a Person object"))
    elif not _many(subject.get("hasClaim")):
        problems.append(("$.credentialSubject.hasClaim", "expected a claim"))
    if problems:
        raise InvalidFieldsError("EDC", problems)
    assert isinstance(subject, Mapping)
    claim = _node(subject.get("hasClaim"))
    language = _primary_language(doc, claim)
    data: dict[str, Any] = {"primary_language": language}
    if isinstance(doc.get("id"), str):
        data["id"] = doc["id"]
    learner = _learner_data(subject)
    if learner:
        data["learner"] = learner
    issued = doc.get("issued") or doc.get("issuanceDate") or doc.get("validFrom")
    if issued:
        data["issued"] = issued
    until = doc.get("validUntil") or doc.get("expirationDate")
    if until:
        data["valid_until"] = until
    issuer = doc.get("issuer")
    _claim_data(claim, data, issuer)
    if isinstance(issuer, Mapping) and data.get("awarding_bodies") == [_organisation_data(issuer)]:
        del data["awarding_bodies"]  # the issuer awards it (the model's default)
    data = {k: v for k, v in data.items() if v not in ([], None)}
    try:
        return MicroCredential.model_validate(data)
    except ValidationError as exc:
        raise InvalidFieldsError("micro-credential read from an EDC", field_errors(exc)) from exc
