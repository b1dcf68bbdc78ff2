"""Hypothesis over generated stacks: a stack verifies exactly when every component is valid
and the rule holds; swapping, editing, dropping, adding or revoking a component makes it
fail with the right named reason. Revocation is real: status lists from the world's SQLite
store, published before and after the registrar revoked the `mN-revoked` twins."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import edubadge

from .stacking_world import ACHIEVEMENT, MODULES, world

GOOD = [name for name, _, _ in MODULES]
BAD = ["m1-other-learner", "m3-outsider", "m2-broken", "m2-revoked", "m4-revoked"]
BAD_REASON = {
    "m1-other-learner": "learner",
    "m3-outsider": "untrusted-issuer",
    "m2-broken": "proof",
    "m2-revoked": "status",
    "m4-revoked": "status",
}
CREDITS = {name: Decimal(ects) for name, ects, _ in MODULES}
ACHIEVEMENTS = [ACHIEVEMENT + name for name in GOOD]


@st.composite
def rules(draw: st.DrawFn) -> dict[str, Any]:
    rule: dict[str, Any] = {}
    all_of = draw(st.lists(st.sampled_from(ACHIEVEMENTS), unique=True, max_size=3))
    if all_of:
        rule["allOf"] = all_of
    if draw(st.booleans()):
        of = draw(st.lists(st.sampled_from(ACHIEVEMENTS), unique=True, min_size=1, max_size=4))
        rule["nOf"] = [{"atLeast": draw(st.integers(1, len(of))), "of": of}]
    if draw(st.booleans()):
        rule["minimumCredits"] = draw(st.integers(0, 30))
    return rule


def expected(names: list[str], rule: dict[str, Any]) -> bool:
    """The oracle, from the test's own knowledge of the pool."""
    if any(name in BAD for name in names):
        return False
    have = {ACHIEVEMENT + name for name in names}
    if not set(rule.get("allOf", [])) <= have:
        return False
    for choice in rule.get("nOf", []):
        if len(have & set(choice["of"])) < choice["atLeast"]:
            return False
    total = sum(CREDITS[name] for name in names)
    return total >= rule.get("minimumCredits", 0)


stacks = st.tuples(
    st.lists(st.sampled_from(GOOD + BAD), unique=True, min_size=1, max_size=4), rules()
).filter(lambda pair: len({n.split("-")[0] for n in pair[0]}) == len(pair[0]))


@given(stacks)
def test_a_stack_verifies_exactly_when_its_components_are_valid_and_the_rule_holds(
    case: tuple[list[str], dict[str, Any]],
) -> None:
    names, rule = case
    w = world()
    components = [w.pool[name] for name in names]
    stacked = w.stack_document(components, rule)
    result = edubadge.verify(
        stacked, components=components, trusted_issuers=w.trusted, status_lists=w.lists_after
    )
    assert result.verified == expected(names, rule), result.to_dict()
    failing = {c.id: c.reasons for c in result.components if not c.verified}
    assert failing == {w.pool[n]["id"]: [BAD_REASON[n]] for n in names if n in BAD}


mutations = st.sampled_from(["swap", "edit", "drop", "add", "revoke"])


@given(
    st.lists(st.sampled_from(GOOD), unique=True, min_size=1, max_size=4),
    mutations,
    st.data(),
)
def test_changing_the_presented_components_fails_with_the_right_reason(
    names: list[str], mutation: str, data: st.DataObject
) -> None:
    w = world()
    index = data.draw(st.integers(0, len(names) - 1))
    if mutation == "revoke":  # the stack rests on the twin the registrar revokes later
        names = [*names[:index], f"{names[index]}-revoked", *names[index + 1 :]]
    components = [w.pool[name] for name in names]
    rule = {"allOf": [ACHIEVEMENT + name.split("-")[0] for name in names]}
    stacked = w.stack_document(components, rule)
    lists = w.lists_before
    assert edubadge.verify(stacked, components=components, status_lists=lists).verified
    target = components[index]["id"]
    presented = list(components)
    outsiders = [w.pool[n] for n in GOOD if n not in names]
    expect: dict[str, str] = {}
    if mutation == "swap" and outsiders:
        other = data.draw(st.sampled_from(outsiders))
        presented[index] = other
        expect = {target: "missing", other["id"]: "not-pinned"}
    elif mutation == "add" and outsiders:
        other = data.draw(st.sampled_from(outsiders))
        presented.append(other)
        expect = {other["id"]: "not-pinned"}
    elif mutation == "edit":
        edited = copy.deepcopy(presented[index])
        edited["credentialSubject"]["creditsEarned"] += 1
        presented[index] = edited
        expect = {target: "digest"}
    elif mutation == "revoke":
        lists = w.lists_after  # the same components, after the revocation was published
        expect = {target: "status"}
    else:  # drop (also when there is nothing left to swap in or add)
        del presented[index]
        expect = {target: "missing"}
    result = edubadge.verify(stacked, components=presented, status_lists=lists)
    assert not result.verified
    found = {c.id: c.reasons for c in result.components if c.reasons}
    assert set(found) == set(expect)
    for credential_id, reason in expect.items():
        assert reason in found[credential_id], found
    if mutation in ("swap", "edit", "drop", "revoke"):
        assert [c.name for c in result.rule if not c.passed] == ["allOf"]
