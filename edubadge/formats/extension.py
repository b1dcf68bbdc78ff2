"""edubadge's OB 3.0 extension: the Annex I elements Open Badges 3.0 has no property for.

The JSON-LD context is published at `CONTEXT_URL` and bundled (``contexts/``); its terms are
in the ``https://w3id.org/edubadge/vocab#`` namespace and every controlled value is the ELM
concept IRI, so an Open Badge carrying it converts to Europass EDC without loss. OB 3.0's
own properties still carry what they can (name, description, alignment for EQF and ESCO,
``creditsAvailable``, ``result``/``resultDescription``, ``creator``...): these terms only
add what they cannot (other languages, NQF, ISCED-F, assessment, participation, quality
assurance, stackability...). ``docs/ob3-extension.md`` lists every term.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from edubadge.model.microcredential import MicroCredential, Organisation, Text, format_duration
from edubadge.model.vocab import country_iri, language_from_iri, language_iri

__all__ = [
    "CONTEXT_URL",
    "achievement_terms",
    "language_map",
    "read_achievement",
    "read_subject",
    "subject_terms",
]

CONTEXT_URL: Final = "https://w3id.org/edubadge/ob3-extension/v1"

Profile = Callable[[Organisation, str], dict[str, Any]]


def language_map(text: Text) -> dict[str, str]:
    """A JSON-LD language map of a `Text`, its tags in lower case as JSON-LD expands them
    (so selective disclosure, which reads the compacted form, finds them as written)."""
    return {tag.lower(): value for tag, value in text.items()}


def _iris(values: Any) -> list[str]:
    return [c.iri for c in values]


def _labelled(values: Any) -> list[dict[str, str]]:
    return [{"id": c.iri, "label": c.label} for c in values]


def _org(org: Organisation, language: str, profile: Profile) -> dict[str, Any]:
    return profile(org, language)  # OB 3.0's Profile, with `localizedName` where needed


def _skills(skills: Any) -> list[dict[str, Any]]:
    out = []
    for skill in skills:
        entry: dict[str, Any] = {"id": skill.iri}
        if skill.label is not None:
            entry["localizedName"] = language_map(skill.label)
        out.append(entry)
    return out


def achievement_terms(mc: MicroCredential, profile: Profile) -> dict[str, Any]:
    """The extension terms of the achievement (the micro-credential's definition)."""
    language = mc.primary_language
    terms: dict[str, Any] = {}
    if mc.title is not None and len(mc.title) > 1:
        terms["localizedTitle"] = language_map(mc.title)
    if mc.description is not None:  # OB 3.0 requires a description: it may be the title
        terms["localizedDescription"] = language_map(mc.description)
    outcomes = []
    for outcome in mc.learning_outcomes:
        entry: dict[str, Any] = {"localizedTitle": language_map(outcome.text)}
        if outcome.skill_type:
            entry["skillType"] = outcome.skill_type.iri
        if outcome.reusability_level:
            entry["reusabilityLevel"] = outcome.reusability_level.iri
        if outcome.esco_skills:
            entry["escoSkill"] = _skills(outcome.esco_skills)
        if outcome.related_skills:
            entry["relatedSkill"] = _skills(outcome.related_skills)
        outcomes.append(entry)
    simple: list[tuple[str, Any]] = [
        ("learningOutcome", outcomes),
        (
            "learningOutcomeSummary",
            mc.learning_outcome_summary and language_map(mc.learning_outcome_summary),
        ),
        (
            "creditPoint",
            [{"framework": c.framework.iri, "point": format(c.points, "f")} for c in mc.credits],
        ),
        ("volumeOfLearning", mc.volume_of_learning and format_duration(mc.volume_of_learning)),
        ("nqfLevel", _labelled(mc.nqf_levels)),
        ("iscedField", _labelled(mc.isced_fields)),
        ("assessmentType", _iris(mc.assessment_types)),
        ("participationMode", _iris(mc.participation_modes)),
        ("learningSetting", mc.learning_setting and mc.learning_setting.iri),
        ("learningSchedule", mc.learning_schedule and mc.learning_schedule.iri),
        ("supervision", mc.supervision and mc.supervision.iri),
        # the first awarding body is OB 3.0's `creator`: written once, or an edit of one copy
        # would not change the graph the proof covers
        ("awardingBody", [_org(o, language, profile) for o in mc.awarding_bodies[1:]]),
        ("prerequisites", mc.prerequisites and language_map(mc.prerequisites)),
        ("furtherInformation", mc.further_information and language_map(mc.further_information)),
        ("homepage", mc.homepage),
        ("languageOfInstruction", [language_iri(t) for t in mc.languages]),
        ("partialQualification", mc.partial_qualification),
    ]
    for key, value in simple:
        if value not in (None, [], ""):
            terms[key] = value
    qas = []
    for qa in mc.quality_assurance:
        entry = {"accreditationType": qa.type.iri}
        if qa.id:
            entry["id"] = qa.id
        if qa.body:
            entry["accreditingAgent"] = _org(qa.body, language, profile)
        if qa.decision:
            entry["decision"] = language_map(qa.decision)
        qas.append(entry)
    if qas:
        terms["qualityAssurance"] = qas
    for key, related in (
        ("partOfAchievement", mc.is_part_of),
        ("hasPartAchievement", mc.has_part),
    ):
        if related:
            terms[key] = [
                {"id": r.id, **({"localizedTitle": language_map(r.title)} if r.title else {})}
                for r in related
            ]
    if mc.entitles_to:
        terms["entitlesTo"] = [
            {
                **({"id": e.id} if e.id else {}),
                "localizedTitle": language_map(e.title),
                "entitlementType": e.type.iri,
            }
            for e in mc.entitles_to
        ]
    if mc.supplementary_documents:
        terms["supplementaryDocument"] = [
            {"id": d.url, **({"localizedTitle": language_map(d.title)} if d.title else {})}
            for d in mc.supplementary_documents
        ]
    if mc.grade is not None and mc.grade.scheme is not None:
        scheme: dict[str, Any] = {"localizedTitle": language_map(mc.grade.scheme.title)}
        if mc.grade.scheme.description:
            scheme["localizedDescription"] = language_map(mc.grade.scheme.description)
        terms["gradingScheme"] = scheme
    return terms


def subject_terms(mc: MicroCredential, *, plain: bool) -> dict[str, Any]:
    """The extension terms of the subject: the grade in every language, and (only when the
    learner's identity is written in clear) names in every language, date of birth and
    identifiers with their scheme and country."""
    terms: dict[str, Any] = {}
    if mc.grade is not None:
        terms["gradeValue"] = language_map(mc.grade.value)
    learner = mc.learner
    if not plain or learner is None:
        return terms
    for key, text in (
        ("localizedGivenName", learner.given_name),
        ("localizedFamilyName", learner.family_name),
        ("localizedFullName", learner.full_name),
    ):
        if text is not None:
            terms[key] = language_map(text)
    if learner.date_of_birth:  # OB 3.0's own Profile term (the subject is a Profile here)
        terms["dateOfBirth"] = learner.date_of_birth.isoformat()
    if learner.identifiers:
        terms["learnerIdentifier"] = [
            {
                "notation": i.value,
                "schemeName": i.scheme,
                **({"country": country_iri(i.country)} if i.country else {}),
            }
            for i in learner.identifiers
        ]
    return terms


# --- reading --------------------------------------------------------------------------------


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text_or_none(value: Any) -> Any:
    return value if isinstance(value, Mapping) else None


def read_achievement(
    achievement: Mapping[str, Any],
    data: dict[str, Any],
    organisation: Callable[[Mapping[str, Any]], dict[str, Any]],
) -> None:
    """Complete `data` (model input read from OB 3.0's own properties) with the extension."""

    def org(node: Any) -> dict[str, Any]:
        return organisation(node)

    if _text_or_none(achievement.get("localizedTitle")):
        data["title"] = achievement["localizedTitle"]
    if _text_or_none(achievement.get("localizedDescription")):
        data["description"] = achievement["localizedDescription"]
    else:  # OB 3.0's description is then only the title standing in for a missing one
        data.pop("description", None)
    if "learningOutcome" in achievement:
        data["learning_outcomes"] = [
            {
                "text": o.get("localizedTitle"),
                **({"skill_type": o["skillType"]} if "skillType" in o else {}),
                **({"reusability_level": o["reusabilityLevel"]} if "reusabilityLevel" in o else {}),
                "esco_skills": [_skill(s) for s in _list(o.get("escoSkill"))],
                "related_skills": [_skill(s) for s in _list(o.get("relatedSkill"))],
            }
            for o in _list(achievement["learningOutcome"])
            if isinstance(o, Mapping)
        ]
    if "creditPoint" in achievement:
        data["credits"] = [
            {"framework": c.get("framework"), "points": c.get("point")}
            for c in _list(achievement["creditPoint"])
            if isinstance(c, Mapping)
        ]
    renames = {
        "learningOutcomeSummary": "learning_outcome_summary",
        "volumeOfLearning": "volume_of_learning",
        "assessmentType": "assessment_types",
        "participationMode": "participation_modes",
        "learningSetting": "learning_setting",
        "learningSchedule": "learning_schedule",
        "supervision": "supervision",
        "prerequisites": "prerequisites",
        "furtherInformation": "further_information",
        "homepage": "homepage",
        "partialQualification": "partial_qualification",
    }
    for key, field in renames.items():
        if key in achievement:
            data[field] = achievement[key]
    for key, field in (("nqfLevel", "nqf_levels"), ("iscedField", "isced_fields")):
        if key in achievement:
            data[field] = [
                {"iri": c.get("id"), "label": c.get("label")}
                for c in _list(achievement[key])
                if isinstance(c, Mapping)
            ]
    if "languageOfInstruction" in achievement:
        data["languages"] = [
            language_from_iri(i) for i in _list(achievement["languageOfInstruction"])
        ]
    if "awardingBody" in achievement:  # those after the first, which is OB 3.0's `creator`
        others = [org(o) for o in _list(achievement["awardingBody"])]
        data["awarding_bodies"] = [*data.get("awarding_bodies", []), *others]
    if "qualityAssurance" in achievement:
        data["quality_assurance"] = [
            {
                "type": q.get("accreditationType"),
                **({"id": q["id"]} if "id" in q else {}),
                **({"body": org(q["accreditingAgent"])} if "accreditingAgent" in q else {}),
                **({"decision": q["decision"]} if "decision" in q else {}),
            }
            for q in _list(achievement["qualityAssurance"])
            if isinstance(q, Mapping)
        ]
    for key, field in (("partOfAchievement", "is_part_of"), ("hasPartAchievement", "has_part")):
        if key in achievement:
            data[field] = [
                {"id": r.get("id"), "title": r.get("localizedTitle")}
                for r in _list(achievement[key])
                if isinstance(r, Mapping)
            ]
    if "entitlesTo" in achievement:
        data["entitles_to"] = [
            {
                **({"id": e["id"]} if "id" in e else {}),
                "title": e.get("localizedTitle"),
                "type": e.get("entitlementType"),
            }
            for e in _list(achievement["entitlesTo"])
            if isinstance(e, Mapping)
        ]
    if "supplementaryDocument" in achievement:
        data["supplementary_documents"] = [
            {
                "url": d.get("id"),
                **({"title": d["localizedTitle"]} if "localizedTitle" in d else {}),
            }
            for d in _list(achievement["supplementaryDocument"])
            if isinstance(d, Mapping)
        ]
    scheme = achievement.get("gradingScheme")
    if isinstance(scheme, Mapping) and isinstance(data.get("grade"), dict):
        data["grade"]["scheme"] = {
            "title": scheme.get("localizedTitle"),
            **(
                {"description": scheme["localizedDescription"]}
                if "localizedDescription" in scheme
                else {}
            ),
        }


def _skill(node: Any) -> Any:
    if not isinstance(node, Mapping):
        return node
    return {
        "iri": node.get("id"),
        **({"label": node["localizedName"]} if "localizedName" in node else {}),
    }


def read_subject(subject: Mapping[str, Any], data: dict[str, Any]) -> None:
    """Complete `data` with the subject's extension terms (grade, learner details)."""
    if _text_or_none(subject.get("gradeValue")):
        data.setdefault("grade", {})["value"] = subject["gradeValue"]
    learner = data.get("learner")
    if not isinstance(learner, dict):
        return
    for key, field in (
        ("localizedGivenName", "given_name"),
        ("localizedFamilyName", "family_name"),
        ("localizedFullName", "full_name"),
        ("dateOfBirth", "date_of_birth"),
    ):
        if key in subject:
            learner[field] = subject[key]
    names = ("localizedGivenName", "localizedFamilyName", "localizedFullName")
    if any(k in subject for k in (*names, "dateOfBirth", "learnerIdentifier")):
        # written in clear with the extension: names come from it alone (OB 3.0's own
        # properties hold the primary language only, an IdentityObject the joined name)
        for key, field in zip(names, ("given_name", "family_name", "full_name"), strict=True):
            if key not in subject:
                learner.pop(field, None)
    if "learnerIdentifier" in subject:
        learner["identifiers"] = [
            {
                "value": i.get("notation"),
                "scheme": i.get("schemeName"),
                **({"country": i["country"]} if "country" in i else {}),
            }
            for i in _list(subject["learnerIdentifier"])
            if isinstance(i, Mapping)
        ]
