"""What stacking reads from a credential: its pins, its rule, and the facts of a component.

Format-specific reading lives here, one function per format: Open Badges 3.0 and Europass
EDC. A sealed EDC (a JAdES envelope) is read through its payload: the envelope is the signed
component, what its pin's digest is taken over; the payload is the credential it seals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..datamodel import as_list, is_ob3, parse_datetime_stamp, types_of
from ..envelopes.envelope import is_jades, parse_envelope, payload_document
from ..errors import InputError, InvalidFieldsError
from ..formats import edc, ob3
from ..model.vocab import ECTS
from .digest import digest_matches
from .rules import StackRule, credit_points
from .terms import COMPONENT_MEDIA_TYPE, RULE

PRESENTATION_TYPE = "VerifiablePresentation"
PIN_MEMBERS = ("relatedResource", "evidence")


@dataclass(frozen=True)
class Pin:
    """An entry that pins a component credential by id and digest, and where it is
    (`$.relatedResource[i]`, or `$.evidence[i]` in a selectively disclosable stack)."""

    path: str
    id: str
    digests: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    """What the rule and the learner binding need from one credential."""

    id: str | None
    issuer: str | None
    issuer_name: str | None
    achievement: str | None
    name: str | None
    credits: Decimal | None
    subject: Mapping[str, Any]
    valid_from: datetime | None
    valid_until: datetime | None


def credential_of(item: Mapping[str, Any]) -> Mapping[str, Any]:
    """The credential a component is: the payload of a JAdES envelope (read, not verified:
    `verify` checks the seal), else the item itself."""
    if not is_jades(item):
        return item
    try:
        return payload_document(parse_envelope(item).payload) or {}
    except InputError:
        return {}


def credential_id(item: Any) -> str | None:
    """The id of a component credential (a sealed EDC's is in its payload)."""
    value = credential_of(item).get("id") if isinstance(item, Mapping) else None
    return value if isinstance(value, str) else None


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """The issuer's id (the issuer may be a URL or an object with an id)."""
    issuer = credential.get("issuer")
    value = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return value if isinstance(value, str) else None


def _first(value: Any) -> Mapping[str, Any]:
    """A node, or the first of a list of nodes (EDC's `hasClaim`, OB's single subject)."""
    if isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, Mapping) else {}


def _subject(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) != 1:
        return {}
    return _first(subject)


def _ob3_facts(credential: Mapping[str, Any]) -> Facts:
    subject = _subject(credential)
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    points = credit_points(subject.get("creditsEarned", achievement.get("creditsAvailable")))
    issuer = credential.get("issuer")
    name = achievement.get("name", credential.get("name"))
    return Facts(
        id=credential.get("id") if isinstance(credential.get("id"), str) else None,
        issuer=issuer_id(credential),
        issuer_name=issuer.get("name") if isinstance(issuer, Mapping) else None,
        achievement=achievement.get("id") if isinstance(achievement.get("id"), str) else None,
        name=name if isinstance(name, str) else None,
        credits=points,
        subject=subject,
        valid_from=parse_datetime_stamp(credential.get("validFrom")),
        valid_until=parse_datetime_stamp(credential.get("validUntil")),
    )


def _claim(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    """An EDC's claim: the first `LearningAchievement` of its subject (`hasClaim[0]`)."""
    return _first(_subject(credential).get("hasClaim"))


def _ects(received: Any, available: Any) -> Decimal | None:
    """The ECTS points of ELM `CreditPoint`s (points are strings such as "5"): those the
    claim received, else those its specification offers."""
    for node in [*as_list(received), *as_list(available)]:
        framework = _first(node).get("framework")
        framework_iri = framework.get("id") if isinstance(framework, Mapping) else framework
        point = _first(node).get("point")
        if framework_iri != ECTS.iri or not isinstance(point, str | int | float):
            continue
        try:
            value = Decimal(str(point))
        except InvalidOperation:
            return None
        return value if value.is_finite() and value >= 0 else None
    return None


def _edc_subject(person: Mapping[str, Any], language: str) -> dict[str, Any]:
    """An EDC learner as the learner binding compares subjects: its id (a local node id names
    no one), and what identifies the person as plain OB 3.0 identity objects."""
    subject: dict[str, Any] = {}
    if isinstance(person.get("id"), str) and not edc.is_local_id(person["id"]):
        subject["id"] = person["id"]
    try:
        learner = edc.learner_from_person(person)
    except InvalidFieldsError:
        learner = None
    if learner is not None:
        subject["identifier"] = [
            ob3.identity_object(kind, value, None)
            for kind, value in ob3.learner_identities(learner, language)
        ]
    return subject


def _edc_facts(credential: Mapping[str, Any]) -> Facts:
    claim = _claim(credential)
    spec = _first(claim.get("specifiedBy"))
    titles = claim.get("title", spec.get("title"))
    titles = titles if isinstance(titles, Mapping) else {}
    language, name = next(iter(titles.items()), ("en", None))
    issuer = _first(credential.get("issuer"))
    legal_names = issuer.get("legalName")
    issuer_name = (
        next(iter(legal_names.values()), None) if isinstance(legal_names, Mapping) else None
    )
    achievement = spec.get("id")
    return Facts(
        id=credential.get("id") if isinstance(credential.get("id"), str) else None,
        issuer=issuer_id(credential),
        issuer_name=issuer_name if isinstance(issuer_name, str) else None,
        achievement=achievement
        if isinstance(achievement, str) and not edc.is_local_id(achievement)
        else None,
        name=name if isinstance(name, str) else None,
        credits=_ects(claim.get("creditReceived"), spec.get("creditPoint")),
        subject=_edc_subject(_subject(credential), str(language)),
        valid_from=parse_datetime_stamp(
            credential.get("validFrom", credential.get("issuanceDate"))
        ),
        valid_until=parse_datetime_stamp(
            credential.get("validUntil", credential.get("expirationDate"))
        ),
    )


def facts_of(credential: Mapping[str, Any]) -> Facts:
    """The facts of a component credential (OB 3.0, or an EDC, sealed or not); `InputError`
    for a format stacking cannot read."""
    document = credential_of(credential)
    if edc.is_edc(document):
        return _edc_facts(document)
    if is_ob3(dict(document)):
        return _ob3_facts(document)
    raise InputError(
        f"credential {document.get('id')!r} is neither an Open Badges 3.0 credential nor a "
        "Europass EDC",
        hint="stacking reads OB 3.0 and EDC components",
    )


def pins_of(credential: Mapping[str, Any]) -> list[Pin]:
    """The components a credential pins: entries of media type application/vc with an id, in
    `relatedResource` (VC 2.0's place) and then in `evidence` (where a selectively disclosable
    stack pins them: VC 2.0 keeps `relatedResource` for what is always disclosed). Evidence
    for an id `relatedResource` already pins adds its digests to that pin (all must match).
    A sealed stack's pins are read from its payload."""
    credential = credential_of(credential)
    pins: list[Pin] = []
    for member in PIN_MEMBERS:
        value = credential.get(member)
        entries = value if isinstance(value, list) else [value]
        for i, entry in enumerate(entries):
            if not isinstance(entry, Mapping) or entry.get("mediaType") != COMPONENT_MEDIA_TYPE:
                continue
            digests = tuple(d for d in as_list(entry.get("digestMultibase")) if isinstance(d, str))
            if not isinstance(entry.get("id"), str) or (member == "evidence" and not digests):
                continue
            known = [n for n, pin in enumerate(pins) if pin.id == entry["id"]]
            if member == "evidence" and known:
                pin = pins[known[0]]
                pins[known[0]] = Pin(pin.path, pin.id, pin.digests + digests)
                continue
            path = f"$.{member}[{i}]" if isinstance(value, list) else f"$.{member}"
            pins.append(Pin(path, entry["id"], digests))
    return pins


def _rule_holder(credential: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
    """The node that carries a stack's rule and its JSON path: the OB 3.0 achievement, or the
    specification of an EDC's claim (its qualification: what the award is defined as)."""
    document = credential_of(credential)
    if edc.is_edc(document):
        claims = _subject(document).get("hasClaim")
        claim = "hasClaim[0]" if isinstance(claims, list) else "hasClaim"
        holder = _first(_claim(document).get("specifiedBy"))
        return holder, f"$.credentialSubject.{claim}.specifiedBy"
    return _first(_subject(document).get("achievement")), "$.credentialSubject.achievement"


def rule_path(credential: Mapping[str, Any]) -> str:
    """The JSON path of a stack's rule (`...stackingRule`), where it is or would be."""
    return f"{_rule_holder(credential)[1]}.{RULE}"


def rule_of(credential: Mapping[str, Any]) -> StackRule | None:
    """The stacking rule a credential carries, or None."""
    holder, path = _rule_holder(credential)
    if RULE not in holder:
        return None
    return StackRule.from_json(holder[RULE], path=f"{path}.{RULE}")


def is_stack(credential: Mapping[str, Any]) -> bool:
    """True when a credential pins components or carries a stacking rule."""
    return bool(pins_of(credential)) or RULE in _rule_holder(credential)[0]


def credentials_in(item: Any) -> list[tuple[str, Any]]:
    """The credentials in one presented item as (JSON path suffix, credential): a credential
    is itself (suffix ""); a presentation (`VerifiablePresentation`) gives each of its
    `verifiableCredential[]`. An empty presentation is an `InputError`."""
    if not (isinstance(item, Mapping) and PRESENTATION_TYPE in types_of(item)):
        return [("", item)]
    inner = as_list(item.get("verifiableCredential"))
    if not inner:
        raise InputError("the presentation holds no verifiableCredential")
    return [(f".verifiableCredential[{j}]", credential) for j, credential in enumerate(inner)]


def select_components(stacked: Mapping[str, Any], held: Sequence[Any]) -> list[Any]:
    """The credentials among `held` (a wallet) that `stacked` pins, matched by id and digest,
    in pin order; what a holder presents with the stack."""
    chosen = []
    for pin in pins_of(stacked):
        for credential in held:
            if not isinstance(credential, Mapping) or credential_id(credential) != pin.id:
                continue
            try:
                if digest_matches(credential, list(pin.digests)):
                    chosen.append(credential)
                    break
            except InputError:
                continue
    return chosen
