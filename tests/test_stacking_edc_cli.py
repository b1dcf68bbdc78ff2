"""`edubadge stack --format edc`, `verify --component --trust-anchor` on a sealed EDC stack,
`issue --format edc --part-of`, and the EDC stack vector."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)

import edubadge
from edubadge.cli import main
from edubadge.envelopes import seal
from edubadge.envelopes.certificates import load_certificates
from edubadge.envelopes.testing import make_test_material
from edubadge.formats import edc
from edubadge.validation import validate

from .shared import ROOT, require_shared
from .stacking_world import digest

VECTORS = ROOT / "vectors" / "stacking"
ISSUER_1 = json.loads((ROOT / "vectors" / "keys" / "issuer-1.did.json").read_text())["id"]


@pytest.fixture
def eseal(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(certificate chain PEM, private key PEM, root CA PEM) of a test eSeal."""
    material, root = make_test_material("RS256", organisation="Example University of Leuven")
    chain = tmp_path / "eseal.pem"
    chain.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in material.certificate_chain))
    key = tmp_path / "eseal.key"
    key.write_bytes(material.key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    os.chmod(key, 0o600)
    anchor = tmp_path / "root.pem"
    anchor.write_bytes(root.public_bytes(Encoding.PEM))
    return chain, key, anchor


def achievement_file(tmp_path: Path) -> Path:
    """The vectors' certificate description; an EDC issuer is named by its id."""
    request: dict[str, Any] = json.loads((VECTORS / "achievement.json").read_text("utf-8"))
    request["issuer"]["id"] = ISSUER_1
    path = tmp_path / "achievement.json"
    path.write_text(json.dumps(request))
    return path


def components() -> list[Path]:
    return [VECTORS / f"component-{n}.json" for n in (1, 2, 3)]


def test_cli_stacks_into_a_sealed_edc_that_verifies_with_its_components(
    tmp_path: Path, eseal: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    chain, key, anchor = eseal
    out = tmp_path / "stack-edc.json"
    args = ["stack", *map(str, components()), "--achievement", str(achievement_file(tmp_path))]
    args += ["--rule", str(VECTORS / "rule.json"), "--format", "edc"]
    assert main([*args, "--cert", str(chain), "--key", str(key), "--out", str(out)]) == 0
    sealed = json.loads(out.read_text())
    document = edc.unwrap(sealed)
    pinned = [json.loads(p.read_text()) for p in components()]
    assert (
        document["relatedResource"]
        == json.loads((VECTORS / "stack-unsigned.json").read_text())["relatedResource"]
    )
    assert [r["digestMultibase"] for r in document["relatedResource"]] == [
        digest(c) for c in pinned
    ]
    assert len(document["credentialSubject"]["hasClaim"][0]["hasPart"]) == 3
    verify = ["verify", str(out), "--trust-anchor", str(anchor)]
    verify += [f"--component={c}" for c in components()]
    assert main(verify) == 0
    text = capsys.readouterr().out
    assert "ok      jades-signature" in text and text.rstrip().endswith("VERIFIED")
    assert main(verify[:-1]) == 1
    assert "missing" in capsys.readouterr().out
    assert main(verify[:2] + verify[4:]) == 1  # no trust anchor: the seal is not trusted
    assert "no trust anchors were given" in capsys.readouterr().out
    # --format edc needs the eSeal; an eSeal needs --format edc
    assert main([*args, "--key", str(key)]) == 2
    assert "--cert" in capsys.readouterr().err
    ob3_args = [a for a in args if a not in ("--format", "edc")]
    assert main([*ob3_args, "--cert", str(chain), "--key", str(key)]) == 2
    assert "--format edc" in capsys.readouterr().err


def test_cli_issues_an_edc_module_part_of_a_programme(
    tmp_path: Path, eseal: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    chain, key, anchor = eseal
    request: dict[str, Any] = json.loads((VECTORS / "component-1.input.json").read_text())
    request["issuer"]["id"] = ISSUER_1
    source = tmp_path / "module.json"
    source.write_text(json.dumps(request))
    programme = "https://www.example-university.be/certificates/applied-data-science"
    args = ["issue", str(source), "--format", "edc", "--cert", str(chain), "--key", str(key)]
    args += ["--part-of", programme]
    assert main(args) == 2
    assert "--part-of-title" in capsys.readouterr().err
    out = tmp_path / "module-edc.json"
    title = "Certificate in Applied Data Science"
    assert main([*args, "--part-of-title", title, "--out", str(out)]) == 0
    spec = edc.unwrap(json.loads(out.read_text()))["credentialSubject"]["hasClaim"][0]
    spec = spec["specifiedBy"]
    assert spec["isPartOf"] == [{"id": programme, "type": "Qualification", "title": {"en": title}}]
    assert spec["isPartialQualification"] is True
    assert edubadge.verify(out, trust_anchors=load_certificates(str(anchor))).verified
    assert main([*args, "--part-of-title", title, "--unsealed"]) == 2
    assert "--cert" in capsys.readouterr().err


def test_the_edc_stack_vector_pins_as_the_ob3_one_conforms_and_verifies_once_sealed() -> None:
    document = json.loads((VECTORS / "stack-edc-unsigned.json").read_text("utf-8"))
    ob3_stack = json.loads((VECTORS / "stack-unsigned.json").read_text("utf-8"))
    assert document["relatedResource"] == ob3_stack["relatedResource"]
    claim = document["credentialSubject"]["hasClaim"][0]
    assert (
        claim["specifiedBy"]["stackingRule"]
        == ob3_stack["credentialSubject"]["achievement"]["stackingRule"]
    )
    pinned = [json.loads(p.read_text()) for p in components()]
    assert [p["identifier"][0]["notation"] for p in claim["hasPart"]] == [c["id"] for c in pinned]
    shapes = require_shared() / "vectors/edc/shacl/elm-3.2/EDC-generic-full.ttl"
    assert validate(document, shapes=shapes).valid
    now = datetime.fromisoformat(json.loads((VECTORS / "settings.json").read_text("utf-8"))["now"])
    material, root = make_test_material(not_before=now - timedelta(days=1))
    sealed = seal(document, material, signing_time=now)
    result = edubadge.verify(sealed, components=pinned, trust_anchors=[root], now=now)
    assert result.verified, result.to_dict()
    assert not edubadge.verify(
        sealed, components=pinned[:2], trust_anchors=[root], now=now
    ).verified
