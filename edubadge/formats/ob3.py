"""Micro-credential <-> Open Badges 3.0 ``AchievementCredential`` (context 3.0.3, VC 2.0).

`to_credential` builds the **unsigned** credential as a plain dict; signing adds a proof to a
copy. Every property used is a term of the VC 2.0 or OB 3.0.3 context, and every nested
``type`` is an array as the official OB 3.0 JSON Schema demands (except ``IdentityObject``,
whose ``type`` the schema fixes to the string ``"IdentityObject"``).

Conventions (see ``docs/model.md``):

* learner: ``credentialSubject.id`` = the learner's DID/URI; name, email and other
  identifiers as ``identifier[]`` IdentityObjects, salted SHA-256 hashes by default
  (``identity="plain"``: in clear, and the subject is also a ``Profile`` with
  ``givenName``/``familyName``);
* awarding body: the first of ``awarding_bodies`` is ``achievement.creator``; the issuer is
  the awarding body when none is given;
* workload: ECTS points are ``achievement.creditsAvailable`` and
  ``credentialSubject.creditsEarned`` (OB has no unit: the unit is ECTS by this convention);
* level and skills: ``achievement.alignment[]`` (``ext:EQF``, ``ext:ESCOSkill``);
* learning outcomes: a numbered Markdown list in ``achievement.criteria.narrative``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final, Literal

from pydantic import ValidationError

from edubadge.errors import InvalidFieldsError
from edubadge.formats import extension
from edubadge.model.microcredential import Learner, MicroCredential, Organisation, field_errors
from edubadge.model.vocab import ECTS, EQF, MODES, SKILL_TYPES, country_name, eqf_number

__all__ = [
    "CONTEXT",
    "CREDENTIAL_TYPE",
    "EQF_TARGET_TYPE",
    "ESCO_TARGET_TYPE",
    "check_identity",
    "from_credential",
    "identity_hash",
    "learner_identities",
    "organisation_from_profile",
    "to_credential",
]

CONTEXT: Final = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    extension.CONTEXT_URL,
)
CREDENTIAL_TYPE: Final = ("VerifiableCredential", "OpenBadgeCredential")
EQF_FRAMEWORK: Final = "European Qualifications Framework"
EQF_TARGET_TYPE: Final = "ext:EQF"
ESCO_FRAMEWORK: Final = "ESCO"
ESCO_TARGET_TYPE: Final = "ext:ESCOSkill"

# The identityType values OB 3.0 defines; anything else is written as "ext:<scheme>".
_IDENTITY_TYPES: Final = frozenset(
    {
        "name",
        "sourcedId",
        "systemId",
        "productId",
        "userName",
        "accountId",
        "emailAddress",
        "nationalIdentityNumber",
        "isbn",
        "issn",
        "lisSourcedId",
        "oneRosterSourcedId",
        "sisSourcedId",
        "ltiContextId",
        "ltiDeploymentId",
        "ltiToolId",
        "ltiPlatformId",
        "ltiUserId",
        "identifier",
    }
)
# A fixed namespace for achievement ids derived from issuer and title.
_ACHIEVEMENT_NAMESPACE: Final = uuid.UUID("6f1d2b0e-5c1a-4f0e-9d43-2f3b7a8e6c15")

# --- identities -----------------------------------------------------------------------------


def _identity_value(identity_type: str, value: str) -> str:
    """The normal form hashed for an identity: NFC, whitespace collapsed; emails lower case."""
    value = " ".join(unicodedata.normalize("NFC", value).split())
    return value.lower() if identity_type == "emailAddress" else value


def identity_hash(value: str, salt: str) -> str:
    """OB 3.0 IdentityHash ``sha256$<hex>`` of UTF-8 ``value + salt``."""
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def check_identity(doc: Mapping[str, Any], identity_type: str, value: str) -> bool:
    """Whether the credential's subject has an ``identifier[]`` of `identity_type`
    (``"name"``, ``"emailAddress"``, ...) matching `value`, hashed or in clear.

    `value` is normalised as when issuing: for ``name`` the given and family name separated
    by one space; emails are compared in lower case.
    """
    subject = doc.get("credentialSubject")
    if not isinstance(subject, Mapping):
        return False
    plain = _identity_value(identity_type, value)
    for entry in subject.get("identifier") or ():
        if not isinstance(entry, Mapping) or entry.get("identityType") != identity_type:
            continue
        stated = entry.get("identityHash")
        if not isinstance(stated, str):
            continue
        if entry.get("hashed") is True:
            algorithm, _, digest = stated.partition("$")
            salt = entry.get("salt") or ""
            if algorithm.lower() == "sha256" and isinstance(salt, str):
                mine = identity_hash(plain, salt).partition("$")[2]
                if secrets.compare_digest(mine.encode(), digest.lower().encode()):
                    return True
        elif _identity_value(identity_type, stated) == plain:
            return True
    return False


def _identity_object(identity_type: str, value: str, salt: str | None) -> dict[str, Any]:
    if salt is None:
        return {
            "type": "IdentityObject",
            "identityHash": value,
            "identityType": identity_type,
            "hashed": False,
        }
    return {
        "type": "IdentityObject",
        "identityHash": identity_hash(_identity_value(identity_type, value), salt),
        "identityType": identity_type,
        "hashed": True,
        "salt": salt,
    }


# --- Markdown narrative -------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_MD_ESCAPE = re.compile(r"\\(.)")
_ITEM_RE = re.compile(r"(\d+)\. (?:\*\*(Knowledge|Skill):\*\* )?(.+)")
_ESCO_RE = re.compile(r" {3}- ESCO: (?:\[((?:\\.|[^\\\]])+)\]\(([^()\s]+)\)|<([^<>\s]+)>)")


def _md(text: str) -> str:
    """Escape Markdown so that the text shows (and parses back) as written."""
    return re.sub(r"^(\d+)\.", r"\1\\.", _MD_SPECIAL.sub(r"\\\1", text))


def _unmd(text: str) -> str:
    return _MD_ESCAPE.sub(r"\1", text)


def _narrative(mc: MicroCredential, title: str) -> str:
    language = mc.primary_language
    if not mc.learning_outcomes:
        return _md(title)
    lines: list[str] = []
    for n, outcome in enumerate(mc.learning_outcomes, 1):
        kind = ""
        if outcome.skill_type is not None:
            kind = f"**{SKILL_TYPES.name_of(outcome.skill_type).capitalize()}:** "
        lines.append(f"{n}. {kind}{_md(outcome.text.best(language))}")
        for skill in outcome.esco_skills:
            if skill.label is None:
                lines.append(f"   - ESCO: <{skill.iri}>")
            else:
                lines.append(f"   - ESCO: [{_md(skill.label.best(language))}]({skill.iri})")
    return "\n".join(lines)


def _outcomes_from_narrative(narrative: str, language: str) -> list[dict[str, Any]]:
    outcomes: list[dict[str, Any]] = []
    for line in narrative.split("\n"):
        item = _ITEM_RE.fullmatch(line)
        if item is not None:
            outcome: dict[str, Any] = {"text": {language: _unmd(item.group(3))}, "esco_skills": []}
            if item.group(2):
                outcome["skill_type"] = item.group(2).lower()
            outcomes.append(outcome)
            continue
        esco = _ESCO_RE.fullmatch(line)
        if esco is not None and outcomes:
            label, iri, bare = esco.groups()
            skill: dict[str, Any] = {"iri": bare or iri}
            if label is not None:
                skill["label"] = {language: _unmd(label)}
            outcomes[-1]["esco_skills"].append(skill)
    return outcomes


# --- model -> OB 3.0 -----------------------------------------------------------------------


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _profile(org: Organisation, language: str) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": org.id, "type": ["Profile"], "name": org.name.best(language)}
    if set(org.name) != {language}:  # edubadge's extension: the name in every language
        profile["localizedName"] = extension.language_map(org.name)
    if org.url:
        profile["url"] = org.url
    if org.email:
        profile["email"] = org.email
    if org.country or org.region:
        address: dict[str, Any] = {"type": ["Address"]}
        if org.country:
            address["addressCountry"] = country_name(org.country)
            address["addressCountryCode"] = org.country
        if org.region:
            address["addressRegion"] = org.region
        profile["address"] = address
    return profile


def _ext_type(scheme: str) -> str:
    """``ext:`` + the scheme in the characters OB 3.0 allows there (``Student ID`` ->
    ``ext:StudentID``; the exact name travels in the extension's ``learnerIdentifier``)."""
    return "ext:" + (re.sub(r"[^A-Za-z0-9._-]", "", scheme) or "identifier")


def learner_identities(learner: Learner, language: str) -> list[tuple[str, str]]:
    """The learner's (identityType, plain value) pairs, in the order they are written:
    the full name in `language`, the email, then each identifier."""
    identities: list[tuple[str, str]] = []
    full_name = learner.name(language)
    if full_name:
        identities.append(("name", full_name))
    if learner.email:
        identities.append(("emailAddress", learner.email))
    for other in learner.identifiers:
        kind = other.scheme if other.scheme in _IDENTITY_TYPES else _ext_type(other.scheme)
        identities.append((kind, other.value))
    return identities


def _subject(
    learner: Learner, language: str, identity: Literal["hashed", "plain"], salt: str | None
) -> dict[str, Any]:
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if learner.id:
        subject["id"] = learner.id
    if identity == "plain":
        subject["type"].append("Profile")
        if learner.given_name:
            subject["givenName"] = learner.given_name.best(language)
        if learner.family_name:
            subject["familyName"] = learner.family_name.best(language)
    used_salt = None if identity == "plain" else salt or secrets.token_hex(16)
    identities = learner_identities(learner, language)
    if identities:
        subject["identifier"] = [_identity_object(k, v, used_salt) for k, v in identities]
    return subject


def _achievement_id(mc: MicroCredential, issuer: Organisation, title: str) -> str:
    if mc.achievement_id:
        return mc.achievement_id
    return f"urn:uuid:{uuid.uuid5(_ACHIEVEMENT_NAMESPACE, f'{issuer.id}|{title}')}"


def _alignments(mc: MicroCredential) -> list[dict[str, Any]]:
    language = mc.primary_language
    alignments: list[dict[str, Any]] = []
    if mc.eqf_level is not None:
        n = eqf_number(mc.eqf_level)
        alignments.append(
            {
                "type": ["Alignment"],
                "targetName": f"EQF level {n}",
                "targetUrl": mc.eqf_level.iri,
                "targetFramework": EQF_FRAMEWORK,
                "targetCode": str(n),
                "targetType": EQF_TARGET_TYPE,
            }
        )
    seen: set[str] = set()
    for outcome in mc.learning_outcomes:
        for skill in outcome.esco_skills:
            if skill.iri in seen:
                continue
            seen.add(skill.iri)
            alignments.append(
                {
                    "type": ["Alignment"],
                    "targetName": skill.label.best(language) if skill.label else skill.iri,
                    "targetUrl": skill.iri,
                    "targetFramework": ESCO_FRAMEWORK,
                    "targetCode": skill.iri.rsplit("/", 1)[1],
                    "targetType": ESCO_TARGET_TYPE,
                }
            )
    return alignments


def to_credential(
    mc: MicroCredential,
    issuer: Organisation,
    *,
    micro_credential: bool = True,
    identity: Literal["hashed", "plain"] = "hashed",
    salt: str | None = None,
) -> dict[str, Any]:
    """The unsigned OB 3.0 ``OpenBadgeCredential`` for `mc`, issued by `issuer`.

    With ``micro_credential=True`` the achievement is marked ``"MicroCredential"``, and a
    micro-credential lacking a mandatory Annex I element is refused with
    `NotAMicroCredentialError` (an absent `issued` means "now" and is not missing). With
    ``micro_credential=False`` it is issued as a plain badge, which needs only a title and a
    learner (`InvalidFieldsError` otherwise).

    `identity` says how the learner's name, email and other identifiers are written:
    ``"hashed"`` (salted SHA-256; `salt` None means a fresh random salt) or ``"plain"``.
    The output is a function of the arguments, except for a missing ``mc.id`` (a fresh
    ``urn:uuid``), `issued` (now) and `salt` (random).
    """
    if identity not in ("hashed", "plain"):
        raise ValueError(f"identity must be 'hashed' or 'plain', not {identity!r}")
    mc = mc.ready_to_issue(issuer, micro_credential=micro_credential, what="badge")
    assert mc.title is not None and mc.learner is not None and mc.issued is not None
    issued = mc.issued

    language = mc.primary_language
    title = mc.title.best(language)
    achievement: dict[str, Any] = {
        "id": _achievement_id(mc, issuer, title),
        "type": ["Achievement"],
    }
    if micro_credential:
        achievement["achievementType"] = "MicroCredential"
    achievement["name"] = title
    achievement["description"] = mc.description.best(language) if mc.description else title
    achievement["criteria"] = {"narrative": _narrative(mc, title)}
    achievement["inLanguage"] = language
    ects = mc.ects
    if ects is not None:
        achievement["creditsAvailable"] = float(ects)
    alignments = _alignments(mc)
    if alignments:
        achievement["alignment"] = alignments
    if mc.awarding_bodies:
        achievement["creator"] = _profile(mc.awarding_bodies[0], language)
    grade_id = f"{achievement['id']}#grade"
    if mc.grade is not None:
        scheme = mc.grade.scheme
        achievement["resultDescription"] = [
            {
                "id": grade_id,
                "type": ["ResultDescription"],
                "name": scheme.title.best(language) if scheme else "Grade",
                "resultType": "Result",
            }
        ]
    achievement.update(extension.achievement_terms(mc, _profile))

    subject = _subject(mc.learner, language, identity, salt)
    if ects is not None:
        subject["creditsEarned"] = float(ects)
    subject["achievement"] = achievement
    if mc.grade is not None:
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": grade_id,
                "value": mc.grade.value.best(language),
            }
        ]
    subject.update(extension.subject_terms(mc, plain=identity == "plain"))

    credential: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": mc.id or f"urn:uuid:{uuid.uuid4()}",
        "type": list(CREDENTIAL_TYPE),
        "name": title,
        "issuer": _profile(issuer, language),
        "validFrom": _timestamp(issued),
    }
    if mc.valid_until is not None:
        credential["validUntil"] = _timestamp(mc.valid_until)
    if mc.awarded is not None:
        credential["awardedDate"] = f"{mc.awarded.isoformat()}T00:00:00Z"
    credential["credentialSubject"] = subject
    return credential


# --- OB 3.0 -> model -----------------------------------------------------------------------


def _types(node: Mapping[str, Any]) -> list[str]:
    value = node.get("type")
    if isinstance(value, str):
        return [value]
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def _organisation_data(profile: Mapping[str, Any], language: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": profile.get("id"), "name": profile.get("name")}
    if isinstance(data["name"], str):
        data["name"] = {language: data["name"]}
    if isinstance(profile.get("localizedName"), Mapping):
        data["name"] = dict(profile["localizedName"])
    for key in ("url", "email"):
        if key in profile:
            data[key] = profile[key]
    address = profile.get("address")
    if isinstance(address, Mapping):
        if "addressCountryCode" in address:
            data["country"] = address["addressCountryCode"]
        if "addressRegion" in address:
            data["region"] = address["addressRegion"]
    return data


def organisation_from_profile(profile: Mapping[str, Any], language: str = "en") -> Organisation:
    """An `Organisation` from an OB 3.0 ``Profile`` (such as a credential's ``issuer``);
    its name is taken to be in `language`."""
    if not isinstance(profile, Mapping):
        raise InvalidFieldsError("OB 3.0 profile", [("(profile)", "expected a Profile object")])
    try:
        return Organisation.model_validate(_organisation_data(profile, language))
    except ValidationError as exc:
        raise InvalidFieldsError("organisation from an OB 3.0 profile", field_errors(exc)) from exc


def _learner_data(subject: Mapping[str, Any], language: str) -> dict[str, Any] | None:
    data: dict[str, Any] = {}
    if isinstance(subject.get("id"), str):
        data["id"] = subject["id"]
    for key, field in (("givenName", "given_name"), ("familyName", "family_name")):
        if isinstance(subject.get(key), str):
            data[field] = {language: subject[key]}
    if isinstance(subject.get("email"), str):
        data["email"] = subject["email"]
    identifiers = []
    for entry in subject.get("identifier") or ():
        if not isinstance(entry, Mapping) or entry.get("hashed") is not False:
            continue  # a hashed identity cannot be recovered
        kind, value = entry.get("identityType"), entry.get("identityHash")
        if not isinstance(kind, str) or not isinstance(value, str):
            continue
        if kind == "name":
            if "given_name" not in data and "family_name" not in data:
                data["family_name"] = {language: value}  # an unsplit name
        elif kind == "emailAddress":
            data.setdefault("email", value)
        else:
            identifiers.append({"value": value, "scheme": kind.removeprefix("ext:")})
    if identifiers:
        data["identifiers"] = identifiers
    return data or None


def _awarded(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # reported by the model
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def _points(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(Decimal(repr(float(value))))
    return value


def _grade(
    achievement: Mapping[str, Any], subject: Mapping[str, Any], language: str
) -> dict[str, Any] | None:
    """The first result with a value, and the name of its result description as the scheme."""
    schemes = {
        d.get("id"): d.get("name")
        for d in achievement.get("resultDescription") or ()
        if isinstance(d, Mapping)
    }
    for result in subject.get("result") or ():
        if isinstance(result, Mapping) and isinstance(result.get("value"), str):
            grade: dict[str, Any] = {"value": {language: result["value"]}}
            name = schemes.get(result.get("resultDescription"))
            if isinstance(name, str) and name != "Grade":
                grade["scheme"] = {"title": {language: name}}
            return grade
    return None


# The SURF edubadges extension context (its terms are plain JSON keys in its examples).
_EDUCREDENTIAL = "educredentials/obv3-examples"


def _read_educredential(achievement: Mapping[str, Any], data: dict[str, Any]) -> None:
    """SURF edubadges terms that name EU concepts: ECTS, study hours (SBU), and a
    participation mode when it is a mode's name; their free-text assessment and supervision
    values are not EU concepts and are not guessed at."""
    ects = achievement.get("ECTS")
    if isinstance(ects, int | float) and not isinstance(ects, bool) and "credits" not in data:
        data["credits"] = [{"framework": ECTS.iri, "points": _points(ects)}]
    hours = achievement.get("SBU")
    if isinstance(hours, int | float | str) and str(hours).isdigit() and int(hours) > 0:
        data["volume_of_learning"] = f"PT{int(hours)}H"
    mode = achievement.get("participationType")
    if isinstance(mode, str) and MODES.lookup(mode) is not None:
        data["participation_modes"] = [mode]


def from_credential(doc: Mapping[str, Any]) -> MicroCredential:
    """The micro-credential an OB 3.0 credential carries (the reverse of `to_credential`).

    Lost on the way (not in OB 3.0): hashed learner identities, other languages than
    ``inLanguage``, awarding bodies after the first, ECVET points and the volume of learning,
    assessment types, participation modes, learning setting and quality assurance.
    The issuer is not part of the model: see `organisation_from_profile`.
    """
    problems: list[tuple[str, str]] = []
    if not isinstance(doc, Mapping):
        raise InvalidFieldsError("OB 3.0 credential", [("$", "expected a JSON object")])
    types = _types(doc)
    if "OpenBadgeCredential" not in types and "AchievementCredential" not in types:
        problems.append(("$.type", "not an OpenBadgeCredential/AchievementCredential"))
    subject = doc.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    if not isinstance(subject, Mapping):
        problems.append(("$.credentialSubject", "expected an AchievementSubject object"))
    elif not isinstance(achievement, Mapping):
        problems.append(("$.credentialSubject.achievement", "expected an Achievement object"))
    if problems:
        raise InvalidFieldsError("OB 3.0 credential", problems)
    assert isinstance(subject, Mapping) and isinstance(achievement, Mapping)

    language = achievement.get("inLanguage", "en")
    if not isinstance(language, str):
        language = "en"
    name = achievement.get("name", doc.get("name"))
    data: dict[str, Any] = {"primary_language": language}
    if "id" in doc:
        data["id"] = doc["id"]
    if "id" in achievement:
        data["achievement_id"] = achievement["id"]
    if name is not None:
        data["title"] = {language: name} if isinstance(name, str) else name
    description = achievement.get("description")
    if isinstance(description, str) and description.strip() and description != name:
        data["description"] = {language: description}
    learner = _learner_data(subject, language)
    if learner is not None:
        data["learner"] = learner
    creator = achievement.get("creator")
    if isinstance(creator, Mapping):
        data["awarding_bodies"] = [_organisation_data(creator, language)]
    if "validFrom" in doc:
        data["issued"] = doc["validFrom"]
    if "awardedDate" in doc:
        data["awarded"] = _awarded(doc["awardedDate"])

    # learning outcomes and their ESCO skills: the narrative, completed by the alignments
    criteria = achievement.get("criteria")
    narrative = criteria.get("narrative") if isinstance(criteria, Mapping) else None
    outcomes = _outcomes_from_narrative(narrative, language) if isinstance(narrative, str) else []
    listed = {s["iri"] for o in outcomes for s in o["esco_skills"]}
    for alignment in achievement.get("alignment") or ():
        if not isinstance(alignment, Mapping):
            continue
        url, kind = alignment.get("targetUrl"), alignment.get("targetType")
        if kind == EQF_TARGET_TYPE or (isinstance(url, str) and url in EQF):
            data["eqf_level"] = (
                url if isinstance(url, str) and url in EQF else alignment.get("targetCode")
            )
        elif kind == ESCO_TARGET_TYPE and isinstance(url, str):
            label = alignment.get("targetName")
            for outcome in outcomes:
                for skill in outcome["esco_skills"]:
                    if skill["iri"] == url and "label" not in skill and label != url:
                        skill["label"] = {language: label}
            if url not in listed and outcomes:
                skill = {"iri": url}
                if isinstance(label, str) and label != url:
                    skill["label"] = {language: label}
                outcomes[0]["esco_skills"].append(skill)
                listed.add(url)
    if outcomes:
        data["learning_outcomes"] = outcomes

    points = achievement.get("creditsAvailable", subject.get("creditsEarned"))
    if points is not None:
        data["credits"] = [{"framework": ECTS.iri, "points": _points(points)}]
    if "validUntil" in doc:
        data["valid_until"] = doc["validUntil"]
    grade = _grade(achievement, subject, language)
    if grade:
        data["grade"] = grade
    contexts = doc.get("@context")
    if isinstance(contexts, list) and extension.CONTEXT_URL in contexts:
        extension.read_achievement(
            achievement, data, lambda node: _organisation_data(node, language)
        )
        extension.read_subject(subject, data)
    elif isinstance(contexts, list) and any(_EDUCREDENTIAL in str(c) for c in contexts):
        _read_educredential(achievement, data)

    try:
        return MicroCredential.model_validate(data)
    except ValidationError as exc:
        raise InvalidFieldsError(
            "micro-credential read from an OB 3.0 credential", field_errors(exc)
        ) from exc
