"""`edubadge verify` on JAdES seals, with `--trust-anchor FILE` (repeatable)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from edubadge.cli import main
from edubadge.envelopes import seal
from edubadge.envelopes.testing import make_test_material

from .shared import require_shared


def _sealed(tmp_path: Path) -> tuple[Path, Path, Path]:
    material, root = make_test_material("ES256", intermediate=True)
    envelope = seal(
        {"@context": ["https://www.w3.org/ns/credentials/v2"]}, material, algorithm="ES256"
    )
    sealed = tmp_path / "sealed.json"
    sealed.write_text(json.dumps(envelope))
    anchor = tmp_path / "root.pem"
    anchor.write_bytes(root.public_bytes(Encoding.PEM))
    _, other_root = make_test_material("ES256")
    other = tmp_path / "other.der"
    other.write_bytes(other_root.public_bytes(Encoding.DER))
    return sealed, anchor, other


def test_verify_with_trust_anchors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sealed, anchor, other = _sealed(tmp_path)
    main(
        [
            "verify",
            str(sealed),
            "--json",
            "--trust-anchor",
            str(other),
            "--trust-anchor",
            str(anchor),
        ]
    )
    checks = {c["id"]: c["outcome"] for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["jades-signature"] == checks["jades-certificate"] == "passed"
    assert checks["jades-signing-time"] == "passed"
    assert main(["verify", str(sealed), "--trust-anchor", str(other)]) == 1
    out = capsys.readouterr().out
    assert "FAILED  jades-certificate" in out and "does not chain to a given trust anchor" in out
    assert main(["verify", str(sealed)]) == 1
    assert "no trust anchors were given" in capsys.readouterr().out


def test_a_sealed_credential_verifies_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    material, root = make_test_material("RS256")
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "https://university.example",
        "validFrom": (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {"id": "did:example:learner"},
    }
    sealed = tmp_path / "sealed.json"
    sealed.write_text(json.dumps(seal(credential, material)))
    anchor = tmp_path / "root.pem"
    anchor.write_bytes(root.public_bytes(Encoding.PEM))
    assert main(["verify", str(sealed), "--trust-anchor", str(anchor)]) == 0
    assert capsys.readouterr().out.endswith("VERIFIED\n")


def test_an_unreadable_trust_anchor_is_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sealed, _, _ = _sealed(tmp_path)
    not_a_certificate = tmp_path / "anchor.pem"
    not_a_certificate.write_text("hello")
    assert main(["verify", str(sealed), "--trust-anchor", str(not_a_certificate)]) == 2
    assert "--trust-anchor" in capsys.readouterr().err
    assert main(["verify", str(sealed), "--trust-anchor", str(tmp_path / "missing.pem")]) == 2


def test_edci_sample_reports_its_expired_certificate(capsys: pytest.CaptureFixture[str]) -> None:
    sample = require_shared() / "vectors/edc/examples/elm-v3/Sample-CertOfPart-signed.jsonld"
    assert main(["verify", str(sample), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    kinds = [p["type"].rsplit("#", 1)[1] for p in result["problems"]]
    assert "CERTIFICATE_EXPIRED" in kinds
    assert next(c for c in result["checks"] if c["id"] == "jades-signature")["outcome"] == "passed"
