"""`edubadge stack`, `verify --component`, `issue --part-of`, and the stacking vectors."""

from __future__ import annotations

import copy
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

import edubadge
from edubadge.cli import main
from edubadge.stacking import component_digest, disclose

from .shared import ROOT
from .stacking_world import digest

VECTORS = ROOT / "vectors" / "stacking"
KEY = ROOT / "vectors" / "keys" / "issuer-1.key.json"


def vector(name: str) -> Any:
    return json.loads((VECTORS / name).read_text("utf-8"))


def components() -> list[Path]:
    return [VECTORS / f"component-{n}.json" for n in (1, 2, 3)]


def test_vector_digests_recompute_from_the_canonical_bytes() -> None:
    for n, entry in enumerate(vector("digests.json"), start=1):
        component = vector(f"component-{n}.json")
        canonical = (VECTORS / entry["canonicalForm"]).read_bytes()
        assert hashlib.sha384(canonical).hexdigest() == entry["digestHex"]
        assert entry["multihashHex"] == "2030" + entry["digestHex"]
        assert entry["digestMultibase"] == digest(component) == component_digest(component)
        pin = vector("stack-signed.json")["relatedResource"][n - 1]
        assert pin == {
            "id": component["id"],
            "mediaType": "application/vc",
            "digestMultibase": entry["digestMultibase"],
        }


def test_vector_stack_verifies_with_its_components_and_fails_without_one() -> None:
    stacked = vector("stack-signed.json")
    assert stacked == {**vector("stack-unsigned.json"), "proof": stacked["proof"]}
    result = edubadge.verify(stacked, components=components())
    assert result.verified, result.to_dict()
    assert (
        vector("component-1.json")["credentialSubject"]["achievement"]["isPartOf"]
        == (stacked["credentialSubject"]["achievement"]["id"])
    )
    assert not edubadge.verify(stacked, components=components()[:2]).verified


def test_vector_selectively_disclosable_stack_signs_discloses_and_verifies() -> None:
    """What another implementation does with the vectors: sign `stack-sd-unsigned.json` with
    ecdsa-sd-2023 and the listed mandatory pointers, disclose one component, verify."""
    unsigned = vector("stack-sd-unsigned.json")
    assert "relatedResource" not in unsigned
    digests = [d["digestMultibase"] for d in vector("digests.json")]
    assert [e["digestMultibase"] for e in unsigned["evidence"]] == digests
    assert {k: v for k, v in unsigned.items() if k not in ("evidence", "issuer")} == {
        k: v for k, v in vector("stack-unsigned.json").items()
        if k not in ("evidence", "issuer", "relatedResource")
    }  # fmt: skip
    pointers = vector("stack-sd-mandatory-pointers.json")
    assert "/credentialSubject" in pointers and not any(p.startswith("/evidence") for p in pointers)
    key_file = json.loads((ROOT / "vectors" / "keys" / "issuer-3-p256.key.json").read_text())
    key = edubadge.keys.from_multikey(
        key_file["publicKeyMultibase"], key_file["secretKeyMultibase"]
    )
    assert unsigned["issuer"]["id"] == key.controller
    base = edubadge.sign(
        unsigned, key, suite="ecdsa-sd-2023", options={"mandatoryPointers": pointers}
    )
    shown = disclose(base, [vector("component-2.json")])
    result = edubadge.verify(shown, components=[components()[1]])
    assert result.verified, result.to_dict()
    assert [c.id for c in result.components] == [vector("component-2.json")["id"]]
    assert {c.name for c in result.rule if c.attested} == {"allOf", "nOf[0]", "minimumCredits"}


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    target = tmp_path / "issuer.key"
    target.write_bytes(KEY.read_bytes())
    os.chmod(target, 0o600)
    return target


def test_cli_stacks_the_vector_components_and_verifies_the_stack(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "stack.json"
    args = ["stack", *map(str, components()), "--achievement", str(VECTORS / "achievement.json")]
    args += ["--rule", str(VECTORS / "rule.json"), "--key", str(key_file), "--out", str(out)]
    assert main(args) == 0
    stacked = json.loads(out.read_text())
    expected = vector("stack-unsigned.json")
    assert stacked["relatedResource"] == expected["relatedResource"]
    assert (
        stacked["credentialSubject"]["achievement"] == expected["credentialSubject"]["achievement"]
    )
    verify = ["verify", str(out), *(f"--component={c}" for c in components())]
    assert main(verify) == 0
    text = capsys.readouterr().out
    assert "components:" in text and "rule:" in text and text.rstrip().endswith("VERIFIED")
    assert main([*verify[:-1], "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["components"][2]["reasons"][0]["reason"] == "missing"
    issuer_2 = json.loads((ROOT / "vectors" / "keys" / "issuer-2.did.json").read_text())["id"]
    trust_one = [*verify, "--trust", issuer_2]
    assert main(trust_one) == 1
    assert "untrusted-issuer" in capsys.readouterr().out


def test_cli_stack_refusal_names_the_reason(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = tmp_path / "rule.json"
    rule.write_text(json.dumps({"minimumCredits": 40}))
    args = ["stack", *map(str, components()), "--achievement", str(VECTORS / "achievement.json")]
    assert main([*args, "--rule", str(rule), "--key", str(key_file)]) == 2
    assert "rule clause minimumCredits: 16 ECTS" in capsys.readouterr().err
    rule.write_text(json.dumps({"minimumCredits": "lots"}))
    assert main([*args, "--rule", str(rule), "--key", str(key_file)]) == 2
    assert "$.minimumCredits" in capsys.readouterr().err
    assert main(["verify", str(VECTORS / "stack-signed.json"), "--component", "nope.json"]) == 2


def test_cli_issue_part_of(tmp_path: Path, key_file: Path) -> None:
    request: dict[str, Any] = copy.deepcopy(vector("component-1.input.json"))
    source = tmp_path / "module.json"
    source.write_text(json.dumps(request))
    out = tmp_path / "out.json"
    programme = "https://www.example-university.be/programmes/msc-data-science"
    assert (
        main(
            [
                "issue",
                str(source),
                "--key",
                str(key_file),
                "--part-of",
                programme,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    module = json.loads(out.read_text())
    assert module["credentialSubject"]["achievement"]["isPartOf"] == programme
    assert main(["verify", str(out)]) == 0
