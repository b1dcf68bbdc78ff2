"""Hypothesis over generated EDC stacks (sealed) of OB 3.0 and EDC components: a stack
verifies exactly when every component is valid and the rule holds; swapping, editing,
dropping or adding a component, or revoking one, fails with the right named reason. Fewer
examples than the OB 3.0 properties: sealing and the EDC documents are slower."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import edubadge

from .stacking_edc_world import credential_id, edc_world
from .stacking_world import ACHIEVEMENT, MODULES, NOW, world
from .test_stacking_properties import assert_fails_with, edit_credits, mutate, rules

OB3_GOOD = [name for name, _, _ in MODULES]
EDC_GOOD = ["e" + name[1:] for name in OB3_GOOD]
BAD_REASON = {
    "m1-other-learner": "learner",
    "m2-revoked": "status",
    "e1-other-learner": "learner",
    "e3-outsider": "untrusted-issuer",
    "e2-broken": "jades-signature",
    "e4-unanchored": "jades-certificate",
}
CREDITS = {name: Decimal(ects) for name, ects, _ in MODULES}
EXAMPLES = 20


def achievement(name: str) -> str:
    """The achievement a pool credential records: `e3-...` and `m3` both record m3."""
    return ACHIEVEMENT + "m" + name.split("-")[0][1:]


def credential(name: str) -> dict[str, Any]:
    return (edc_world().pool if name.startswith("e") else world().pool)[name]


def expected(names: list[str], rule: dict[str, Any]) -> bool:
    """The oracle, from the test's own knowledge of the pool."""
    if any(name in BAD_REASON for name in names):
        return False
    have = {achievement(name) for name in names}
    if not set(rule.get("allOf", [])) <= have:
        return False
    for choice in rule.get("nOf", []):
        if len(have & set(choice["of"])) < choice["atLeast"]:
            return False
    total = sum(CREDITS["m" + name[1:]] for name in names)
    return total >= rule.get("minimumCredits", 0)


def edit(component: dict[str, Any]) -> dict[str, Any]:
    """A copy changed after signing: a sealed EDC's credits in its payload, or OB 3.0's."""
    if "payload" not in component:
        return edit_credits(component)
    edited = copy.deepcopy(component)
    edited["payload"] = edited["payload"].replace('"point":"', '"point":"1')
    return edited


def verify(stacked: Any, components: list[Any], lists: dict[str, Any]) -> Any:
    w = edc_world()
    return edubadge.verify(
        stacked,
        components=components,
        trusted_issuers=w.base.trusted,
        trust_anchors=w.anchors,
        status_lists=lists,
        now=NOW,
    )


stacks = st.tuples(
    st.lists(
        st.sampled_from(OB3_GOOD + EDC_GOOD + sorted(BAD_REASON)),
        unique=True,
        min_size=1,
        max_size=4,
    ),
    rules(),
).filter(lambda pair: len({achievement(n) for n in pair[0]}) == len(pair[0]))


@settings(max_examples=EXAMPLES)
@given(stacks)
def test_an_edc_stack_verifies_exactly_when_its_components_are_valid_and_the_rule_holds(
    case: tuple[list[str], dict[str, Any]],
) -> None:
    names, rule = case
    components = [credential(name) for name in names]
    stacked = edc_world().edc_stack_document(components, rule)
    result = verify(stacked, components, world().lists_after)
    assert result.verified == expected(names, rule), result.to_dict()
    failing = {c.id: c.reasons for c in result.components if not c.verified}
    assert failing == {
        credential_id(credential(n)): [BAD_REASON[n]] for n in names if n in BAD_REASON
    }


@settings(max_examples=EXAMPLES)
@given(
    st.lists(st.sampled_from(OB3_GOOD + EDC_GOOD), unique=True, min_size=1, max_size=4).filter(
        lambda names: len({achievement(n) for n in names}) == len(names)
    ),
    st.sampled_from(["swap", "edit", "drop", "add", "revoke"]),
    st.data(),
)
def test_changing_the_components_of_an_edc_stack_fails_with_the_right_reason(
    names: list[str], mutation: str, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(names) - 1))
    if mutation == "revoke":  # an OB 3.0 twin the registrar revokes later (EDCs carry no status)
        names = [*names[:index], f"m{names[index][1:]}-revoked", *names[index + 1 :]]
    components = [credential(name) for name in names]
    rule = {"allOf": [achievement(name) for name in names]}
    stacked = edc_world().edc_stack_document(components, rule)
    lists = world().lists_before
    assert verify(stacked, components, lists).verified
    taken = {achievement(n) for n in names}
    outsiders = [credential(n) for n in OB3_GOOD + EDC_GOOD if achievement(n) not in taken]
    presented, expect = mutate(
        mutation, components, index, outsiders, data, id_of=credential_id, edit=edit
    )
    if mutation == "revoke":
        lists = world().lists_after  # the same components, after the revocation was published
    assert_fails_with(verify(stacked, presented, lists), expect, mutation)
