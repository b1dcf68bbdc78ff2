"""Where a batch remembers what it issued: one file per record, written crash-safe."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol


class BatchStore(Protocol):
    """What `Issuer.issue_many` needs to skip what a previous run issued."""

    def __contains__(self, key: object) -> bool:
        """True when the record with this key was issued before."""

    def put(self, key: str, credential: dict[str, Any]) -> None:
        """Keep an issued credential durably (before the batch reports it issued)."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: temp file, fsync, rename, fsync the folder."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


class DirectoryStore:
    """Issued credentials as `<sha256 of the record key>.json` files in one folder.

    Several processes may share the folder: a file appears only when complete, so a crash
    leaves either the whole credential or nothing (at most a hidden `.tmp` file).
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"DirectoryStore({str(self.directory)!r})"

    def path(self, key: str) -> Path:
        """The file of the credential issued for `key`."""
        return self.directory / (hashlib.sha256(key.encode("utf-8")).hexdigest() + ".json")

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.path(key).is_file()

    def put(self, key: str, credential: dict[str, Any]) -> None:
        text = json.dumps(credential, indent=2, ensure_ascii=False) + "\n"
        write_atomic(self.path(key), text.encode("utf-8"))
