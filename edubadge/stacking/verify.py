"""Checking a stack against the components presented with it (used by `verify` and `stack`).

`check_stack` matches every presented credential (presentations are opened, a signed one
only after its own proof is checked) to the pin that names it, verifies each pinned component
with the caller's `verify_one` (the same `verify()`, so every check it has, status included,
applies to components), then checks the digest, the validity at award time, the learner
binding and the trust list, and finally the rule.

Each component gets a named outcome; the reasons a component fails are stable names:
the ids of its own failed checks (`parse`, `proof`, `issuer-key`, `status`, ...), and
`digest`, `missing`, `not-pinned`, `duplicate`, `counted-twice`, `cycle`, `learner`,
`valid-at-award`, `untrusted-issuer`, `format`, `presentation` (the signed presentation it
came in does not verify).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..datamodel import parse_datetime_stamp, types_of
from ..errors import InputError, InvalidFieldsError
from ..parsing import load_document
from ..presentations import holder_id
from .components import (
    PRESENTATION_TYPE,
    Facts,
    Pin,
    credentials_in,
    facts_of,
    is_stack,
    pins_of,
    rule_of,
)
from .digest import component_digest, digest_matches
from .learner import bind
from .rules import ClauseOutcome, RuleInput, StackRule

if TYPE_CHECKING:
    from ..presentations import PresentationResult
    from ..verifier import VerificationResult

VerifyOne = Callable[[Any, "Sequence[Any] | None"], "VerificationResult"]
CheckPresentation = Callable[[Any], "PresentationResult"]
MAX_NESTING = 8

# reason -> VC 2.0 ProblemDetails kind (problems.PROBLEM_TYPES); own-check reasons are
# COMPONENT_INVALID.
REASON_KINDS = {
    "digest": "COMPONENT_DIGEST_MISMATCH",
    "missing": "COMPONENT_MISSING",
    "not-pinned": "COMPONENT_NOT_PINNED",
    "duplicate": "COMPONENT_NOT_PINNED",
    "counted-twice": "COMPONENT_COUNTED_TWICE",
    "cycle": "STACK_CYCLE",
    "learner": "LEARNER_MISMATCH",
    "valid-at-award": "NOT_VALID_AT_AWARD",
    "untrusted-issuer": "UNTRUSTED_ISSUER",
    "presentation": "COMPONENT_PRESENTATION_INVALID",
}
UNSIGNED_CONTAINER = "an unsigned presentation: only a container, nothing binds it to a holder"


@dataclass
class ComponentOutcome:
    """The named outcome of one component: `verified`, or the reasons it failed."""

    id: str | None
    where: str | None = None
    pin: str | None = None  # the pin's JSON path in the stack
    presentation: str | None = None  # how it arrived, when inside a presentation
    name: str | None = None
    issuer: str | None = None
    issuer_name: str | None = None
    failures: dict[str, str] = field(default_factory=dict)
    result: VerificationResult | None = None

    @property
    def verified(self) -> bool:
        """True when nothing failed."""
        return not self.failures

    @property
    def outcome(self) -> str:
        """`verified` or `failed`."""
        return "verified" if self.verified else "failed"

    @property
    def reasons(self) -> list[str]:
        """The names of what failed, in the order found."""
        return list(self.failures)

    def fail(self, reason: str, detail: str) -> None:
        """Record a reason (the first detail for a reason is kept)."""
        self.failures.setdefault(reason, detail)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        data: dict[str, Any] = {"id": self.id, "outcome": self.outcome}
        for key, value in (
            ("where", self.where),
            ("pin", self.pin),
            ("presentation", self.presentation),
            ("name", self.name),
            ("issuer", self.issuer),
        ):
            if value is not None:
                data[key] = value
        if self.failures:
            data["reasons"] = [{"reason": r, "detail": d} for r, d in self.failures.items()]
        return data


@dataclass
class StackReport:
    """What checking a stack found: one outcome per component, one per rule clause."""

    components: list[ComponentOutcome]
    clauses: list[ClauseOutcome]
    rule_problems: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every component verified and every clause held."""
        return (
            all(c.verified for c in self.components)
            and all(c.passed for c in self.clauses)
            and not self.rule_problems
        )


@dataclass
class _Presented:
    where: str
    document: dict[str, Any] | None
    error: str | None = None
    via: str | None = None  # the presentation it came in, described
    refused: str | None = None  # why that presentation is not trusted

    @property
    def id(self) -> str | None:
        value = (self.document or {}).get("id")
        return value if isinstance(value, str) else None


@dataclass
class _Container:
    """What the presentation a component came in says about it."""

    via: str | None = None
    refused: str | None = None
    holder: str | None = None


def _container(
    value: Any, where: str, check: CheckPresentation | None, warnings: list[str]
) -> _Container:
    """Check a presentation before its credentials are trusted (a credential: nothing to do)."""
    if not (isinstance(value, Mapping) and PRESENTATION_TYPE in types_of(value)):
        return _Container()
    if "proof" not in value:
        warnings.append(
            f"{where} is an unsigned presentation: only a container of signed credentials; "
            "nothing binds them to a holder"
        )
        return _Container(UNSIGNED_CONTAINER)
    if check is None:
        return _Container(refused="no verifier for the presentation's proof was given")
    result = check(value)
    holder = holder_id(result.document or {})
    warnings += [f"{where}: {w}" for w in result.warnings]
    if not result.verified:
        detail = result.problems[0].detail if result.problems else "its proof did not verify"
        return _Container(f"a presentation that does not verify ({where})", detail, holder)
    bound = [c.detail for c in result.checks if c.id in ("holder", "challenge") and c.passed]
    return _Container(
        "a signed presentation: " + "; ".join(bound or ["proof verified"]), None, holder
    )


def _load(
    items: Sequence[Any], warnings: list[str], check: CheckPresentation | None
) -> tuple[list[_Presented], set[str]]:
    """The presented credentials, and the holders of the signed presentations among them."""
    presented = []
    holders = set()
    for i, item in enumerate(items):
        where = f"components[{i}]"
        try:
            value = load_document(item, what=f"component {i}")
            inner = credentials_in(value)
        except InputError as error:
            presented.append(_Presented(where, None, error.message))
            continue
        container = _container(value, where, check, warnings)
        if container.holder is not None and container.refused is None:
            holders.add(container.holder)
        for suffix, credential in inner:
            document = credential if isinstance(credential, dict) else None
            unreadable = None if document is not None else "a credential is a JSON object"
            presented.append(
                _Presented(where + suffix, document, unreadable, container.via, container.refused)
            )
    return presented, holders


def award_time(stacked: Mapping[str, Any]) -> datetime | None:
    """When a stack was awarded: its `validFrom`."""
    return parse_datetime_stamp(stacked.get("validFrom"))


def _subtree(
    document: Mapping[str, Any], by_id: Mapping[str, _Presented], depth: int = 0
) -> list[tuple[str, tuple[str, ...]]]:
    """(id, digests) of every credential pinned below `document`, through presented stacks."""
    found = []
    for pin in pins_of(document):
        found.append((pin.id, pin.digests))
        inner = by_id.get(pin.id)
        if inner is not None and inner.document is not None and depth < MAX_NESTING:
            found += _subtree(inner.document, by_id, depth + 1)
    return found


def _tree_problems(
    stacked: Mapping[str, Any],
    pins: list[Pin],
    assigned: Mapping[int, _Presented],
    by_id: Mapping[str, _Presented],
    outcomes: Mapping[int, ComponentOutcome],
) -> None:
    """Cycles (a stack that contains itself) and components counted twice across the tree."""
    own = stacked.get("id")
    seen: dict[str, int] = {}
    for n, pin in enumerate(pins):
        outcome = outcomes[n]
        below: list[tuple[str, tuple[str, ...]]] = [(pin.id, pin.digests)]
        presented = assigned.get(n)
        if presented is not None and presented.document is not None:
            below += _subtree(presented.document, by_id)
        for credential_id, digests in below:
            if credential_id == own:
                outcome.fail("cycle", f"{pin.id} contains the stack {own} itself")
            for key in (credential_id, *digests):
                if key in seen and seen[key] != n:
                    other = outcomes[seen[key]]
                    detail = f"{credential_id} is counted by both {pin.id} and {other.id}"
                    outcome.fail("counted-twice", detail)
                    other.fail("counted-twice", detail)
                seen.setdefault(key, n)


def _own_check_failures(result: VerificationResult, outcome: ComponentOutcome) -> None:
    for check in result.checks:
        # a component's validity window is judged at award time (below), not today
        if check.outcome == "failed" and check.id != "validity":
            detail = check.problems[0].detail if check.problems else "failed"
            outcome.fail(check.id, detail)


def _valid_at(facts: Facts, award: datetime | None) -> str | None:
    if award is None:
        return None
    if facts.valid_from is not None and facts.valid_from > award:
        return f"valid only from {facts.valid_from.isoformat()}, after the award"
    if facts.valid_until is not None and facts.valid_until < award:
        return f"expired at {facts.valid_until.isoformat()}, before the award"
    return None


def check_stack(
    stacked: Mapping[str, Any],
    presented_items: Sequence[Any],
    *,
    verify_one: VerifyOne,
    check_presentation: CheckPresentation | None = None,
    trusted_issuers: Collection[str] | None = None,
    learner: Mapping[str, str] | None = None,
    partial: bool = False,
    require_status: bool = False,
) -> StackReport:
    """Check the components presented with a stack, then its rule (see the module docstring).

    `check_presentation` checks a signed presentation's own proof (holder, challenge, domain)
    before its credentials count. `partial`: the stack is a selective disclosure, its pins
    only the disclosed ones (see `StackRule.evaluate`). `require_status` (the builder): a
    component with a `credentialStatus` whose status could not be checked fails as `status`.
    """
    pins = pins_of(stacked)
    rule_problems: list[tuple[str, str]] = []
    try:
        rule = rule_of(stacked) or StackRule()
    except InvalidFieldsError as error:
        rule_problems, rule = error.fields, StackRule()
    award = award_time(stacked)
    stack_subject = facts_of(stacked).subject if _readable(stacked) else {}
    warnings: list[str] = []
    presented, holders = _load(presented_items, warnings, check_presentation)
    learner_id = stack_subject.get("id")
    for holder in sorted(holders - {learner_id}) if isinstance(learner_id, str) else ():
        warnings.append(f"components presented by {holder}, not by the learner {learner_id}")
    by_id: dict[str, _Presented] = {}
    for item in presented:
        if item.id is not None:
            by_id.setdefault(item.id, item)

    outcomes = {n: ComponentOutcome(pin.id, pin=pin.path) for n, pin in enumerate(pins)}
    assigned: dict[int, _Presented] = {}
    used: set[int] = set()
    for n, pin in enumerate(pins):
        candidates = [p for p in presented if p.id == pin.id and id(p) not in used]
        # with several copies of one id, the one that matches the pin is the component
        matching = [p for p in candidates if _matches(p, pin)]
        if matching or candidates:
            chosen = (matching or candidates)[0]
            assigned[n] = chosen
            used.add(id(chosen))
    inner: dict[int, list[_Presented]] = {}
    for n, item in assigned.items():
        if item.document is not None and is_stack(item.document):
            members = _members(item.document, presented)
            inner[n] = members
            used.update(id(m) for m in members)

    _tree_problems(stacked, pins, assigned, by_id, outcomes)
    inputs: list[tuple[int, RuleInput]] = []
    achievements: dict[str, int] = {}
    for n, pin in enumerate(pins):
        outcome = outcomes[n]
        if n not in assigned:
            outcome.fail("missing", f"pinned component {pin.id} was not presented")
            continue
        item = assigned[n]
        outcome.where, outcome.presentation = item.where, item.via
        if item.refused is not None:
            outcome.fail("presentation", item.refused)
        if item.document is None:
            outcome.fail("parse", item.error or "unreadable")
            continue
        document = item.document
        if not _matches(item, pin):
            outcome.fail("digest", f"{pin.id} does not match its pinned digest")
        below = [m.document for m in inner.get(n, []) if m.document is not None]
        outcome.result = verify_one(document, below or None)
        _own_check_failures(outcome.result, outcome)
        if require_status:
            _require_status(outcome.result, outcome)
        try:
            facts = facts_of(document)
        except InputError as error:
            outcome.fail("format", error.message)
            continue
        outcome.name, outcome.issuer, outcome.issuer_name = (
            facts.name,
            facts.issuer,
            facts.issuer_name,
        )
        if trusted_issuers is not None and facts.issuer not in trusted_issuers:
            outcome.fail("untrusted-issuer", f"issuer {facts.issuer} is not in the trust list")
        if facts.achievement is not None:
            first = achievements.setdefault(facts.achievement, n)
            if first != n:
                detail = f"achievement {facts.achievement} is counted twice"
                outcome.fail("counted-twice", detail)
                outcomes[first].fail("counted-twice", detail)
        late = _valid_at(facts, award)
        if late and rule.valid_at_award:
            outcome.fail("valid-at-award", late)
        binding = bind(stack_subject, facts.subject, learner)
        if binding.outcome != "matched" and rule.same_learner:
            outcome.fail("learner", binding.detail)
        entry = RuleInput(
            component=pin.id,
            achievement=facts.achievement,
            credits=facts.credits,
            verified=False,  # settled below, once every reason is known
            same_learner=binding.outcome == "matched",
            valid_at_award=late is None,
        )
        inputs.append((n, entry))
    # learner and award-time failures are their own clauses; anything else stops it counting
    own_clauses = {"learner", "valid-at-award"}
    settled = [replace(e, verified=set(outcomes[n].failures) <= own_clauses) for n, e in inputs]
    extra = []
    for item in presented:
        if id(item) in used:
            continue
        outcome = ComponentOutcome(item.id, where=item.where, presentation=item.via)
        if item.document is None:
            outcome.fail("parse", item.error or "unreadable")
        elif item.id in {p.id for p in pins}:
            outcome.fail("duplicate", f"{item.id} is presented more than once")
        else:
            hidden = " (or its pin was not disclosed)" if partial else ""
            outcome.fail("not-pinned", f"{item.id or '(no id)'} is not pinned by the stack{hidden}")
        extra.append(outcome)
    clauses = rule.evaluate(settled, partial=partial) if not rule_problems else []
    components = [outcomes[n] for n in range(len(pins))] + extra
    return StackReport(components, clauses, rule_problems, warnings)


def _require_status(result: VerificationResult, outcome: ComponentOutcome) -> None:
    """At award time a component's status must have been read, not merely not found set;
    below a nested stack too."""
    unread = _unread_status(result)
    if unread is None:
        return
    where, why = unread
    below = "" if where == outcome.id else f" (below it: {where})"
    why = "" if why.startswith("not asked") else f" ({why})"
    outcome.fail(
        "status",
        f"not checked at award time{below}{why}: give the issuers' published status lists "
        "(status_lists=, --status-list) or a fetcher (--fetch)",
    )


def _unread_status(result: VerificationResult) -> tuple[str, str] | None:
    """(id, why) of the first credential in a verification, a nested stack's components
    included, that carries a status no one could read."""
    document = result.document or {}
    checked = [c for c in result.checks if c.id == "status"]
    if document.get("credentialStatus") and checked and checked[0].outcome == "skipped":
        return str(document.get("id")), checked[0].detail
    for component in result.components:
        found = None if component.result is None else _unread_status(component.result)
        if found is not None:
            return found
    return None


def _readable(credential: Mapping[str, Any]) -> bool:
    try:
        facts_of(credential)
    except InputError:
        return False
    return True


def _matches(item: _Presented, pin: Pin) -> bool:
    if item.document is None:
        return False
    try:
        return digest_matches(item.document, list(pin.digests))
    except InputError:
        return False


def _members(stack: Mapping[str, Any], presented: list[_Presented]) -> list[_Presented]:
    """The presented credentials that belong below a nested stack (its pins, recursively);
    one also pinned above is passed down too (and reported as counted twice)."""
    wanted = {
        credential_id for credential_id, _ in _subtree(stack, {p.id: p for p in presented if p.id})
    }
    return [p for p in presented if p.id in wanted and p.document is not stack]


__all__ = [
    "REASON_KINDS",
    "ComponentOutcome",
    "StackReport",
    "award_time",
    "check_stack",
    "component_digest",
]
