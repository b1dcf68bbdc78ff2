"""A credential in plain words for the verifier page: who issued it, to whom, and for what.

It reads whatever JSON came in, verified or not, and never raises: a field it cannot read
is left out. What it says is only as true as the verification result shown beside it.
"""

from __future__ import annotations

from typing import Any

from ..datamodel import as_list, types_of
from ..errors import EdubadgeError
from ..formats import ob3
from ..model.vocab import EQF


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("@value"), str):
        return str(value["@value"])
    if isinstance(value, list):
        for item in value:
            if (text := _text(item)) is not None:
                return text
    return None


def _issuer(document: dict[str, Any]) -> dict[str, Any]:
    issuer = document.get("issuer")
    if isinstance(issuer, str):
        return {"id": issuer}
    if not isinstance(issuer, dict):
        return {}
    found = {"id": issuer.get("id"), "name": _text(issuer.get("name"))}
    if isinstance(issuer.get("url"), str):
        found["url"] = issuer["url"]
    address = issuer.get("address")
    if isinstance(address, dict) and isinstance(address.get("addressCountry"), str):
        found["country"] = address["addressCountry"]
    return {k: v for k, v in found.items() if v is not None}


def _learner(subject: dict[str, Any]) -> dict[str, Any]:
    learner: dict[str, Any] = {}
    if isinstance(subject.get("id"), str):
        learner["id"] = subject["id"]
    name = _text(subject.get("name"))
    parts = [_text(subject.get(k)) for k in ("givenName", "familyName")]
    if name is None and any(parts):
        name = " ".join(p for p in parts if p)
    hashed = []
    for identity in as_list(subject.get("identifier")):
        if not isinstance(identity, dict):
            continue
        kind = identity.get("identityType")
        if identity.get("hashed") is False and kind == "name" and name is None:
            name = _text(identity.get("identityHash"))
        elif identity.get("hashed") is not False and isinstance(kind, str):
            hashed.append(kind)
    if name:
        learner["name"] = name
    if hashed:
        learner["hashedIdentities"] = hashed
    return learner


def _eqf_level(achievement: dict[str, Any]) -> str | None:
    for alignment in as_list(achievement.get("alignment")):
        if not isinstance(alignment, dict):
            continue
        url = alignment.get("targetUrl")
        if alignment.get("targetType") == ob3.EQF_TARGET_TYPE or (
            isinstance(url, str) and url in EQF
        ):
            code = alignment.get("targetCode")
            if isinstance(code, str):
                return code
            if isinstance(url, str):
                return url.rstrip("/").rsplit("/", 1)[-1]
    return None


def _outcomes(document: dict[str, Any], achievement: dict[str, Any]) -> list[str]:
    try:
        record = ob3.from_credential(document)
    except EdubadgeError:
        record = None
    if record is not None and record.learning_outcomes:
        language = record.primary_language
        return [o.text.best(language) for o in record.learning_outcomes]
    criteria = achievement.get("criteria")
    narrative = criteria.get("narrative") if isinstance(criteria, dict) else None
    return [narrative] if isinstance(narrative, str) else []


def _image(achievement: dict[str, Any]) -> str | None:
    image = achievement.get("image")
    url = image.get("id") if isinstance(image, dict) else image
    if isinstance(url, str) and url.startswith(("data:image/png", "data:image/svg+xml")):
        return url
    return None


def describe(document: Any) -> dict[str, Any]:
    """Plain facts of a credential: issuer, learner, title, credits, level, outcomes."""
    if not isinstance(document, dict):
        return {}
    subject = next(
        (s for s in as_list(document.get("credentialSubject")) if isinstance(s, dict)), {}
    )
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, dict) else {}
    facts: dict[str, Any] = {
        "type": types_of(document),
        "issuer": _issuer(document),
        "learner": _learner(subject),
        "title": _text(achievement.get("name")) or _text(document.get("name")),
        "description": _text(achievement.get("description")) or _text(document.get("description")),
        "achievementType": achievement.get("achievementType"),
        "ects": subject.get("creditsEarned", achievement.get("creditsAvailable")),
        "eqfLevel": _eqf_level(achievement),
        "learningOutcomes": _outcomes(document, achievement),
        "validFrom": document.get("validFrom", document.get("issuanceDate")),
        "validUntil": document.get("validUntil", document.get("expirationDate")),
        "image": _image(achievement),
    }
    return {k: v for k, v in facts.items() if v not in (None, [], {})}
