"""Building stacks, and the other direction: unbundling a programme into module credentials.

`stack` turns signed component credentials, a description of the larger credential and a
rule into the signed larger credential: an OB 3.0 credential signed by an `Issuer`, or a
Europass EDC sealed by an `EdcIssuer`. Before signing, the unsigned stack goes through the
very checks `verify` applies to it (`check_stack`), each component's status included: a
stack that would not verify is refused with every reason named.

An EDC stack links its components in ELM's own terms: its claim (the `LearningAchievement`
awarded) `hasPart` one `LearningAchievement` per component, each `isPartOf` the claim; the
rule goes on the claim's specification (the qualification); the pins are the same
`relatedResource` entries as in OB 3.0 (see `terms`).

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

from cryptography import x509

from ..datamodel import is_url
from ..errors import EdubadgeError, InputError, StackingError
from ..formats import edc, ob3
from ..formats.reading import read_credential
from ..issuer import MANDATORY_POINTERS, EdcIssuer, Issuer
from ..jsonld.loader import DocumentLoader, default_loader
from ..model import (
    CreditPoint,
    Learner,
    MicroCredential,
    RelatedAchievement,
    load_microcredential,
)
from ..net.fetcher import Fetcher, memoized
from ..parsing import load_document
from ..presentations import PresentationResult, check_presentation
from ..proofs.registry import get_suite
from ..status.check import StatusResolver
from ..verifier import VerificationResult, status_resolver, verify
from .components import Facts, credential_id, credentials_in, facts_of, pins_of
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
    direct = [c for c in presented if credential_id(c) not in below]
    for c in direct:
        if credential_id(c) is None:
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


def _pins(direct: list[dict[str, Any]], algorithm: str) -> list[dict[str, Any]]:
    """One `relatedResource` pin per component: its id, media type and digest."""
    return [
        {
            "id": credential_id(c),
            "mediaType": COMPONENT_MEDIA_TYPE,
            "digestMultibase": component_digest(c, algorithm),
        }
        for c in direct
    ]


def _pin(
    unsigned: dict[str, Any],
    direct: list[dict[str, Any]],
    facts: list[Facts],
    algorithm: str,
    selective: bool,
) -> None:
    """Pin the components: `relatedResource` beside `evidence`, or (selective) on `evidence`."""
    pins = _pins(direct, algorithm)
    evidence = [_evidence(f) for f in facts]
    if selective:
        unsigned["evidence"] = [
            {**e, **{k: v for k, v in pin.items() if k != "id"}}
            for e, pin in zip(evidence, pins, strict=True)
        ]
        return
    unsigned["evidence"] = evidence
    unsigned["relatedResource"] = pins


def _part(component: dict[str, Any]) -> edc.Part:
    """A component re-expressed for the EDC award's `hasPart`: what it records, who issued it."""
    try:
        record, issuer = read_credential(component)
    except EdubadgeError as error:
        what = f"component {credential_id(component)}"
        raise StackingError([(what, f"format: cannot be re-expressed in ELM: {error}")]) from None
    return edc.Part(str(credential_id(component)), record, issuer)


def _ob3_stack(
    record: MicroCredential,
    issuer: Issuer,
    rule: StackRule,
    direct: list[dict[str, Any]],
    facts: list[Facts],
    micro_credential: bool,
    salt: str | None,
    algorithm: str,
) -> dict[str, Any]:
    """The unsigned OB 3.0 stack: the rule and `hasPart` on the achievement, the pins."""
    unsigned = with_stacking_context(
        ob3.to_credential(record, issuer.profile, micro_credential=micro_credential, salt=salt)
    )
    definition = unsigned["credentialSubject"]["achievement"]
    definition[RULE] = rule.to_json()
    if rule.achievements:
        definition[HAS_PART] = list(rule.achievements)
    _pin(unsigned, direct, facts, algorithm, get_suite(issuer.suite).derivable)
    return unsigned


def _edc_stack(
    record: MicroCredential,
    issuer: EdcIssuer,
    rule: StackRule,
    direct: list[dict[str, Any]],
    micro_credential: bool,
    algorithm: str,
) -> dict[str, Any]:
    """The unsealed EDC stack: the claim `hasPart` the components, the rule on its
    specification, the pins in `relatedResource`."""
    parts = [_part(c) for c in direct]
    unsigned = with_stacking_context(
        issuer.credential(record, micro_credential=micro_credential, parts=parts), pins=True
    )
    unsigned["credentialSubject"]["hasClaim"][0]["specifiedBy"][RULE] = rule.to_json()
    unsigned["relatedResource"] = _pins(direct, algorithm)
    return unsigned


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
    issuer: Issuer | EdcIssuer,
    *,
    trusted_issuers: Collection[str] | None = None,
    status_lists: Mapping[str, Any] | StatusResolver | None = None,
    fetcher: Fetcher | None = None,
    trust_anchors: Sequence[x509.Certificate] = (),
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

    An `EdcIssuer` makes a Europass EDC stack, sealed (JAdES, signing time `now`): see the
    module docstring; `options` (Data Integrity proof options) do not apply to it. Sealed EDC
    components are trusted through `trust_anchors` (the certificates their seals chain to).
    """
    record = _record(achievement)
    rule = rule if isinstance(rule, StackRule) else StackRule.from_json(rule)
    if isinstance(issuer, EdcIssuer) and options:
        raise InputError("proof options are for a Data Integrity proof; an EDC stack is sealed")
    loader = loader or (issuer.loader if isinstance(issuer, Issuer) else None) or default_loader()
    moment = now or datetime.now(UTC)
    presented = _presented(components)
    direct = _direct(presented)
    facts = [facts_of(c) for c in direct]
    learner = _learner(record, facts)
    record = _credits(record, facts).model_copy(
        update={"learner": learner, "issued": record.issued or moment}
    )
    if isinstance(issuer, EdcIssuer):
        unsigned = _edc_stack(record, issuer, rule, direct, micro_credential, digest_algorithm)
    else:
        unsigned = _ob3_stack(
            record, issuer, rule, direct, facts, micro_credential, salt, digest_algorithm
        )

    fetcher = None if fetcher is None else memoized(fetcher)
    resolver = status_resolver(status_lists, fetcher, loader)

    def verify_one(credential: Any, below: Sequence[Any] | None) -> VerificationResult:
        return verify(
            credential,
            loader=loader,
            now=moment,
            components=below,
            trusted_issuers=trusted_issuers,
            trust_anchors=trust_anchors,
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
    if isinstance(issuer, EdcIssuer):
        return issuer.seal(unsigned, signing_time=moment)
    unsigned = issuer.with_status(unsigned)
    selective = get_suite(issuer.suite).derivable
    return issuer.sign(unsigned, options=_mandatory(unsigned, options) if selective else options)


def _programme(part_of: str | RelatedAchievement) -> RelatedAchievement:
    if isinstance(part_of, RelatedAchievement):
        return part_of
    if not is_url(part_of):
        raise InputError(f"part_of must be the programme achievement's IRI, not {part_of!r}")
    return RelatedAchievement(id=part_of)


def _edc_module(record: MicroCredential, programme: RelatedAchievement) -> MicroCredential:
    """The module as ELM says it: its qualification `isPartOf` the programme's (a related
    qualification needs its title) and is a partial qualification."""
    title = programme.title or next(
        (r.title for r in record.is_part_of if r.id == programme.id and r.title), None
    )
    if title is None:
        raise InputError(
            f"an EDC module names the programme it is part of with its title: {programme.id}",
            hint="pass part_of=RelatedAchievement(id=..., title=...) (CLI: --part-of-title)",
        )
    others = tuple(r for r in record.is_part_of if r.id != programme.id)
    partial = True if record.partial_qualification is None else record.partial_qualification
    return record.model_copy(
        update={
            "is_part_of": (*others, RelatedAchievement(id=programme.id, title=title)),
            "partial_qualification": partial,
        }
    )


def unbundle(
    modules: Sequence[MicroCredential | Mapping[str, Any]],
    issuer: Issuer | EdcIssuer,
    *,
    part_of: str | RelatedAchievement,
    micro_credential: bool = True,
    salt: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Signed credentials for modules completed inside a larger programme.

    Each module's achievement says `isPartOf` the programme's achievement (`part_of`, an
    IRI), so the learner can take a module's credential elsewhere and it still says where
    it belongs. Each gets `credentialStatus` entries when the issuer has status lists.
    `salt` fixes the identity-hash salt (conformance vectors); None draws one.

    With an `EdcIssuer` each module is a sealed Europass EDC whose qualification `isPartOf`
    the programme's and `isPartialQualification`; ELM needs the programme's title: give
    `part_of` as a `RelatedAchievement` with it (or list it in the module's `is_part_of`).
    """
    programme = _programme(part_of)
    issued = []
    for module in modules:
        record = _record(module)
        if isinstance(issuer, EdcIssuer):
            issued.append(
                issuer.issue(_edc_module(record, programme), micro_credential=micro_credential)
            )
            continue
        unsigned = with_stacking_context(
            ob3.to_credential(record, issuer.profile, micro_credential=micro_credential, salt=salt)
        )
        unsigned["credentialSubject"]["achievement"][IS_PART_OF] = programme.id
        issued.append(issuer.sign(issuer.with_status(unsigned), options=options))
    return issued
