"""What stacking reads from a credential: its pins, its rule, and the facts of a component.

Format-specific reading lives here, one function per format: Open Badges 3.0 now; Europass
EDC (`hasPart` on the LearningAchievement) plugs in as another `facts_of` branch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..datamodel import as_list, is_ob3, parse_datetime_stamp, types_of
from ..errors import InputError
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


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """The issuer's id (the issuer may be a URL or an object with an id)."""
    issuer = credential.get("issuer")
    value = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return value if isinstance(value, str) else None


def _subject(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    return subject if isinstance(subject, Mapping) else {}


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


def facts_of(credential: Mapping[str, Any]) -> Facts:
    """The facts of a component credential; `InputError` for a format stacking cannot read."""
    if is_ob3(dict(credential)):
        return _ob3_facts(credential)
    raise InputError(
        f"credential {credential.get('id')!r} is not an Open Badges 3.0 credential",
        hint="stacking reads OB 3.0 components (EDC once its format is supported)",
    )


def pins_of(credential: Mapping[str, Any]) -> list[Pin]:
    """The components a credential pins: entries of media type application/vc with an id, in
    `relatedResource` (VC 2.0's place) and then in `evidence` (where a selectively disclosable
    stack pins them: VC 2.0 keeps `relatedResource` for what is always disclosed). Evidence
    for an id `relatedResource` already pins adds its digests to that pin (all must match)."""
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


def rule_of(credential: Mapping[str, Any]) -> StackRule | None:
    """The stacking rule a credential carries (OB 3.0: on its achievement), or None."""
    raw = _subject(credential).get("achievement")
    if not isinstance(raw, Mapping) or RULE not in raw:
        return None
    return StackRule.from_json(raw[RULE], path="$.credentialSubject.achievement.stackingRule")


def is_stack(credential: Mapping[str, Any]) -> bool:
    """True when a credential pins components or carries a stacking rule."""
    achievement = _subject(credential).get("achievement")
    return bool(pins_of(credential)) or (isinstance(achievement, Mapping) and RULE in achievement)


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
            if not isinstance(credential, Mapping) or credential.get("id") != pin.id:
                continue
            try:
                if digest_matches(credential, list(pin.digests)):
                    chosen.append(credential)
                    break
            except InputError:
                continue
    return chosen
