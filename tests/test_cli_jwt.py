"""The command line for RSA keys, encrypted key files, VC-JWTs and opt-in fetching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edubadge import keys
from edubadge.cli import main
from edubadge.envelopes import jose

from .shared import ROOT
from .test_did_web import FakeWeb

INPUT = ROOT / "vectors" / "microcredential" / "input.json"


def _rsa_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, dict[str, object]]:
    monkeypatch.setenv("KEY_PASSPHRASE", "a long test passphrase")
    key = tmp_path / "rsa.key"
    argv = ["keygen", "--type", "RSA", "--bits", "2048", "--out", str(key)]
    assert main([*argv, "--passphrase-env", "KEY_PASSPHRASE"]) == 0
    printed = json.loads(capsys.readouterr().out)
    return key, printed


def test_keygen_rsa_encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key, printed = _rsa_key(tmp_path, monkeypatch, capsys)
    assert str(printed["controller"]).startswith("did:jwk:")
    assert set(printed["publicKeyJwk"]) == {"kty", "n", "e"}  # type: ignore[arg-type]
    text = key.read_text()
    assert "ENCRYPTED PRIVATE KEY" in text
    assert keys.load_key(key, passphrase="a long test passphrase").algorithm == "RSA"


def test_issue_jwt_and_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key, printed = _rsa_key(tmp_path, monkeypatch, capsys)
    out = tmp_path / "badge.jwt"
    argv = ["issue", str(INPUT), "--key", str(key), "--passphrase-env", "KEY_PASSPHRASE"]
    assert main([*argv, "--envelope", "jwt", "--out", str(out)]) == 0
    token = out.read_text().strip()
    parsed = jose.parse(token)
    assert parsed.header["alg"] == "RS256" and parsed.header["typ"] == "JWT"
    assert parsed.payload["iss"] == printed["controller"]
    assert main(["verify", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "envelope" in shown and "RS256" in shown and "VERIFIED" in shown
    assert main(["verify", str(out), "--json"]) == 0
    checks = {c["id"]: c["outcome"] for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["envelope"] == "passed"
    ps = tmp_path / "ps.jwt"
    assert (
        main(
            [
                *argv,
                "--envelope",
                "jwt",
                "--alg",
                "PS256",
                "--jwt-profile",
                "vc-jose",
                "--out",
                str(ps),
            ]
        )
        == 0
    )
    assert jose.parse(ps.read_text().strip()).header == {
        "alg": "PS256",
        "typ": "vc+jwt",
        "cty": "vc",
        "kid": printed["id"],
    }
    assert main(["verify", str(ps)]) == 0
    forged = tmp_path / "forged.jwt"
    head, payload, signature = token.split(".")
    forged.write_text(
        f"{head}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}"
    )
    assert main(["verify", str(forged)]) in (1, 2)


def test_encrypted_key_needs_its_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key, _ = _rsa_key(tmp_path, monkeypatch, capsys)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["issue", str(INPUT), "--key", str(key), "--envelope", "jwt"]) == 2
    error = capsys.readouterr().err
    assert "is encrypted" in error and "--passphrase-env" in error
    wrong = tmp_path / "wrong"
    wrong.write_text("not it\n")
    argv = ["issue", str(INPUT), "--key", str(key), "--passphrase-file", str(wrong)]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert "wrong passphrase" in error and "not it" not in error


def test_verify_fetches_only_with_fetch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    did = "did:web:issuer.example"
    key = keys.generate(id=f"{did}#key-1")
    key_file = tmp_path / "web.key"
    keys.save_key(key, key_file)
    out = tmp_path / "badge.json"
    assert main(["issue", str(INPUT), "--key", str(key_file), "--out", str(out)]) == 0
    web = FakeWeb({"https://issuer.example/.well-known/did.json": keys.controller_document(key)})
    monkeypatch.setattr("edubadge.cli.common.HttpsFetcher", lambda **_: web)
    assert main(["verify", str(out)]) == 1
    assert "--fetch" in capsys.readouterr().out
    assert web.fetched == []
    assert main(["verify", str(out), "--fetch"]) == 0
    assert web.fetched == ["https://issuer.example/.well-known/did.json"]


def test_demo_issues_the_micro_credential_as_a_vc_jwt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--dir", str(tmp_path)]) == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    jwts = {e["file"]: e for e in manifest if e["format"] == "jwt"}
    assert {e["expect"] for e in jwts.values()} == {"verified", "invalid"}
    token = (tmp_path / "credential-1-ob3.jwt").read_text().strip()
    parsed = jose.parse(token)
    assert parsed.header["alg"] == jwts["credential-1-ob3.jwt"]["suite"] == "RS256"
    assert {"iss", "nbf", "jti"} <= set(parsed.payload)  # no sub: the learner has no DID
    assert parsed.payload["iss"] == parsed.document["issuer"]["id"]
    first = json.loads((tmp_path / "credential-1-eddsa-rdfc-2022.json").read_text())
    assert parsed.document["name"] == first["name"]
    assert parsed.document["validFrom"] == first["validFrom"]
    subject = parsed.document["credentialSubject"]
    assert subject["achievement"] == first["credentialSubject"]["achievement"]
