"""The stacking rule: what a set of components must satisfy to add up to the larger credential.

A rule is a conjunction of named clauses, written in the credential (OB 3.0:
`credentialSubject.achievement.stackingRule`) and in rule files as the same JSON:

    {"type": ["StackingRule"],
     "allOf": [achievement IRI, ...],                      # every one of these
     "nOf": [{"type": ["AchievementChoice"], "atLeast": 2, "of": [IRI, ...]}],
     "minimumCredits": 15,                                  # ECTS points in total
     "sameLearner": true,                                   # every component, the stack's learner
     "validAtAward": true}                                  # every component valid when awarded

A failing clause is named by its key (`allOf`, `nOf[0]`, `minimumCredits`, `sameLearner`,
`validAtAward`). Only components that verified count towards `allOf`, `nOf` and the credits
(a component failing only the learner or award-time test fails those clauses alone).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..datamodel import is_url
from ..errors import InvalidFieldsError
from ..jsonld.safe import json_path

RULE_TYPE = "StackingRule"
CHOICE_TYPE = "AchievementChoice"
_RULE_KEYS = {"type", "allOf", "nOf", "minimumCredits", "sameLearner", "validAtAward"}
_CHOICE_KEYS = {"type", "atLeast", "of"}
_EVERY_COMPONENT = {"sameLearner", "validAtAward"}  # clauses each shown component must meet


@dataclass(frozen=True)
class Choice:
    """At least `at_least` distinct achievements out of `of`."""

    at_least: int
    of: tuple[str, ...]


@dataclass(frozen=True)
class RuleInput:
    """What the rule needs to know of one presented component."""

    component: str
    achievement: str | None
    credits: Decimal | None
    verified: bool
    same_learner: bool
    valid_at_award: bool


@dataclass(frozen=True)
class ClauseOutcome:
    """One clause of the rule: its name, whether it held, and why.

    `attested` marks a clause of a selectively disclosed stack that the disclosed components
    alone do not show: it passes on the issuer's word (the issuer checked it over every
    component when it awarded the stack), not on the verifier's own check.
    """

    name: str
    passed: bool
    detail: str
    attested: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        data: dict[str, Any] = {"clause": self.name, "passed": self.passed, "detail": self.detail}
        if self.attested:
            data["attested"] = True
        return data


def _number(value: Decimal) -> int | float:
    """A JSON number that reads back the same in every JSON-LD processor (integral -> int)."""
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(frozen=True)
class StackRule:
    """A stacking rule; `from_json` reads one, `to_json` writes the credential's form."""

    all_of: tuple[str, ...] = ()
    n_of: tuple[Choice, ...] = ()
    minimum_credits: Decimal | None = None
    same_learner: bool = True
    valid_at_award: bool = True

    @property
    def achievements(self) -> tuple[str, ...]:
        """Every achievement the rule names, in order, once."""
        named = [*self.all_of, *(a for choice in self.n_of for a in choice.of)]
        return tuple(dict.fromkeys(named))

    def to_json(self) -> dict[str, Any]:
        """The rule as it is written in a credential."""
        data: dict[str, Any] = {"type": [RULE_TYPE]}
        if self.all_of:
            data["allOf"] = list(self.all_of)
        if self.n_of:
            data["nOf"] = [
                {"type": [CHOICE_TYPE], "atLeast": c.at_least, "of": list(c.of)} for c in self.n_of
            ]
        if self.minimum_credits is not None:
            data["minimumCredits"] = _number(self.minimum_credits)
        data["sameLearner"] = self.same_learner
        data["validAtAward"] = self.valid_at_award
        return data

    @classmethod
    def from_json(cls, data: Any, *, path: str = "$") -> StackRule:
        """Read a rule; every fault is listed in one `InvalidFieldsError` with its JSON path."""
        problems: list[tuple[str, str]] = []
        if not isinstance(data, Mapping):
            raise InvalidFieldsError("stacking rule", [(path, "must be a JSON object")])
        for key in sorted(set(data) - _RULE_KEYS):
            problems.append((json_path(path, key), "unknown clause"))
        _check_type(data, RULE_TYPE, path, problems)
        all_of = _iris(data.get("allOf", []), json_path(path, "allOf"), problems)
        choices = []
        raw_choices = data.get("nOf", [])
        if not isinstance(raw_choices, list):
            problems.append((json_path(path, "nOf"), "must be a list of choices"))
            raw_choices = []
        for i, raw in enumerate(raw_choices):
            where = json_path(json_path(path, "nOf"), i)
            choice = _choice(raw, where, problems)
            if choice is not None:
                choices.append(choice)
        minimum = None
        if "minimumCredits" in data:
            minimum = credit_points(data["minimumCredits"])
            if minimum is None or minimum < 0:
                minimum = None
                problems.append((json_path(path, "minimumCredits"), "must be a number >= 0"))
        flags = {}
        for key in ("sameLearner", "validAtAward"):
            flags[key] = data.get(key, True)
            if not isinstance(flags[key], bool):
                problems.append((json_path(path, key), "must be true or false"))
        if problems:
            raise InvalidFieldsError("stacking rule", problems)
        return cls(
            all_of=all_of,
            n_of=tuple(choices),
            minimum_credits=minimum,
            same_learner=bool(flags["sameLearner"]),
            valid_at_award=bool(flags["validAtAward"]),
        )

    def evaluate(self, parts: Sequence[RuleInput], *, partial: bool = False) -> list[ClauseOutcome]:
        """Every clause of the rule over the presented components, in rule order.

        `partial`: the components are a selective disclosure of the stack's, so `allOf`, `nOf`
        and `minimumCredits`, which the undisclosed ones may satisfy, are attested by the
        issuer when the disclosed ones alone fall short. `sameLearner` and `validAtAward` are
        checked over what is disclosed either way.
        """
        outcomes = self._evaluate(parts)
        if not partial:
            return outcomes
        shown = sum(1 for p in parts if p.verified)
        return [
            ClauseOutcome(
                c.name,
                True,
                f"attested by the issuer at award time; the {shown} disclosed component(s) "
                f"alone: {c.detail}",
                attested=True,
            )
            if not c.passed and c.name not in _EVERY_COMPONENT
            else c
            for c in outcomes
        ]

    def _evaluate(self, parts: Sequence[RuleInput]) -> list[ClauseOutcome]:
        counted = [p for p in parts if p.verified]
        have = {p.achievement for p in counted if p.achievement}
        outcomes = []
        if self.all_of:
            missing = [a for a in self.all_of if a not in have]
            outcomes.append(
                ClauseOutcome(
                    "allOf",
                    not missing,
                    f"missing {_names(missing)}" if missing else f"all {len(self.all_of)} present",
                )
            )
        for i, choice in enumerate(self.n_of):
            found = [a for a in choice.of if a in have]
            outcomes.append(
                ClauseOutcome(
                    f"nOf[{i}]",
                    len(found) >= choice.at_least,
                    f"{len(found)} of the {len(choice.of)} listed present, "
                    f"at least {choice.at_least} needed",
                )
            )
        if self.minimum_credits is not None:
            total = sum((p.credits or Decimal(0) for p in counted), Decimal(0))
            outcomes.append(
                ClauseOutcome(
                    "minimumCredits",
                    total >= self.minimum_credits,
                    f"{_number(total)} ECTS from valid components, "
                    f"at least {_number(self.minimum_credits)} needed",
                )
            )
        if self.same_learner:
            outcomes.append(
                _every(
                    "sameLearner",
                    [p.component for p in parts if not p.same_learner],
                    "not shown to be the stack's learner",
                    "every component is the stack's learner's",
                )
            )
        if self.valid_at_award:
            outcomes.append(
                _every(
                    "validAtAward",
                    [p.component for p in parts if not p.valid_at_award],
                    "not valid when the stack was awarded",
                    "every component was valid when the stack was awarded",
                )
            )
        return outcomes


def _names(values: Iterable[str]) -> str:
    return ", ".join(values)


def _every(name: str, failing: list[str], failed: str, held: str) -> ClauseOutcome:
    """A clause every component must satisfy; `failing` names those that do not."""
    return ClauseOutcome(name, not failing, f"{failed}: {_names(failing)}" if failing else held)


def _check_type(data: Mapping[str, Any], expected: str, path: str, problems: list[Any]) -> None:
    if "type" not in data:
        return
    types = data["type"] if isinstance(data["type"], list) else [data["type"]]
    if expected not in types:
        problems.append((json_path(path, "type"), f"must include {expected!r}"))


def _iris(value: Any, path: str, problems: list[tuple[str, str]]) -> tuple[str, ...]:
    if not isinstance(value, list):
        problems.append((path, "must be a list of achievement IRIs"))
        return ()
    for i, item in enumerate(value):
        if not is_url(item):
            problems.append((json_path(path, i), f"is not an absolute IRI: {item!r}"))
    if len(set(map(str, value))) != len(value):
        problems.append((path, "lists an achievement twice"))
    return tuple(v for v in value if isinstance(v, str))


def _choice(raw: Any, path: str, problems: list[tuple[str, str]]) -> Choice | None:
    if not isinstance(raw, Mapping):
        problems.append((path, "must be an object with atLeast and of"))
        return None
    for key in sorted(set(raw) - _CHOICE_KEYS):
        problems.append((json_path(path, key), "unknown member"))
    _check_type(raw, CHOICE_TYPE, path, problems)
    of = _iris(raw.get("of"), json_path(path, "of"), problems)
    at_least = raw.get("atLeast")
    if isinstance(at_least, float) and at_least.is_integer():
        at_least = int(at_least)
    if not isinstance(at_least, int) or isinstance(at_least, bool) or not 1 <= at_least <= len(of):
        problems.append(
            (json_path(path, "atLeast"), f"must be a whole number from 1 to {len(of)} (of)")
        )
        return None
    return Choice(at_least, of)


def credit_points(value: Any) -> Decimal | None:
    """ECTS points from a JSON number (floats read through their shortest repr)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        points = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return None
    return points if points.is_finite() else None
