"""Mutation proofing: random single and multiple edits of signed credentials, over every
suite and envelope, are all rejected (tests/mutation_cases.py says what is edited, and which
meaning-preserving edits are excluded by construction). `python -m bench.mutations` runs the
same edits in bulk and writes the counts into docs/security.md."""

from __future__ import annotations

from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .mutation_cases import Case, all_cases, edits, locations

T = TypeVar("T")


class DrawChooser:
    """Choices drawn by hypothesis (so a failing edit shrinks to a small one)."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def choice(self, options: Any) -> Any:
        return self.data.draw(st.sampled_from(list(options)))

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, high))


CASES = {case.name: case for case in all_cases()}


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_edit_is_rejected(name: str, data: st.DataObject) -> None:
    case: Case = CASES[name]
    edited = case.mutate(case.artifact, DrawChooser(data))
    if edited is None:  # the edits cancelled out
        return
    assert not case.verify(edited), f"{name}: an edited artifact verified"


def test_every_suite_and_envelope_on_this_branch_is_covered() -> None:
    from edubadge import keys
    from edubadge.envelopes import jose
    from edubadge.proofs.registry import get_suite, suite_names

    names = set(CASES)
    for suite in suite_names():
        kinds = get_suite(suite).key_algorithms
        wanted = {suite} if len(kinds) == 1 else {f"{suite} {kind}" for kind in kinds}
        assert wanted <= names, suite
    algorithms = [
        alg
        for kind, algs in jose.JWS_ALGORITHMS.items()
        if kind in keys.algorithm_names()
        for alg in algs
        if alg != "Ed25519"  # the fully-specified name of EdDSA: the same signature
    ]
    assert {f"{profile} {alg}" for profile in jose.PROFILES for alg in algorithms} <= names
    assert {"JAdES RS256", "JAdES ES256", "presentation eddsa-rdfc-2022"} <= names


def test_a_presentation_replayed_for_another_challenge_or_domain_is_rejected() -> None:
    import edubadge

    from .mutation_cases import CHALLENGE, DOMAIN, NOW

    presentation = CASES["presentation eddsa-rdfc-2022"].artifact
    ok = edubadge.verify_presentation(presentation, challenge=CHALLENGE, domain=DOMAIN, now=NOW)
    assert ok.verified
    for challenge, domain in (("another", DOMAIN), (CHALLENGE, "https://other.example")):
        replayed = edubadge.verify_presentation(
            presentation, challenge=challenge, domain=domain, now=NOW
        )
        assert not replayed.verified
        assert replayed.check("challenge").outcome == "failed"


def test_the_edits_reach_every_part_of_a_credential() -> None:
    """Control: every member of a signed credential (proof and @context included) can be
    chosen, so no part is left out of the mutation space."""
    signed = CASES["eddsa-rdfc-2022"].artifact
    paths = locations(signed)
    for needed in [("proof", "proofValue"), ("proof", "created"), ("@context", 0), ("type", 0)]:
        assert needed in paths
    assert edits(signed, _Fixed(), lambda path: True) is not None


class _Fixed:
    """Always the first option: a deterministic edit."""

    def choice(self, options: Any) -> Any:
        return next(iter(options))

    def integer(self, low: int, high: int) -> int:
        return low
