"""The SQLite status store: one file, WAL, every commit synced to disk before it returns.

Writers take the database's write lock up front (`BEGIN IMMEDIATE`), so processes sharing
the file queue instead of failing; readers never block writers (WAL). Keep the file on a
local disk: SQLite's locking is not safe on network file systems.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import StatusStoreError
from ..sqlite import connect_durable, write_transaction
from .sql import SqlStatusStore


class SqliteStatusStore(SqlStatusStore):
    """A status store in one SQLite file (created if missing)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        super().__init__(f"sqlite:///{self.path}")

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = connect_durable(self.path)
            conn.execute("PRAGMA foreign_keys = ON")
        except (OSError, sqlite3.Error) as error:
            raise StatusStoreError(f"cannot open the status store {self.path}: {error}") from None
        return conn

    @contextmanager
    def _write(self, lock: str | None = None) -> Iterator[sqlite3.Cursor]:
        with write_transaction(self._connection(), self._busy) as cursor:
            yield cursor

    def _busy(self, error: sqlite3.Error) -> StatusStoreError:
        return StatusStoreError(f"the status store {self.path} is busy: {error}")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Cursor]:
        conn = self._connection()
        conn.execute("BEGIN")
        try:
            yield conn.cursor()
        finally:
            conn.execute("COMMIT")

    def _stream(self, sql: str, params: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        with self._read() as cur:
            cur.execute(sql, params)
            while rows := cur.fetchmany(4096):
                yield from rows

    def _insert_allocations(self, cursor: Any, rows: list[tuple[Any, ...]]) -> None:
        cursor.executemany(
            "INSERT INTO status_allocations (list_id, idx, credential_id, allocated_at)"
            " VALUES (?, ?, ?, ?)",
            rows,
        )
