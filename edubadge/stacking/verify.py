"""Checking a stack against the components presented with it (used by `verify` and `stack`).

`check_stack` matches every presented credential (presentations are opened) to the pin that
names it, verifies each pinned component with the caller's `verify_one` (the same `verify()`,
so every check it has, status included, applies to components), then checks the digest, the
validity at award time, the learner binding and the trust list, and finally the rule.

Each component gets a named outcome; the reasons a component fails are stable names:
the ids of its own failed checks (`parse`, `proof`, `issuer-key`, `status`, ...), and
`digest`, `missing`, `not-pinned`, `duplicate`, `counted-twice`, `cycle`, `learner`,
`valid-at-award`, `untrusted-issuer`, `format`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..datamodel import parse_datetime_stamp
from ..errors import InputError, InvalidFieldsError
from ..parsing import load_document
from .components import Facts, Pin, credentials_in, facts_of, is_stack, pins_of, rule_of
from .digest import component_digest, digest_matches
from .learner import bind
from .rules import ClauseOutcome, RuleInput, StackRule

if TYPE_CHECKING:
    from ..verifier import VerificationResult

VerifyOne = Callable[[Any, "Sequence[Any] | None"], "VerificationResult"]
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
}


@dataclass
class ComponentOutcome:
    """The named outcome of one component: `verified`, or the reasons it failed."""

    id: str | None
    where: str | None = None
    pin: int | None = None
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
        for key, value in (("where", self.where), ("name", self.name), ("issuer", self.issuer)):
            if value is not None:
                data[key] = value
        if self.pin is not None:
            data["pin"] = f"$.relatedResource[{self.pin}]"
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

    @property
    def id(self) -> str | None:
        value = (self.document or {}).get("id")
        return value if isinstance(value, str) else None


def _load(items: Sequence[Any], warnings: list[str]) -> list[_Presented]:
    presented = []
    for i, item in enumerate(items):
        where = f"components[{i}]"
        try:
            value = load_document(item, what=f"component {i}")
            inner = credentials_in(value)
        except InputError as error:
            presented.append(_Presented(where, None, error.message))
            continue
        if inner[0][0] and isinstance(value, Mapping) and "proof" in value:
            warnings.append(
                f"{where} is a signed presentation: its proof is not checked here; "
                "the credentials in it are verified one by one"
            )
        for suffix, credential in inner:
            if isinstance(credential, dict):
                presented.append(_Presented(where + suffix, credential))
            else:
                presented.append(_Presented(where + suffix, None, "a credential is a JSON object"))
    return presented


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
    for pin in pins:
        outcome = outcomes[pin.index]
        below: list[tuple[str, tuple[str, ...]]] = [(pin.id, pin.digests)]
        presented = assigned.get(pin.index)
        if presented is not None and presented.document is not None:
            below += _subtree(presented.document, by_id)
        for credential_id, digests in below:
            if credential_id == own:
                outcome.fail("cycle", f"{pin.id} contains the stack {own} itself")
            for key in (credential_id, *digests):
                if key in seen and seen[key] != pin.index:
                    other = outcomes[seen[key]]
                    detail = f"{credential_id} is counted by both {pin.id} and {other.id}"
                    outcome.fail("counted-twice", detail)
                    other.fail("counted-twice", detail)
                seen.setdefault(key, pin.index)


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
    trusted_issuers: Collection[str] | None = None,
    learner: Mapping[str, str] | None = None,
) -> StackReport:
    """Check the components presented with a stack, then its rule (see the module docstring)."""
    pins = pins_of(stacked)
    rule_problems: list[tuple[str, str]] = []
    try:
        rule = rule_of(stacked) or StackRule()
    except InvalidFieldsError as error:
        rule_problems, rule = error.fields, StackRule()
    award = award_time(stacked)
    stack_subject = facts_of(stacked).subject if _readable(stacked) else {}
    warnings: list[str] = []
    presented = _load(presented_items, warnings)
    by_id: dict[str, _Presented] = {}
    for item in presented:
        if item.id is not None:
            by_id.setdefault(item.id, item)

    outcomes = {pin.index: ComponentOutcome(pin.id, pin=pin.index) for pin in pins}
    assigned: dict[int, _Presented] = {}
    used: set[int] = set()
    for pin in pins:
        candidates = [p for p in presented if p.id == pin.id and id(p) not in used]
        # with several copies of one id, the one that matches the pin is the component
        matching = [p for p in candidates if _matches(p, pin)]
        if matching or candidates:
            chosen = (matching or candidates)[0]
            assigned[pin.index] = chosen
            used.add(id(chosen))
    inner: dict[int, list[_Presented]] = {}
    for index, item in assigned.items():
        if item.document is not None and is_stack(item.document):
            members = _members(item.document, presented)
            inner[index] = members
            used.update(id(m) for m in members)

    _tree_problems(stacked, pins, assigned, by_id, outcomes)
    inputs: list[tuple[int, RuleInput]] = []
    achievements: dict[str, int] = {}
    for pin in pins:
        outcome = outcomes[pin.index]
        if pin.index not in assigned:
            outcome.fail("missing", f"pinned component {pin.id} was not presented")
            continue
        item = assigned[pin.index]
        outcome.where = item.where
        if item.document is None:
            outcome.fail("parse", item.error or "unreadable")
            continue
        document = item.document
        if not _matches(item, pin):
            outcome.fail("digest", f"{pin.id} does not match its pinned digest")
        below = [m.document for m in inner.get(pin.index, []) if m.document is not None]
        outcome.result = verify_one(document, below or None)
        _own_check_failures(outcome.result, outcome)
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
            first = achievements.setdefault(facts.achievement, pin.index)
            if first != pin.index:
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
        inputs.append((pin.index, entry))
    # learner and award-time failures are their own clauses; anything else stops it counting
    own_clauses = {"learner", "valid-at-award"}
    settled = [
        replace(e, verified=set(outcomes[index].failures) <= own_clauses) for index, e in inputs
    ]
    extra = []
    for item in presented:
        if id(item) in used:
            continue
        outcome = ComponentOutcome(item.id, where=item.where)
        if item.document is None:
            outcome.fail("parse", item.error or "unreadable")
        elif item.id in {p.id for p in pins}:
            outcome.fail("duplicate", f"{item.id} is presented more than once")
        else:
            outcome.fail("not-pinned", f"{item.id or '(no id)'} is not pinned by the stack")
        extra.append(outcome)
    clauses = rule.evaluate(settled) if not rule_problems else []
    components = [outcomes[p.index] for p in pins] + extra
    return StackReport(components, clauses, rule_problems, warnings)


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
