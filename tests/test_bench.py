"""The bench's per-suite section measures every suite that signs, each against its baseline.

Only what the section computes is checked here (every case runs and verifies, each ratio
has both sides); its figures belong to `python -m bench`, not to tests.
"""

from __future__ import annotations

from bench.__main__ import suites
from edubadge.proofs.registry import get_suite, suite_names


def test_the_suites_section_covers_every_suite_that_signs() -> None:
    result = suites(rounds=1, seconds=0.01)
    rates = result["per_second"]
    for name in suite_names():
        assert rates[f"{name} issue (edubadge)"] > 0
        assert rates[f"{name} verify (edubadge)"] > 0
        if get_suite(name).derivable:
            assert rates[f"{name} derive (edubadge)"] > 0
    for kind in ("Ed25519", "P-256"):
        assert rates[f"{kind} sign (raw)"] > 0
        assert rates[f"vc-jose {kind} verify (edubadge)"] > 0
    assert set(result["ratios"]) == {
        "eddsa-rdfc-2022 issue vs naive",
        "eddsa-rdfc-2022 verify vs naive",
        "ecdsa-rdfc-2019 issue vs naive",
        "ecdsa-rdfc-2019 verify vs naive",
        "eddsa-jcs-2022 issue vs raw Ed25519 sign",
        "ecdsa-jcs-2019 issue vs raw P-256 sign",
    }
    assert all(ratio > 0 for ratio in result["ratios"].values())
