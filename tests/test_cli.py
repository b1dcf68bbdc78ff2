"""The `edubadge` command: keygen, issue, verify (exit codes 0/1/2), demo and its manifest."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

import edubadge
from edubadge.batch import SqliteStore
from edubadge.cli import main

from .shared import ROOT

INPUT = ROOT / "vectors" / "microcredential" / "input.json"


def test_keygen_issue_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "issuer.key"
    assert main(["keygen", "--out", str(key)]) == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    printed = json.loads(capsys.readouterr().out)
    assert printed["controller"].startswith("did:key:z6Mk")
    assert "secretKeyMultibase" not in json.dumps(printed)
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        out = tmp_path / f"{suite}.json"
        assert (
            main(["issue", str(INPUT), "--key", str(key), "--suite", suite, "--out", str(out)]) == 0
        )
        credential = json.loads(out.read_text())
        assert credential["proof"]["cryptosuite"] == suite
        assert credential["issuer"]["id"] == printed["controller"]
        assert main(["verify", str(out)]) == 0
        assert "VERIFIED" in capsys.readouterr().out
        assert main(["verify", str(out), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["verified"] is True


def test_verify_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "k"
    main(["keygen", "--out", str(key)])
    out = tmp_path / "c.json"
    main(["issue", str(INPUT), "--key", str(key), "--out", str(out)])
    credential = json.loads(out.read_text())
    credential["credentialSubject"]["creditsEarned"] = 60.0
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(credential))
    capsys.readouterr()
    assert main(["verify", str(forged)]) == 1
    assert "NOT VERIFIED" in capsys.readouterr().out
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x00not json")
    assert main(["verify", str(garbage)]) == 2
    assert main(["verify", str(tmp_path / "missing.json")]) == 2
    with pytest.raises(SystemExit) as usage:
        main(["verify"])
    assert usage.value.code == 2


def test_issue_reports_invalid_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "k"
    main(["keygen", "--out", str(key)])
    request = json.loads(INPUT.read_text())
    request["eqf_level"] = 11
    request["credits"] = [{"framework": "hours", "points": 5}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(request))
    capsys.readouterr()
    assert main(["issue", str(bad), "--key", str(key)]) == 2
    error = capsys.readouterr().err
    assert "eqf_level" in error and "credits[0].framework" in error


def test_incomplete_micro_credential_is_refused_but_can_be_a_badge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "k"
    main(["keygen", "--out", str(key)])
    request = json.loads(INPUT.read_text())
    del request["quality_assurance"], request["eqf_level"]
    short = tmp_path / "short.json"
    short.write_text(json.dumps(request))
    capsys.readouterr()
    assert main(["issue", str(short), "--key", str(key)]) == 2
    assert "quality assurance" in capsys.readouterr().err
    assert (
        main(
            [
                "issue",
                str(short),
                "--key",
                str(key),
                "--plain-badge",
                "--out",
                str(tmp_path / "b.json"),
            ]
        )
        == 0
    )


def test_demo_writes_artifacts_and_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--dir", str(tmp_path)]) == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert {e["expect"] for e in manifest} == {"verified", "invalid", "revoked", "suspended"}
    lists = [
        f"--status-list={tmp_path / e['file']}" for e in manifest if e["role"] == "status-list"
    ]
    assert lists
    # a sealed EDC is trusted through the eSeal's root CA the demo publishes
    lists += [f"--trust-anchor={tmp_path / e['file']}" for e in manifest if e["format"] == "x509"]
    for entry in manifest:
        assert set(entry) == {"file", "role", "format", "suite", "expect"}
        assert (tmp_path / entry["file"]).is_file()
        if entry["role"] == "credential":
            code = main(["verify", str(tmp_path / entry["file"]), *lists])
            assert code == (0 if entry["expect"] == "verified" else 1), entry
    out = capsys.readouterr().out
    assert "all as expected" in out
    # the stacking story: a module revoked after the award undoes the certificate
    expects = {e["file"]: e["expect"] for e in manifest}
    assert expects["module-2-statistics.json"] == "revoked"
    assert expects["certificate.json"] == "invalid"
    assert (expects["minor-base.json"], expects["minor-disclosed.json"]) == ("invalid", "verified")
    assert "certificate.json against the lists published at award: VERIFIED" in out
    assert "component Applied Statistics: status: the credential is revoked" in out
    assert "module-2-statistics.json: status: the credential is revoked" in out  # the minor
    # the certificate as a sealed Europass EDC stack falls with the same module
    edc_stack = next(e for e in manifest if e["file"] == "certificate-edc.json")
    assert (edc_stack["role"], edc_stack["format"], edc_stack["expect"]) == (
        "stack",
        "edc",
        "invalid",
    )
    assert expects["module-1-python-edc.json"] == "verified"
    assert "certificate-edc.json (Europass) against the lists published now:" in out
    # the batch signed on two worker processes: every credential in its SQLite store verifies
    (store,) = [e for e in manifest if e["role"] == "batch-store"]
    stored = [c for _, c in SqliteStore(tmp_path / store["file"]).items()]
    assert store["expect"] == "verified" and len(stored) == 3
    assert all(edubadge.verify(c).verified for c in stored)


def test_issue_an_edc_and_convert_both_ways(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = json.loads(INPUT.read_text("utf-8"))
    request["issuer"]["id"] = "https://www.example-university.be/"
    for qa in request["quality_assurance"]:
        qa["body"] = {"id": "https://www.nvao.net/", "name": "NVAO", "country": "NL"}
    source = tmp_path / "input.json"
    source.write_text(json.dumps(request), "utf-8")
    unsealed = tmp_path / "edc.json"
    assert (
        main(["issue", str(source), "--format", "edc", "--unsealed", "--out", str(unsealed)]) == 0
    )
    document = json.loads(unsealed.read_text("utf-8"))
    assert document["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    badge = tmp_path / "badge.json"
    assert main(["convert", str(unsealed), "--to", "ob3", "--out", str(badge)]) == 0
    converted = json.loads(badge.read_text("utf-8"))
    assert converted["credentialSubject"]["achievement"]["achievementType"] == "MicroCredential"
    back = tmp_path / "back.json"
    assert main(["convert", str(badge), "--to", "edc", "--out", str(back)]) == 0
    again = json.loads(back.read_text("utf-8"))
    assert again["credentialSubject"] == document["credentialSubject"]
    assert main(["validate", str(back)]) == 0
    assert "VALID" in capsys.readouterr().out


def test_issue_edc_without_sealing_support_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib

    try:
        importlib.import_module("edubadge.envelopes.jades")
        pytest.skip("this build seals EDCs")
    except ModuleNotFoundError:
        pass
    request = json.loads(INPUT.read_text("utf-8"))
    request["issuer"]["id"] = "https://www.example-university.be/"
    source = tmp_path / "input.json"
    source.write_text(json.dumps(request), "utf-8")
    assert main(["issue", str(source), "--format", "edc", "--cert", "c.pem", "--key", "k"]) == 2
    assert "JAdES" in capsys.readouterr().err


def test_validate_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = json.loads(
        (ROOT / "vectors" / "microcredential" / "ob3-credential.json").read_text("utf-8")
    )
    broken["credentialSubject"]["achievement"]["alignment"][0]["targetUrl"] = "https://x.example"
    broken["credentialSubject"]["achievement"]["alignment"][0]["targetCode"] = "0"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), "utf-8")
    assert main(["validate", str(path), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["issues"][0]["path"] == "eqf_level"
    path.write_text("[]", "utf-8")
    assert main(["validate", str(path)]) == 2


def test_status_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    main(["keygen", "--out", "k.key"])
    db = ["--db", "sqlite:///registry.db"]
    # Without a base URL the first credential with status cannot be issued.
    assert main(["issue", str(INPUT), "--key", "k.key", "--out", "x.json", *db]) == 2
    monkeypatch.setenv("EDUBADGE_STATUS_BASE_URL", "https://uni.example/status")
    args = [
        "--key",
        "k.key",
        *db,
        "--status-purpose",
        "revocation",
        "--status-purpose",
        "suspension",
    ]
    assert main(["issue", str(INPUT), "--out", "a.json", *args]) == 0
    monkeypatch.delenv("EDUBADGE_STATUS_BASE_URL")
    assert main(["issue", str(INPUT), "--key", "k.key", "--out", "b.json", *db]) == 0
    a, b = (json.loads((tmp_path / f).read_text()) for f in ("a.json", "b.json"))
    assert len(a["credentialStatus"]) == 2
    assert b["credentialStatus"]["statusListCredential"].startswith("https://uni.example/status/")
    assert main(["issue", str(INPUT), "--key", "k.key", "--out", "c.json", "--no-status", *db]) == 0
    assert "credentialStatus" not in json.loads((tmp_path / "c.json").read_text())
    capsys.readouterr()
    assert (
        main(["status", "revoke", "b.json", "--reason", "fraud", "--actor", "registrar", *db]) == 0
    )
    assert "revoke:" in capsys.readouterr().out
    assert main(["status", "suspend", "a.json", "--actor", "registrar", *db]) == 0
    assert main(["status", "reinstate", "b.json", *db]) == 2  # b has no suspension entry
    assert main(["status", "publish", "--key", "k.key", "--dir", "site", *db]) == 0
    capsys.readouterr()
    assert main(["status", "show", "b.json", "--json", *db]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown[0]["status"] == {"revocation": 1}
    assert (
        shown[0]["audit"][0]["actor"] == "registrar" and shown[0]["audit"][0]["reason"] == "fraud"
    )
    lists = [f"--status-list={p}" for p in sorted((tmp_path / "site").glob("*.json"))]
    assert len(lists) == 3 and (tmp_path / "site" / "_headers").is_file()
    assert main(["verify", "b.json", *lists]) == 1
    assert "the credential is revoked" in capsys.readouterr().out
    assert main(["verify", "a.json", *lists]) == 1
    assert "suspended" in capsys.readouterr().out
    assert main(["status", "reinstate", "a.json", *db]) == 0
    assert main(["status", "publish", "--key", "k.key", "--dir", "site", *db]) == 0
    assert main(["verify", "a.json", *lists]) == 0
    assert main(["status", "show", *db]) == 0
    assert "2/131072" not in capsys.readouterr().out  # two lists (two specs), one entry each
