"""Key files: a JSON verification method with its secret, written with mode 0600.

The public part is the key's verification method (Multikey, or JsonWebKey for RSA). The
secret is `secretKeyMultibase` (Ed25519 and other Multikey types, unencrypted: the original
format) or `secretKeyPem`, a PKCS#8 PEM that is encrypted when a passphrase is given
(PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC; `openssl pkey` reads it).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from ..errors import KeyFileError, KeyFormatError
from .keypair import KeyPair, from_jwk, from_multikey, from_pem

KEYFILE_CONTEXT = "https://w3id.org/security/multikey/v1"


def _document(key: KeyPair, passphrase: str | bytes | None) -> dict[str, Any]:
    if passphrase is None and key.to_verification_method()["type"] == "Multikey":
        return {"@context": KEYFILE_CONTEXT, **key.to_multikey(include_secret=True)}
    return {
        "@context": KEYFILE_CONTEXT,
        **key.to_verification_method(),
        "secretKeyPem": key.to_pem(include_secret=True, passphrase=passphrase),
    }


def save_key(
    key: KeyPair,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    passphrase: str | bytes | None = None,
) -> Path:
    """Write `key` (with its secret) to `path`, readable by the owner only.

    With a `passphrase` the secret is stored as encrypted PKCS#8.
    """
    target = Path(path)
    document = _document(key, passphrase)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        fd = os.open(target, flags, 0o600)
    except FileExistsError:
        raise KeyFileError(
            f"{target} exists", hint="choose another path or pass overwrite"
        ) from None
    except OSError as error:
        raise KeyFileError(f"cannot write key file {target}: {error.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)  # O_CREAT's mode does not apply to an existing file
        json.dump(document, handle, indent=2)
        handle.write("\n")
    return target


def load_key(path: str | os.PathLike[str], *, passphrase: str | bytes | None = None) -> KeyPair:
    """Read a key file; refuse one that group or others can read.

    An encrypted key file needs its `passphrase`; a wrong one is a `KeyFileError`.
    """
    source = Path(path)
    try:
        mode = source.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyFileError(
                f"key file {source} is accessible by group or others (mode {stat.S_IMODE(mode):o})",
                hint=f"chmod 600 {source}",
            )
        document = json.loads(source.read_text("utf-8"))
    except KeyFileError:
        raise
    except OSError as error:
        raise KeyFileError(f"cannot read key file {source}: {error.strerror}") from None
    except ValueError:
        raise KeyFileError(f"key file {source} is not JSON") from None
    if not isinstance(document, dict):
        raise KeyFileError(f"key file {source} is not a JSON object")
    try:
        return _key_of(document, passphrase)
    except KeyFormatError as error:
        raise KeyFileError(f"key file {source}: {error.message}", hint=error.hint) from None


def is_encrypted(path: str | os.PathLike[str]) -> bool:
    """True when a key file's secret is passphrase-encrypted."""
    try:
        document = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    pem = document.get("secretKeyPem") if isinstance(document, dict) else None
    return isinstance(pem, str) and "ENCRYPTED PRIVATE KEY" in pem


def _key_of(document: dict[str, Any], passphrase: str | bytes | None) -> KeyPair:
    ident = {"id": document.get("id"), "controller": document.get("controller")}
    public_multibase, public_jwk = document.get("publicKeyMultibase"), document.get("publicKeyJwk")
    if isinstance(public_multibase, str):
        public = from_multikey(public_multibase)
    elif isinstance(public_jwk, dict):
        public = from_jwk(public_jwk)
    else:
        raise KeyFormatError("no publicKeyMultibase or publicKeyJwk")
    secret_multibase, secret_pem = document.get("secretKeyMultibase"), document.get("secretKeyPem")
    if isinstance(secret_multibase, str) and isinstance(public_multibase, str):
        if passphrase is not None:
            raise KeyFormatError("this key file is not encrypted, yet a passphrase was given")
        return from_multikey(public_multibase, secret_multibase, **ident)
    if not isinstance(secret_pem, str):
        raise KeyFormatError("no secretKeyMultibase or secretKeyPem")
    key = from_pem(secret_pem, passphrase=passphrase, **ident)
    if key.algorithm != public.algorithm or key.public_bytes != public.public_bytes:
        raise KeyFormatError("the secret key does not belong to the public key")
    return key
