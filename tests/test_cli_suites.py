"""`edubadge keygen --type` and `edubadge issue --suite` for every registered signing suite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edubadge.cli import main
from edubadge.proofs.registry import get_suite, suite_names

from .shared import ROOT

INPUT = ROOT / "vectors" / "microcredential" / "input.json"


@pytest.mark.parametrize("suite", suite_names())
def test_issue_with_every_suite(
    suite: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cryptosuite = get_suite(suite)
    for kind in cryptosuite.key_algorithms:
        key = tmp_path / f"{kind}.key"
        assert main(["keygen", "--type", kind, "--out", str(key)]) == 0
        controller = json.loads(capsys.readouterr().out)["controller"]
        out = tmp_path / f"{kind}.json"
        assert (
            main(["issue", str(INPUT), "--key", str(key), "--suite", suite, "--out", str(out)]) == 0
        )
        credential = json.loads(out.read_text())
        assert credential["issuer"]["id"] == controller
        assert credential["proof"]["type"] == cryptosuite.proof_type
        assert credential["proof"].get("cryptosuite") == cryptosuite.cryptosuite
        expected = 1 if cryptosuite.derivable else 0  # a base proof is for the holder only
        assert main(["verify", str(out)]) == expected, capsys.readouterr().out
        capsys.readouterr()


def test_deterministic_nonces_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--deterministic signs with RFC 6979 nonces (the salted identity hashes and the time
    still differ between runs; the vectors show the signatures themselves repeat)."""
    key = tmp_path / "p384.key"
    assert main(["keygen", "--type", "P-384", "--out", str(key)]) == 0
    out = tmp_path / "c.json"
    args = ["issue", str(INPUT), "--key", str(key), "--suite", "ecdsa-jcs-2019", "--deterministic"]
    assert main([*args, "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["verify", str(out)]) == 0
    assert main(["issue", str(INPUT), "--key", str(key), "--suite", "eddsa-rdfc-2022"]) == 2
    assert "cannot sign with eddsa-rdfc-2022" in capsys.readouterr().err
