"""Issued credentials in one SQLite file: a chunk is one transaction, so one sync to disk.

`DirectoryStore` pays a file sync per credential; here a whole chunk commits at once (WAL,
synchronous FULL: on disk before `put_many` returns, across power loss too). Processes on
one machine may share the file (writers queue on the write lock); keep it on a local disk,
as SQLite's locking is not safe on network file systems.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from .store import credential_json, read_credential

BUSY_TIMEOUT_S = 60.0
_SCHEMA = "CREATE TABLE IF NOT EXISTS issued (key TEXT PRIMARY KEY, credential BLOB NOT NULL)"


class SqliteStore:
    """A `BatchStore` in one SQLite file (created if missing), shareable by processes.

    A key stored once keeps its first credential: a later `put_many` of the same key (two
    runs racing) leaves it as it is. Pickles as its path: each process opens its own
    connection.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._connection()  # a file that is not an SQLite database fails here, not mid-batch

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path)!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path = state["path"]
        self._lock = threading.Lock()
        self._conn = None
        self._pid = 0

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():  # never reuse one across a fork
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(
                    self.path,
                    timeout=BUSY_TIMEOUT_S,
                    isolation_level=None,
                    check_same_thread=False,
                )
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute(_SCHEMA)
            except sqlite3.DatabaseError as error:
                raise InputError(f"{self.path} is not a usable batch store: {error}") from None
            except OSError as error:
                raise InputError(f"cannot open the batch store {self.path}: {error}") from None
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        with self._lock:
            row = self._connection().execute("SELECT 1 FROM issued WHERE key = ?", (key,))
            return row.fetchone() is not None

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._connection().execute("SELECT count(*) FROM issued").fetchone()
        return int(count)

    def get(self, key: str) -> dict[str, Any]:
        """The credential issued for `key` (`KeyError` if there is none)."""
        with self._lock:
            row = (
                self._connection()
                .execute("SELECT credential FROM issued WHERE key = ?", (key,))
                .fetchone()
            )
        if row is None:
            raise KeyError(key)
        return read_credential(row[0])

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every (key, credential), in key order, read in pages (constant memory)."""
        after = ""
        while True:
            with self._lock:
                rows = (
                    self._connection()
                    .execute(
                        "SELECT key, credential FROM issued WHERE key > ? ORDER BY key LIMIT 512",
                        (after,),
                    )
                    .fetchall()
                )
            if not rows:
                return
            for key, data in rows:
                yield key, read_credential(data)
            after = rows[-1][0]

    def put_many(self, items: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """Keep the credentials in one transaction: all of them durably, or none.

        A failure to write (disk full, the file locked past the timeout) is an `OSError`.
        """
        rows = [(key, credential_json(credential)) for key, credential in items]
        if not rows:
            return
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.executemany(
                        "INSERT INTO issued (key, credential) VALUES (?, ?)"
                        " ON CONFLICT (key) DO NOTHING",
                        rows,
                    )
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as error:
                raise OSError(f"cannot write the batch store {self.path}: {error}") from error

    def close(self) -> None:
        """Close this process's connection (a later call opens a new one)."""
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None
