"""Keys at rest: no secret in any repr, log line, exception or CLI output.

Every CLI command runs with secret-bearing inputs (key files, encrypted key files and their
passphrases, a PKCS#11 PIN, a key file handed over where a credential or a controller
document is expected), and stdout, stderr, the log records and every file written are
searched for each spelling of the secret. Key parsing is driven by hypothesis over mangled
secrets, and each exception (with its whole chain) is searched the same way.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import traceback
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import base58
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edubadge import keys
from edubadge.cli import main
from edubadge.errors import EdubadgeError, VerificationMethodError
from edubadge.jsonld.loader import DocumentLoader
from edubadge.keys.keyfile import load_key, save_key

from .shared import ROOT

INPUT = ROOT / "vectors" / "microcredential" / "input.json"
PASSPHRASE = "correct horse battery staple 7741"
PIN = "pin-8810-4472"
DB_PASSWORD = "S3cret-db-passw0rd-19"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def spellings(key: keys.KeyPair) -> list[str]:
    """Every way the secret of `key` could show: raw encodings, Multikey, JWK members, PEM."""
    found = []
    jwk = key.to_jwk(include_secret=True)
    for member in ("d", "p", "q", "dp", "dq", "qi"):
        if member in jwk:
            raw = base64.urlsafe_b64decode(jwk[member] + "==")
            found += [jwk[member], raw.hex(), base64.b64encode(raw).decode(), _b64(raw)]
            found.append(base58.b58encode(raw).decode())
    if key.algorithm == "Ed25519":
        found.append(key.to_multikey(include_secret=True)["secretKeyMultibase"])
    pem = key.to_pem(include_secret=True)
    found += [line for line in pem.splitlines() if line and not line.startswith("-----")]
    return [s for s in found if len(s) >= 16]


def leaks(text: str, secrets: list[str]) -> list[str]:
    """The secrets (shortened) that occur in `text`."""
    return [s[:12] + "..." for s in secrets if s in text]


@cache
def _rsa() -> keys.KeyPair:
    return keys.generate("RSA", bits=2048)


# --- every CLI command -------------------------------------------------------------------------


class Run:
    """One CLI run: exit code, everything printed and logged."""

    def __init__(self, code: int, out: str, err: str, logs: str) -> None:
        self.code, self.out, self.err, self.logs = code, out, err, logs

    @property
    def everything(self) -> str:
        return "\n".join((self.out, self.err, self.logs))


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> Iterator[Any]:
    def run(*argv: str) -> Run:
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            try:
                code = main(list(argv))
            except SystemExit as stop:  # argparse usage errors
                code = int(stop.code or 0)
        captured = capsys.readouterr()
        logs = "\n".join(r.getMessage() for r in caplog.records)
        return Run(code, captured.out, captured.err, logs)

    yield run


def _files_text(folder: Path, skip: set[Path]) -> str:
    """Every file under `folder` (except the key files themselves), as text."""
    texts = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path not in skip:
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


def test_no_cli_command_prints_or_writes_a_secret(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDUBADGE_TEST_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("EDUBADGE_PKCS11_PIN", PIN)
    monkeypatch.chdir(tmp_path)
    plain, encrypted, rsa = tmp_path / "plain.key", tmp_path / "enc.key", tmp_path / "rsa.key"
    passfile = tmp_path / "passphrase.txt"
    passfile.write_text(PASSPHRASE + "\n")
    passfile.chmod(0o600)
    runs: dict[str, Run] = {}
    runs["keygen"] = cli("keygen", "--out", str(plain))
    runs["keygen-encrypted"] = cli(
        "keygen", "--out", str(encrypted), "--passphrase-env", "EDUBADGE_TEST_PASSPHRASE"
    )
    save_key(_rsa(), rsa, passphrase=PASSPHRASE)
    key_files = {plain, encrypted, rsa, passfile}
    secrets = [PASSPHRASE, PIN, DB_PASSWORD]
    secrets += spellings(load_key(plain))
    secrets += spellings(load_key(encrypted, passphrase=PASSPHRASE))
    secrets += spellings(_rsa())
    assert all(runs[name].code == 0 for name in runs)

    out = tmp_path / "out"
    out.mkdir()
    runs["issue"] = cli("issue", str(INPUT), "--key", str(plain), "--out", str(out / "c1.json"))
    runs["issue-encrypted"] = cli(
        "issue",
        str(INPUT),
        "--key",
        str(encrypted),
        "--passphrase-file",
        str(passfile),
        "--out",
        str(out / "c2.json"),
    )
    runs["issue-jwt-rsa"] = cli(
        "issue",
        str(INPUT),
        "--key",
        str(rsa),
        "--passphrase-env",
        "EDUBADGE_TEST_PASSPHRASE",
        "--envelope",
        "jwt",
        "--alg",
        "PS256",
        "--out",
        str(out / "c3.jwt"),
    )
    runs["issue-to-stdout"] = cli("issue", str(INPUT), "--key", str(plain))
    assert all(runs[name].code == 0 for name in runs), {n: r.err for n, r in runs.items()}

    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    failing = {
        "wrong-passphrase": cli(
            "issue", str(INPUT), "--key", str(encrypted), "--passphrase-file", str(wrong)
        ),
        "passphrase-for-a-plain-key": cli(
            "issue",
            str(INPUT),
            "--key",
            str(plain),
            "--passphrase-env",
            "EDUBADGE_TEST_PASSPHRASE",
        ),
        "encrypted-without-passphrase": cli("issue", str(INPUT), "--key", str(encrypted)),
        "pin-in-uri": cli(
            "issue",
            str(INPUT),
            "--key",
            f"pkcs11:token=t;object=k?module-path=/nonexistent.so&pin-value={PIN}",
        ),
        "pin-from-env": cli(
            "issue", str(INPUT), "--key", "pkcs11:token=t;object=k?module-path=/nonexistent.so"
        ),
        "keygen-exists": cli("keygen", "--out", str(plain)),
        # a key file handed over where a credential, a controller or an image is expected
        "verify-a-key-file": cli("verify", str(plain)),
        "verify-a-key-file-json": cli("verify", str(encrypted), "--json"),
        "verify-rsa-key-file": cli("verify", str(rsa), "--json"),
        "key-file-as-input": cli("issue", str(plain), "--key", str(plain)),
        "bake-a-key-file": cli(
            "bake", str(ROOT / "tests" / "data" / "missing.png"), str(plain), "--out", "x.png"
        ),
        "unbake-a-key-file": cli("unbake", str(plain)),
        "derive-a-key-file": cli("derive", str(plain)),
        "present-a-key-file": cli(
            "present", str(plain), "--key", str(plain), "--challenge", "c", "--domain", "d"
        ),
        "status-db-password": cli(
            "status", "show", "--db", f"postgresql://alice:{DB_PASSWORD}@127.0.0.1:1/edu"
        ),
        "batch-from-a-key-file": cli(
            "issue-batch", str(plain), "--key", str(plain), "--out", str(tmp_path / "batch")
        ),
    }
    assert all(run.code != 0 for run in failing.values()), {
        n: (r.code, r.out[:200]) for n, r in failing.items() if r.code == 0
    }
    runs.update(failing)
    runs["verify"] = cli("verify", str(out / "c1.json"), "--json")
    runs["verify-jwt"] = cli("verify", str(out / "c3.jwt"))
    runs["key-file-as-controller"] = cli(
        "verify", str(out / "c1.json"), "--controller", str(plain), "--json"
    )
    runs["batch"] = (
        cli(
            "issue-batch",
            str(ROOT / "examples" / "batch.jsonl"),
            "--key",
            str(plain),
            "--out",
            str(tmp_path / "batch-ok"),
        )
        if (ROOT / "examples" / "batch.jsonl").exists()
        else runs["verify"]
    )
    runs["present"] = cli(
        "present",
        str(out / "c1.json"),
        "--key",
        str(encrypted),
        "--passphrase-file",
        str(passfile),
        "--challenge",
        "c-1",
        "--domain",
        "https://verifier.example",
    )
    runs["status-publish"] = cli(
        "status",
        "publish",
        "--key",
        str(plain),
        "--dir",
        str(tmp_path / "lists"),
        "--db",
        f"sqlite:///{tmp_path / 'status.db'}",
    )
    runs["demo"] = cli("demo", "--dir", str(tmp_path / "demo"))
    for name in ("present", "status-publish", "demo", "verify", "key-file-as-controller"):
        assert runs[name].code == 0, (name, runs[name].err)

    for name, run in runs.items():
        assert not leaks(run.everything, secrets), (name, leaks(run.everything, secrets))
    written = _files_text(tmp_path, key_files)
    assert not leaks(written, secrets)
    # the demo's own issuer keys: its artifacts carry no secret either
    demo_keys = [p for p in (tmp_path / "demo").rglob("*.key")]
    for path in demo_keys:
        demo_secrets = spellings(load_key(path))
        assert not leaks(_files_text(tmp_path / "demo", set(demo_keys)), demo_secrets)


def test_key_files_keep_their_secret_to_themselves(tmp_path: Path) -> None:
    """Control for the search above: the spellings are found where the secret really is."""
    key = keys.generate()
    path = save_key(key, tmp_path / "k.key")
    assert leaks(path.read_text(), spellings(key))
    assert not leaks(repr(key) + str(key) + repr(key.public()), spellings(key))
    assert oct(path.stat().st_mode & 0o777) == "0o600"


# --- exceptions from key parsing (hypothesis) -------------------------------------------------


def _exception_text(error: BaseException) -> str:
    """Everything an exception could show: its text, repr, hint, args, and its whole chain
    (causes and suppressed contexts too: a logger or error tracker may print them)."""
    parts, seen = [], set()
    todo: list[BaseException | None] = [error]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        parts += [str(current), repr(current), repr(current.args)]
        if isinstance(current, EdubadgeError):
            parts += [current.message, str(current.hint), str(current.path)]
        parts.append("".join(traceback.format_exception_only(current)))
        todo += [current.__cause__, current.__context__]
    return "\n".join(parts)


_MANGLES = (
    "truncate",
    "bad-character",
    "other-public-key",
    "wrong-64-byte-tail",
    "jwk-other-x",
    "jwk-truncated-d",
    "pem-damaged",
    "pem-wrong-passphrase",
    "pem-passphrase-for-plain",
    "key-file-mismatch",
    "key-file-group-readable",
    "rsa-jwk-damaged",
)


def _attempt(mangle: str, key: keys.KeyPair, other: keys.KeyPair, n: int, tmp: Path) -> None:
    """Parse a damaged form of `key`'s secret; raises whatever the parser raises."""
    secret = key.to_multikey(include_secret=True)["secretKeyMultibase"]
    public = key.public_key_multibase
    jwk = key.to_jwk(include_secret=True)
    if mangle == "truncate":
        keys.from_multikey(public, secret[: max(2, len(secret) - 1 - n % 20)])
    elif mangle == "bad-character":
        index = 1 + n % (len(secret) - 1)
        keys.from_multikey(public, secret[:index] + "0OIl"[n % 4] + secret[index + 1 :])
    elif mangle == "other-public-key":
        keys.from_multikey(other.public_key_multibase, secret)
    elif mangle == "wrong-64-byte-tail":
        raw = base58.b58decode(secret[1:])
        keys.from_multikey(public, "z" + base58.b58encode(raw + other.public_bytes).decode())
    elif mangle == "jwk-other-x":
        keys.from_jwk({**jwk, "x": other.to_jwk()["x"]})
    elif mangle == "jwk-truncated-d":
        keys.from_jwk({**jwk, "d": jwk["d"][: 1 + n % 40]})
    elif mangle == "pem-damaged":
        lines = key.to_pem(include_secret=True).splitlines()
        body = lines[1]
        lines[1] = body[: n % len(body)] + "!" + body[n % len(body) + 1 :]
        keys.from_pem("\n".join(lines))
    elif mangle == "pem-wrong-passphrase":
        keys.from_pem(key.to_pem(include_secret=True, passphrase=PASSPHRASE), passphrase="nope")
    elif mangle == "pem-passphrase-for-plain":
        keys.from_pem(key.to_pem(include_secret=True), passphrase=PASSPHRASE)
    elif mangle == "key-file-mismatch":
        path = tmp / f"mismatch-{n}.key"
        document = {
            **key.to_multikey(include_secret=True),
            "publicKeyMultibase": other.public_key_multibase,
        }
        path.write_text(json.dumps(document))
        path.chmod(0o600)
        load_key(path)
    elif mangle == "key-file-group-readable":
        path = tmp / f"readable-{n}.key"
        path.write_text(json.dumps(key.to_multikey(include_secret=True)))
        path.chmod(0o640)
        load_key(path)
    elif mangle == "rsa-jwk-damaged":
        rsa = _rsa().to_jwk(include_secret=True)
        member = ("d", "p", "q", "dp", "dq", "qi")[n % 6]
        keys.from_jwk({**rsa, member: rsa[member][:-4] + "AAAA"})
    else:  # pragma: no cover
        raise AssertionError(mangle)


@settings(max_examples=150, deadline=None)
@given(
    seed=st.binary(min_size=32, max_size=32),
    other_seed=st.binary(min_size=32, max_size=32),
    mangle=st.sampled_from(_MANGLES),
    n=st.integers(0, 10_000),
)
def test_key_parsing_errors_never_carry_the_secret(
    seed: bytes, other_seed: bytes, mangle: str, n: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    key, other = keys.from_seed(seed), keys.from_seed(other_seed)
    if key.public_bytes == other.public_bytes:
        return
    secrets = [*spellings(key), PASSPHRASE]
    if mangle == "rsa-jwk-damaged":
        secrets += spellings(_rsa())
    tmp = tmp_path_factory.getbasetemp()
    try:
        _attempt(mangle, key, other, n, tmp)
    except EdubadgeError as error:
        text = _exception_text(error)
        assert not leaks(text, secrets), (mangle, leaks(text, secrets))
    except Exception as error:  # only typed errors may leave the parsers
        raise AssertionError(f"{mangle}: untyped {type(error).__name__}") from error
    else:
        # a mangle that still parses must give back a key, never the other key's secret
        assert mangle in ("truncate", "jwk-truncated-d", "rsa-jwk-damaged", "bad-character")


def test_passphrase_never_in_repr_of_anything(tmp_path: Path) -> None:
    key = keys.generate()
    path = save_key(key, tmp_path / "k.key", passphrase=PASSPHRASE)
    loaded = load_key(path, passphrase=PASSPHRASE)
    for value in (loaded, loaded.public(), path.read_text()):
        assert PASSPHRASE not in repr(value)
    assert os.stat(path).st_mode & 0o077 == 0


def test_published_multikey_secret_is_refused() -> None:
    """A controller document that publishes a secretKeyMultibase (a key file put online by
    mistake) is refused like a JWK with private members: that key is no longer secret."""
    key = keys.from_seed(b"\x41" * 32, controller="https://issuer.example/org")
    document = keys.controller_document(key)
    document["verificationMethod"] = [key.to_multikey(include_secret=True)]
    loader = DocumentLoader({key.controller: document})
    with pytest.raises(VerificationMethodError, match="publishes a private key"):
        keys.resolve_verification_method(key.id, loader)
    document["verificationMethod"] = [key.to_multikey()]  # control: the public part resolves
    loader = DocumentLoader({key.controller: document})
    assert keys.resolve_verification_method(key.id, loader).key.public_bytes == key.public_bytes
