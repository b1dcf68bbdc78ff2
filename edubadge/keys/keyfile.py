"""Key files: a Multikey JSON document with its secret, written with mode 0600."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from ..errors import KeyFileError, KeyFormatError
from .keypair import KeyPair, from_multikey

KEYFILE_CONTEXT = "https://w3id.org/security/multikey/v1"


def save_key(key: KeyPair, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write `key` (with its secret) to `path`, readable by the owner only."""
    target = Path(path)
    document = {"@context": KEYFILE_CONTEXT, **key.to_multikey(include_secret=True)}
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


def load_key(path: str | os.PathLike[str]) -> KeyPair:
    """Read a key file; refuse one that group or others can read."""
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
    if not isinstance(document, dict) or not isinstance(document.get("publicKeyMultibase"), str):
        raise KeyFileError(f"key file {source} has no publicKeyMultibase")
    secret = document.get("secretKeyMultibase")
    if not isinstance(secret, str):
        raise KeyFileError(f"key file {source} has no secretKeyMultibase")
    try:
        return from_multikey(
            document["publicKeyMultibase"],
            secret,
            id=document.get("id"),
            controller=document.get("controller"),
        )
    except KeyFormatError as error:
        raise KeyFileError(f"key file {source}: {error.message}") from None
