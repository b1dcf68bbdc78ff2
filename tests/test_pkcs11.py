"""The PKCS#11 signer against a real SoftHSM2 token: what it signs verifies through verify().

`.ci/run` installs softhsm2 and initialises a token (EDUBADGE_TEST_PKCS11_*); elsewhere the
tests make their own token when softhsm2 is installed, and skip (fail under CI) when not.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import edubadge
from edubadge import keys
from edubadge.envelopes import jose
from edubadge.errors import SignerError
from edubadge.issuer import Issuer
from edubadge.model import Organisation, load_microcredential

from .shared import ROOT

MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
RECORD = load_microcredential(ROOT / "examples" / "microcredential.json")
PINS = ("--so-pin", "87654321", "--pin", "12345678")  # test PINs of a throwaway token


@dataclass(frozen=True)
class Token:
    module: str
    label: str
    pin: str


def _unavailable(reason: str) -> None:
    message = f"SoftHSM2 not available: {reason} (apt-get install softhsm2; .ci/run does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Token]:
    try:
        import pkcs11  # noqa: F401
    except ImportError:
        _unavailable("python-pkcs11 is not installed (pip install -e '.[test]')")
    if os.environ.get("EDUBADGE_TEST_PKCS11_MODULE"):
        yield Token(
            os.environ["EDUBADGE_TEST_PKCS11_MODULE"],
            os.environ["EDUBADGE_TEST_PKCS11_TOKEN"],
            os.environ["EDUBADGE_TEST_PKCS11_PIN"],
        )
        return
    module = next((m for m in MODULES if Path(m).exists()), None)
    if module is None or shutil.which("softhsm2-util") is None:
        _unavailable("no libsofthsm2.so or softhsm2-util")
    assert module is not None
    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    config = directory / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {directory}/tokens\nobjectstore.backend = file\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(config)  # read when the module is first initialised
    label = f"edubadge-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label, *PINS],
        check=True,
        capture_output=True,
    )
    yield Token(module, label, "12345678")
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


def _signer(token: Token, key_type: str, **options: object) -> object:
    from edubadge.keys.pkcs11 import Pkcs11Signer

    return Pkcs11Signer.generate(
        module=token.module,
        token_label=token.label,
        pin=token.pin,
        key_label=f"{key_type}-{uuid.uuid4().hex[:8]}",
        key_type=key_type,
        bits=2048,
        **options,  # type: ignore[arg-type]
    )


def test_ed25519_signature_made_in_softhsm_verifies(token: Token) -> None:
    from edubadge.keys.pkcs11 import Pkcs11Signer

    with _signer(token, "Ed25519") as signer:  # type: ignore[attr-defined]
        assert isinstance(signer, Pkcs11Signer) and signer.algorithm == "Ed25519"
        profile = Organisation(id=signer.controller, name="Example University", country="BE")
        credential = Issuer(profile, signer).issue(RECORD)
        result = edubadge.verify(credential)
        assert result.verified, result.to_dict()
        assert signer.id in result.check("proof").detail
        token_jwt = jose.sign(Issuer(profile, signer).credential(RECORD), signer, profile="ob3")
        assert edubadge.verify(token_jwt).verified
        credential["credentialSubject"]["achievement"]["name"] = "Something else"
        assert not edubadge.verify(credential).verified


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
def test_rsa_jwt_signed_in_softhsm_verifies(token: Token, alg: str) -> None:
    with _signer(token, "RSA") as signer:  # type: ignore[attr-defined]
        signer = signer.with_signature_algorithm(alg)
        profile = Organisation(id=signer.controller, name="Example University", country="BE")
        credential = Issuer(profile, signer).credential(RECORD)
        compact = jose.sign(credential, signer, profile="ob3")
        assert jose.parse(compact).header["alg"] == alg
        result = edubadge.verify(compact)
        assert result.verified, result.to_dict()


@pytest.mark.parametrize(("kind", "alg"), [("P-256", "ES256"), ("P-384", "ES384")])
def test_ecdsa_jwt_signed_in_softhsm_verifies(token: Token, kind: str, alg: str) -> None:
    if kind not in keys.algorithm_names():
        pytest.skip(f"{kind} keys are not registered in this build")
    with _signer(token, kind) as signer:  # type: ignore[attr-defined]
        profile = Organisation(id=signer.controller, name="Example University", country="BE")
        compact = jose.sign(Issuer(profile, signer).credential(RECORD), signer, profile="ob3")
        assert jose.parse(compact).header["alg"] == alg
        assert edubadge.verify(compact).verified


def test_reopen_by_label_and_by_uri(token: Token, tmp_path: Path) -> None:
    from edubadge.keys.pkcs11 import Pkcs11Signer

    with _signer(token, "Ed25519") as made:  # type: ignore[attr-defined]
        public = made.public_key()
        label = made.key_label
    with Pkcs11Signer.open(
        module=token.module, token_label=token.label, pin=token.pin, key_label=label
    ) as opened:
        assert opened.id == public.id and public.verify(b"data", opened.sign(b"data"))
    pin_file = tmp_path / "pin"
    pin_file.write_text(token.pin)
    uri = (
        f"pkcs11:token={token.label};object={label}"
        f"?module-path={token.module}&pin-source=file:{pin_file}"
    )
    with Pkcs11Signer.from_uri(uri) as from_uri:
        assert public.verify(b"other", from_uri.sign(b"other"))
    with pytest.raises(SignerError, match="PIN written into"):
        Pkcs11Signer.from_uri(f"pkcs11:token={token.label};object={label}?pin-value=1234")


def test_pin_and_private_key_never_shown(token: Token, caplog: pytest.LogCaptureFixture) -> None:
    import pkcs11

    from edubadge.keys.pkcs11 import Pkcs11Signer

    caplog.set_level(logging.DEBUG)
    with _signer(token, "RSA") as signer:  # type: ignore[attr-defined]
        signer.sign(b"data")
        for text in (repr(signer), str(signer), repr(vars(signer))):
            assert token.pin not in text
        with pytest.raises(pkcs11.exceptions.AttributeSensitive):
            _ = signer._private[pkcs11.Attribute.PRIVATE_EXPONENT]  # the key stays in the token
        label = signer.key_label
    with pytest.raises(SignerError) as refused:  # no session left: a real login is needed
        Pkcs11Signer.open(
            module=token.module, token_label=token.label, pin="99999999", key_label=label
        )
    assert "incorrect" in str(refused.value) and "99999999" not in str(refused.value)
    assert refused.value.__cause__ is None and refused.value.__suppress_context__
    assert all(token.pin not in record.getMessage() for record in caplog.records)


def test_several_signers_share_one_token(token: Token) -> None:
    with _signer(token, "Ed25519") as first, _signer(token, "RSA") as second:  # type: ignore[attr-defined]
        assert first.public_key().verify(b"a", first.sign(b"a"))
        assert second.public_key().verify(b"b", second.sign(b"b"))


def test_unknown_key_is_a_clear_error(token: Token) -> None:
    from edubadge.keys.pkcs11 import Pkcs11Signer

    with pytest.raises(SignerError, match="no such key"):
        Pkcs11Signer.open(
            module=token.module, token_label=token.label, pin=token.pin, key_label="absent"
        )
    with pytest.raises(SignerError, match="no such token"):
        Pkcs11Signer.open(module=token.module, token_label="absent", pin=token.pin)


def test_cli_keygen_and_issue_with_a_token_key(
    token: Token,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from edubadge.cli import main

    monkeypatch.setenv("EDUBADGE_PKCS11_PIN", token.pin)
    uri = f"pkcs11:token={token.label};object=cli-{uuid.uuid4().hex[:8]}?module-path={token.module}"
    assert main(["keygen", "--pkcs11", uri]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["controller"].startswith("did:key:z6Mk") and token.pin not in json.dumps(printed)
    source = ROOT / "vectors" / "microcredential" / "input.json"
    for extra, name in (([], "badge.json"), (["--envelope", "jwt"], "badge.jwt")):
        out = tmp_path / name
        assert main(["issue", str(source), "--key", uri, *extra, "--out", str(out)]) == 0
        assert main(["verify", str(out)]) == 0
        assert "VERIFIED" in capsys.readouterr().out
