"""Where a batch remembers what it issued: one file per record, written crash-safe."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import orjson

from ..parsing import orjson_exactly


class BatchStore(Protocol):
    """What `Issuer.issue_many` needs to skip what a previous run issued."""

    def stored(self, keys: Sequence[str]) -> set[str]:
        """Which of `keys` (records' keys) were issued before."""

    def put_many(self, items: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """Keep issued credentials durably (before the batch reports them issued)."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: temp file, fsync, rename, fsync the folder."""
    write_atomic_many([(path, data)])


def _write_temp(path: Path, data: bytes) -> str:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return temp


def write_atomic_many(items: Sequence[tuple[Path, bytes]]) -> None:
    """Write several files, each whole or not at all, with one group commit.

    Every temp file is written and fsynced (in parallel, so the file system commits them
    together) before any is renamed into place; then each folder is fsynced once.
    """
    if not items:
        return
    with ThreadPoolExecutor(max_workers=min(16, len(items))) as pool:
        futures = [pool.submit(_write_temp, path, data) for path, data in items]
    temps = [f.result() if f.exception() is None else None for f in futures]
    try:
        for future in futures:
            future.result()  # raise the first failure
        for (path, _), temp in zip(items, temps, strict=True):
            os.replace(temp, path)  # type: ignore[arg-type]
    except BaseException:
        for temp in temps:
            if temp is not None:
                Path(temp).unlink(missing_ok=True)
        raise
    for parent in {path.parent for path, _ in items}:
        folder = os.open(parent, os.O_RDONLY)
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

    def stored(self, keys: Sequence[str]) -> set[str]:
        """Which of `keys` were issued before (one file test each)."""
        return {key for key in keys if key in self}

    def get(self, key: str) -> dict[str, Any]:
        """The credential issued for `key` (`FileNotFoundError` if there is none)."""
        return read_credential(self.path(key).read_bytes())

    def put_many(self, items: Sequence[tuple[str, dict[str, Any]]]) -> None:
        write_atomic_many(
            [
                (self.path(key), credential_json(credential, indent=True))
                for key, credential in items
            ]
        )


def read_credential(data: bytes) -> dict[str, Any]:
    """A credential as a store wrote it (`credential_json`), exactly: json, not orjson,
    which reads an integer past 64 bits as a float."""
    value = json.loads(data)
    if not isinstance(value, dict):
        raise ValueError("a stored credential is not a JSON object")
    return value


def credential_json(credential: dict[str, Any], *, indent: bool = False) -> bytes:
    """UTF-8 JSON that reads back as the same credential (orjson when it is exact);
    `indent`: two-space indented with a final newline (json.dumps' layout)."""
    option = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE if indent else None
    exact = orjson_exactly(credential, option)
    if exact is not None:
        return exact[0]
    if indent:
        return (json.dumps(credential, indent=2, ensure_ascii=False) + "\n").encode()
    return json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode()
