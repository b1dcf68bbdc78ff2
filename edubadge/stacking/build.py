"""Building stacks, and the other direction: unbundling a programme into module credentials.

`stack` turns signed component credentials, a description of the larger credential and a
rule into the signed larger credential (OB 3.0). Before signing, the unsigned stack goes
through the very checks `verify` applies to it (`check_stack`), each component's status
included: a stack that would not verify is refused with every reason named.

An issuer whose suite allows selective disclosure (ecdsa-sd-2023) gets a stack a holder can
show in part: the pins go on the `evidence` entries (VC 2.0 permits a digest on any object
with an id, and keeps `relatedResource` for what is always disclosed), each entry selectively
disclosable, and everything else (learner, achievement, rule, credits, dates, status) made
mandatory.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ..datamodel import is_url
from ..errors import InputError, StackingError
from ..formats import ob3
from ..issuer import MANDATORY_POINTERS, Issuer
from ..jsonld.loader import DocumentLoader, default_loader
from ..model import CreditPoint, Learner, MicroCredential, load_microcredential
from ..net.fetcher import Fetcher, memoized
from ..parsing import load_document
from ..presentations import PresentationResult, check_presentation
from ..proofs.registry import get_suite
from ..status.check import StatusResolver
from ..verifier import VerificationResult, status_resolver, verify
from .components import Facts, credentials_in, facts_of, pins_of
from .digest import DEFAULT_ALGORITHM, component_digest
from .rules import StackRule
from .terms import COMPONENT_MEDIA_TYPE, HAS_PART, IS_PART_OF, RULE, with_stacking_context
from .verify import check_stack

# what a holder may leave out of a selectively disclosed stack: the component entries
DISCLOSABLE = ("evidence",)


def _record(achievement: MicroCredential | Mapping[str, Any]) -> MicroCredential:
    if isinstance(achievement, MicroCredential):
        return achievement
    return load_microcredential(dict(achievement))


def _presented(components: Sequence[Any]) -> list[dict[str, Any]]:
    found = []
    for i, item in enumerate(components):
        for suffix, credential in credentials_in(load_document(item, what=f"component {i}")):
            if not isinstance(credential, dict):
                raise InputError("a component credential is a JSON object", path=f"{i}{suffix}")
            found.append(credential)
    return found


def _direct(presented: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The components of the new stack: those no other presented stack already pins."""
    below = {pin.id for c in presented for pin in pins_of(c)}
    direct = [c for c in presented if c.get("id") not in below]
    for c in direct:
        if not isinstance(c.get("id"), str):
            raise InputError(
                "a component without an id cannot be pinned",
                hint="stack only credentials that carry an id",
            )
    if not direct:
        raise InputError("no components to stack")
    return direct


def _learner(record: MicroCredential, facts: list[Facts]) -> Learner:
    if record.learner is not None:
        return record.learner
    ids = {f.subject.get("id") for f in facts}
    if len(ids) == 1 and isinstance(next(iter(ids)), str):
        return Learner(id=next(iter(ids)))
    hint = "give the learner (id, name or email) in the achievement description"
    raise StackingError(
        [
            (f"component {f.id}", f"learner: subject {f.subject.get('id') or '(no id)'}; {hint}")
            for f in facts
        ]
    )


def _credits(record: MicroCredential, facts: list[Facts]) -> MicroCredential:
    """A description without credits gets the sum of the components' ECTS points."""
    points = [f.credits for f in facts]
    if record.credits or not points or any(p is None for p in points):
        return record
    total = sum((p for p in points if p is not None), Decimal(0))
    return record.model_copy(update={"credits": (CreditPoint(points=total),)})


def _evidence(facts: Facts) -> dict[str, Any]:
    issuer = facts.issuer_name or facts.issuer
    entry: dict[str, Any] = {"id": facts.id, "type": ["Evidence"]}
    if facts.name:
        entry["name"] = facts.name
    entry["description"] = f"Component credential issued by {issuer}"
    return entry


def _pin(
    unsigned: dict[str, Any],
    direct: list[dict[str, Any]],
    facts: list[Facts],
    algorithm: str,
    selective: bool,
) -> None:
    """Pin the components: `relatedResource` beside `evidence`, or (selective) on `evidence`."""
    pins = [
        {"mediaType": COMPONENT_MEDIA_TYPE, "digestMultibase": component_digest(c, algorithm)}
        for c in direct
    ]
    evidence = [_evidence(f) for f in facts]
    if selective:
        unsigned["evidence"] = [{**e, **pin} for e, pin in zip(evidence, pins, strict=True)]
        return
    unsigned["evidence"] = evidence
    unsigned["relatedResource"] = [
        {"id": c["id"], **pin} for c, pin in zip(direct, pins, strict=True)
    ]


def _mandatory(unsigned: Mapping[str, Any], options: Mapping[str, Any] | None) -> dict[str, Any]:
    """Proof options for a selectively disclosable stack: all but the component entries is
    mandatory (the caller's own mandatory pointers are kept, e.g. a core component's)."""
    given = list((options or {}).get(MANDATORY_POINTERS, []))
    ours = [f"/{m}" for m in unsigned if m not in ("@context", *DISCLOSABLE)]
    return {**dict(options or {}), MANDATORY_POINTERS: list(dict.fromkeys([*ours, *given]))}


def stack(
    components: Sequence[Any],
    achievement: MicroCredential | Mapping[str, Any],
    rule: StackRule | Mapping[str, Any],
    issuer: Issuer,
    *,
    trusted_issuers: Collection[str] | None = None,
    status_lists: Mapping[str, Any] | StatusResolver | None = None,
    fetcher: Fetcher | None = None,
    micro_credential: bool = True,
    salt: str | None = None,
    now: datetime | None = None,
    loader: DocumentLoader | None = None,
    options: Mapping[str, Any] | None = None,
    digest_algorithm: str = DEFAULT_ALGORITHM,
) -> dict[str, Any]:
    """The signed larger credential that pins `components` and carries `rule`.

    `components` are signed credentials (dicts, JSON text, file paths, or presentations
    holding them: a signed presentation's proof must verify); components of nested stacks
    may be given too and are checked below their stack. `achievement` describes the larger
    credential (the micro-credential input format); its learner defaults to the components'
    common subject id, its credits to the sum of theirs, its `issued` (the award time) to
    now. Refused with `StackingError` naming every failing component and rule clause: each
    component must verify at `now`, be valid at the award time and not revoked or suspended,
    come from `trusted_issuers` (when given), be the learner's, and be counted once.

    A component carrying a `credentialStatus` is checked against `status_lists` (the
    issuers' published list credentials by URL, or a `StatusResolver`) or lists fetched with
    `fetcher`; with neither, it is refused as `status` (not checked): signing the stack
    attests it was not revoked at award time. The stack gets its own `credentialStatus` when
    the issuer has status lists. An issuer signing with ecdsa-sd-2023 gets a selectively
    disclosable stack (see the module docstring and `disclose`).
    """
    record = _record(achievement)
    rule = rule if isinstance(rule, StackRule) else StackRule.from_json(rule)
    loader = loader or issuer.loader or default_loader()
    moment = now or datetime.now(UTC)
    presented = _presented(components)
    direct = _direct(presented)
    facts = [facts_of(c) for c in direct]
    learner = _learner(record, facts)
    record = _credits(record, facts).model_copy(
        update={"learner": learner, "issued": record.issued or moment}
    )
    unsigned = with_stacking_context(
        ob3.to_credential(record, issuer.profile, micro_credential=micro_credential, salt=salt)
    )
    definition = unsigned["credentialSubject"]["achievement"]
    definition[RULE] = rule.to_json()
    if rule.achievements:
        definition[HAS_PART] = list(rule.achievements)
    selective = get_suite(issuer.suite).derivable
    _pin(unsigned, direct, facts, digest_algorithm, selective)

    fetcher = None if fetcher is None else memoized(fetcher)
    resolver = status_resolver(status_lists, fetcher, loader)

    def verify_one(credential: Any, below: Sequence[Any] | None) -> VerificationResult:
        return verify(
            credential,
            loader=loader,
            now=moment,
            components=below,
            trusted_issuers=trusted_issuers,
            status_lists=resolver,
            fetcher=fetcher,
        )

    def check_holder(presentation: Any) -> PresentationResult:
        return check_presentation(
            presentation, challenge=None, domain=None, loader=loader, now=moment, fetcher=fetcher
        )

    known = dict(ob3.learner_identities(learner, record.primary_language))
    report = check_stack(
        unsigned,
        components,
        verify_one=verify_one,
        check_presentation=check_holder,
        trusted_issuers=trusted_issuers,
        learner=known,
        require_status=True,
    )
    reasons = [
        (f"component {c.id or c.where}", f"{reason}: {detail}")
        for c in report.components
        for reason, detail in c.failures.items()
    ]
    reasons += [(f"rule clause {c.name}", c.detail) for c in report.clauses if not c.passed]
    if reasons:
        raise StackingError(reasons)
    unsigned = issuer.with_status(unsigned)
    return issuer.sign(unsigned, options=_mandatory(unsigned, options) if selective else options)


def unbundle(
    modules: Sequence[MicroCredential | Mapping[str, Any]],
    issuer: Issuer,
    *,
    part_of: str,
    micro_credential: bool = True,
    salt: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Signed credentials for modules completed inside a larger programme.

    Each module's achievement says `isPartOf` the programme's achievement (`part_of`, an
    IRI), so the learner can take a module's credential elsewhere and it still says where
    it belongs. Each gets `credentialStatus` entries when the issuer has status lists.
    `salt` fixes the identity-hash salt (conformance vectors); None draws one.
    """
    if not is_url(part_of):
        raise InputError(f"part_of must be the programme achievement's IRI, not {part_of!r}")
    issued = []
    for module in modules:
        unsigned = with_stacking_context(
            ob3.to_credential(
                _record(module), issuer.profile, micro_credential=micro_credential, salt=salt
            )
        )
        unsigned["credentialSubject"]["achievement"][IS_PART_OF] = part_of
        issued.append(issuer.sign(issuer.with_status(unsigned), options=options))
    return issued
