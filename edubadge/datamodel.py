"""Structural rules of the VC data model (2.0, and 1.1 for legacy documents) and of OB 3.0.

These are the rules JSON-LD does not enforce: required members, URL-valued identifiers,
date formats, `type` on every typed object, and the Open Badges class of each nested object.
Each rule breach is reported as (JSON path, message); nothing raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB3_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"
ENVELOPED_CREDENTIAL = "EnvelopedVerifiableCredential"

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")
_DATETIME_STAMP = re.compile(
    r"^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?"
    r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)
_LANGUAGE_VALUE_KEYS = {"@value", "@language", "@direction"}

Problem = tuple[str, str]


def is_url(value: object) -> bool:
    """True for an absolute URL/URI (a scheme, no white space)."""
    return isinstance(value, str) and bool(_URL.match(value))


def parse_datetime_stamp(value: object) -> datetime | None:
    """The instant of an XML Schema dateTimeStamp (time zone required), or None."""
    if not isinstance(value, str) or not _DATETIME_STAMP.match(value):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def as_list(value: Any) -> list[Any]:
    """A JSON value as a list (a single value counts as one)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def types_of(value: Any) -> list[str]:
    """The `type` strings of a JSON object (empty if it has none)."""
    if not isinstance(value, dict):
        return []
    return [t for t in as_list(value.get("type")) if isinstance(t, str)]


def contexts_of(document: dict[str, Any]) -> list[Any]:
    """The document's `@context` entries as a list."""
    return as_list(document.get("@context"))


def is_ob3(document: dict[str, Any]) -> bool:
    """True when the document uses an Open Badges 3.0 context."""
    return any(
        isinstance(c, str) and c.startswith(OB3_CONTEXT_PREFIX) for c in contexts_of(document)
    )


def _items(document: dict[str, Any], key: str) -> Iterator[tuple[str, Any]]:
    value = document.get(key)
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield f"$.{key}[{i}]", item
    elif value is not None:
        yield f"$.{key}", value


def _text_problems(value: Any, path: str) -> list[Problem]:
    """`name`/`description`: a string, a language value object, or an array of them."""
    problems = []
    for i, item in enumerate(as_list(value)):
        where = f"{path}[{i}]" if isinstance(value, list) else path
        if isinstance(item, str):
            continue
        if isinstance(item, dict) and "@value" in item and set(item) <= _LANGUAGE_VALUE_KEYS:
            continue
        problems.append(
            (where, "must be a string or a language value object (@value, @language, @direction)")
        )
    return problems


def context_problems(document: dict[str, Any]) -> list[Problem]:
    """`@context`: present, base context first, every entry a URL or an object."""
    if "@context" not in document:
        return [("$['@context']", "is missing")]
    contexts = contexts_of(document)
    problems: list[Problem] = []
    if not contexts or contexts[0] not in (VC2_CONTEXT, VC1_CONTEXT):
        problems.append(("$['@context'][0]", f"must be {VC2_CONTEXT!r}"))
    for i, entry in enumerate(contexts):
        if isinstance(entry, dict):
            continue
        if not is_url(entry):
            problems.append(
                (f"$['@context'][{i}]", f"is neither a context URL nor an object: {entry!r}")
            )
    return problems


def inline_contexts(document: dict[str, Any]) -> list[str]:
    """JSON paths of context definitions given inline (objects in any `@context`, at any depth)."""
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(document, "$")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            for i, entry in enumerate(as_list(value.get("@context"))):
                if not isinstance(entry, str):
                    found.append(f"{path}['@context'][{i}]")
            stack.extend((v, f"{path}.{k}") for k, v in value.items() if k != "@context")
        elif isinstance(value, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(value))
    return sorted(found)


def keyword_problems(document: dict[str, Any]) -> list[Problem]:
    """`@id` and `@type` written as such: JSON readers look for `id` and `type` (VC 2.0 aliases)."""
    problems: list[Problem] = []
    stack: list[tuple[Any, str]] = [(document, "$")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            for key in ("@id", "@type"):
                if key in value:
                    problems.append((f"{path}['{key}']", f"use {key[1:]!r}, not {key!r}"))
            stack.extend((v, f"{path}.{k}") for k, v in value.items() if k != "@context")
        elif isinstance(value, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(value))
    return problems


def credential_problems(document: dict[str, Any]) -> list[Problem]:
    """Breaches of the VC data model rules (2.0, or 1.1 when that is the base context)."""
    problems: list[Problem] = keyword_problems(document)
    legacy = contexts_of(document)[:1] == [VC1_CONTEXT]
    types = types_of(document)
    if "type" not in document:
        problems.append(("$.type", "is missing"))
    elif "VerifiableCredential" not in types:
        problems.append(("$.type", "must include 'VerifiableCredential'"))
    if "id" in document and not is_url(document["id"]):
        problems.append(("$.id", "must be a URL"))
    problems += _issuer_problems(document)
    problems += _subject_problems(document)
    problems += _validity_problems(document, legacy)
    for key in ("name", "description"):
        if key in document:
            problems += _text_problems(document[key], f"$.{key}")
    for key in (
        "credentialStatus",
        "credentialSchema",
        "evidence",
        "termsOfUse",
        "refreshService",
        "proof",
    ):
        for path, item in _items(document, key):
            if not isinstance(item, dict):
                problems.append((path, "must be an object"))
                continue
            if not types_of(item):
                problems.append((f"{path}.type", "is missing"))
            if "id" in item and not is_url(item["id"]):
                problems.append((f"{path}.id", "must be a single URL"))
            if key == "credentialSchema" and "id" not in item:
                problems.append((f"{path}.id", "is missing"))
    problems += _related_resource_problems(document)
    if is_ob3(document):
        problems += ob3_problems(document)
    return problems


def presentation_problems(document: dict[str, Any]) -> list[Problem]:
    """Breaches of the VC data model rules for a verifiable presentation.

    Each embedded credential must be an object typed `VerifiableCredential` (its own rules
    are checked when it is verified) or an `EnvelopedVerifiableCredential` with a `data:` id.
    """
    problems: list[Problem] = keyword_problems(document)
    if "type" not in document:
        problems.append(("$.type", "is missing"))
    elif "VerifiablePresentation" not in types_of(document):
        problems.append(("$.type", "must include 'VerifiablePresentation'"))
    if "id" in document and not is_url(document["id"]):
        problems.append(("$.id", "must be a URL"))
    if "holder" in document:
        holder = document["holder"]
        holder_id = holder.get("id") if isinstance(holder, dict) else holder
        if not is_url(holder_id):
            problems.append(("$.holder", "must be a URL or an object with a URL id"))
    for path, item in _items(document, "verifiableCredential"):
        types = types_of(item)
        if not isinstance(item, dict):
            problems.append((path, "must be an object (a credential, or an enveloped one)"))
        elif ENVELOPED_CREDENTIAL in types:
            if not (isinstance(item.get("id"), str) and item["id"].startswith("data:")):
                problems.append((f"{path}.id", "must be a data: URL holding the credential"))
        elif "VerifiableCredential" not in types:
            problems.append(
                (f"{path}.type", f"must include 'VerifiableCredential' or {ENVELOPED_CREDENTIAL!r}")
            )
    for path, item in _items(document, "proof"):
        if not isinstance(item, dict) or not types_of(item):
            problems.append((path, "must be an object with a type"))
    return problems


def _related_resource_problems(document: dict[str, Any]) -> list[Problem]:
    """VC 2.0 `relatedResource`: objects with a unique URL `id` and a digest."""
    problems: list[Problem] = []
    ids: set[str] = set()
    for path, item in _items(document, "relatedResource"):
        if not isinstance(item, dict):
            problems.append((path, "must be an object"))
            continue
        if not is_url(item.get("id")):
            problems.append((f"{path}.id", "must be a URL"))
        elif item["id"] in ids:
            problems.append((f"{path}.id", "must be unique among the related resources"))
        else:
            ids.add(item["id"])
        if "digestSRI" not in item and "digestMultibase" not in item:
            problems.append((path, "must have digestSRI or digestMultibase"))
        for key in ("digestSRI", "digestMultibase"):
            values = as_list(item.get(key))
            if key in item and (not values or not all(isinstance(v, str) for v in values)):
                problems.append((f"{path}.{key}", "must be a string or a list of strings"))
    return problems


def _issuer_problems(document: dict[str, Any]) -> list[Problem]:
    if "issuer" not in document:
        return [("$.issuer", "is missing")]
    issuer = document["issuer"]
    if isinstance(issuer, dict):
        problems = [] if is_url(issuer.get("id")) else [("$.issuer.id", "must be a URL")]
        for key in ("name", "description"):
            if key in issuer:
                problems += _text_problems(issuer[key], f"$.issuer.{key}")
        return problems
    return [] if is_url(issuer) else [("$.issuer", "must be a URL or an object with a URL id")]


def _subject_problems(document: dict[str, Any]) -> list[Problem]:
    if "credentialSubject" not in document:
        return [("$.credentialSubject", "is missing")]
    subjects = document["credentialSubject"]
    if isinstance(subjects, list) and not subjects:
        return [("$.credentialSubject", "must not be empty")]
    problems: list[Problem] = []
    for path, subject in _items(document, "credentialSubject"):
        if not isinstance(subject, dict) or not subject:
            problems.append((path, "must be an object with at least one claim"))
        elif "id" in subject and not is_url(subject["id"]):
            problems.append((f"{path}.id", "must be a single URL"))
    return problems


def _validity_problems(document: dict[str, Any], legacy: bool) -> list[Problem]:
    problems: list[Problem] = []
    names = ("issuanceDate", "expirationDate") if legacy else ("validFrom", "validUntil")
    if legacy and "issuanceDate" not in document:
        problems.append(("$.issuanceDate", "is missing (VC 1.1)"))
    start, end = (document.get(n) for n in names)
    parsed = {}
    for name, value in zip(names, (start, end), strict=True):
        if value is None and name in document:
            problems.append((f"$.{name}", "must not be null"))
        elif value is not None:
            parsed[name] = parse_datetime_stamp(value)
            if parsed[name] is None:
                problems.append((f"$.{name}", f"is not a date-time with a time zone: {value!r}"))
    first, last = parsed.get(names[0]), parsed.get(names[1])
    if first and last and last < first:
        problems.append((f"$.{names[1]}", f"is before {names[0]}"))
    return problems


# --- Open Badges 3.0 -------------------------------------------------------------------------

# (JSON path pattern, required class); "[]" walks an array or a single object alike.
_OB3_CLASSES: tuple[tuple[str, str], ...] = (
    ("issuer", "Profile"),
    ("issuer.otherIdentifier[]", "IdentifierEntry"),
    ("issuer.parentOrg", "Profile"),
    ("issuer.address", "Address"),
    ("credentialSubject", "AchievementSubject"),
    ("credentialSubject.identifier[]", "IdentityObject"),
    ("credentialSubject.source", "Profile"),
    ("credentialSubject.result[]", "Result"),
    ("credentialSubject.achievement", "Achievement"),
    ("credentialSubject.achievement.alignment[]", "Alignment"),
    ("credentialSubject.achievement.resultDescription[]", "ResultDescription"),
    ("credentialSubject.achievement.resultDescription[].alignment[]", "Alignment"),
    (
        "credentialSubject.achievement.resultDescription[].rubricCriterionLevel[]",
        "RubricCriterionLevel",
    ),
    ("credentialSubject.achievement.creator", "Profile"),
    ("credentialSubject.achievement.otherIdentifier[]", "IdentifierEntry"),
    ("credentialSubject.achievement.related[]", "Related"),
    ("credentialSubject.result[].alignment[]", "Alignment"),
    ("evidence[]", "Evidence"),
)
OB3_CREDENTIAL_TYPES = ("OpenBadgeCredential", "AchievementCredential", "EndorsementCredential")


def _walk(value: Any, steps: list[str], path: str) -> Iterator[tuple[str, Any]]:
    if not steps:
        yield path, value
        return
    step, rest = steps[0], steps[1:]
    key = step.removesuffix("[]")
    for i, item in enumerate(as_list(value)):
        if not isinstance(item, dict) or key not in item:
            continue
        where = f"{path}[{i}]" if isinstance(value, list) else path
        child = item[key]
        if step.endswith("[]") and isinstance(child, list):
            for j, element in enumerate(child):
                yield from _walk(element, rest, f"{where}.{key}[{j}]")
        else:
            yield from _walk(child, rest, f"{where}.{key}")


def ob3_problems(document: dict[str, Any]) -> list[Problem]:
    """Open Badges 3.0: the credential's type and the class of each nested object."""
    problems: list[Problem] = []
    if not any(t in types_of(document) for t in OB3_CREDENTIAL_TYPES):
        problems.append(("$.type", "must include 'OpenBadgeCredential' or 'AchievementCredential'"))
    endorsement = "EndorsementCredential" in types_of(document)
    for pattern, required in _OB3_CLASSES:
        if endorsement and pattern.startswith("credentialSubject"):
            required = "EndorsementSubject" if pattern == "credentialSubject" else required
        for path, item in _walk(document, pattern.split("."), "$"):
            if isinstance(item, str) and required == "Profile":
                continue  # a Profile may be given by its URL alone
            if required not in types_of(item):
                problems.append((f"{path}.type", f"must include {required!r}"))
            elif required != "IdentityObject" and not isinstance(item.get("type"), list):
                # the OB 3.0 JSON Schema: every class but IdentityObject takes a type array
                problems.append((f"{path}.type", "must be an array"))
    return problems
