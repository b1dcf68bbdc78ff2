"""A batch store in SQL: a chunk of credentials is one transaction, so one sync to disk.

`DirectoryStore` pays a file sync per credential; a SQL store commits a whole chunk at once,
all of it or none. Backends (`SqliteStore`, `PostgresStore`) give the connection and the
transaction; the table is `(key TEXT PRIMARY KEY, credential BYTES)`, the credential exact
JSON (`credential_json`).
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from .store import credential_json, read_credential

_PAGE = 512


class SqlBatchStore(ABC):
    """A `BatchStore` in a SQL table, shareable by processes (each opens its own connection).

    A key stored once keeps its first credential: a later `put_many` of the same key (two
    runs racing) leaves it as it is. It pickles as what it was opened with.
    """

    table: str
    errors: tuple[type[Exception], ...]

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conn: Any = None
        self._pid = 0
        with self._lock:
            self._connection()  # what cannot be opened fails here, not mid-batch

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the store is, for messages (no secrets)."""

    @abstractmethod
    def _open(self) -> Any:
        """A new connection in autocommit mode, the table created if missing."""

    @abstractmethod
    def _transaction(self, conn: Any) -> AbstractContextManager[Any]:
        """A write transaction (commits on success, rolls back on error)."""

    def q(self, sql: str) -> str:
        """`sql` with this backend's parameter placeholders (written `?`)."""
        return sql

    def _connection(self) -> Any:
        if self._conn is None or self._pid != os.getpid():  # never reuse one across a fork
            self._conn, self._pid = self._open(), os.getpid()
        return self._conn

    def _rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return list(self._connection().execute(self.q(sql), params).fetchall())
            except self.errors as error:
                raise OSError(f"cannot read the batch store {self.location}: {error}") from error

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location!r})"

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        return bool(self._rows(f"SELECT 1 FROM {self.table} WHERE key = ?", (key,)))

    def __len__(self) -> int:
        return int(self._rows(f"SELECT count(*) FROM {self.table}", ())[0][0])

    def get(self, key: str) -> dict[str, Any]:
        """The credential issued for `key` (`KeyError` if there is none)."""
        rows = self._rows(f"SELECT credential FROM {self.table} WHERE key = ?", (key,))
        if not rows:
            raise KeyError(key)
        return read_credential(bytes(rows[0][0]))

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every (key, credential), in key order, read a page at a time (constant memory)."""
        sql = f"SELECT key, credential FROM {self.table} WHERE key > ? ORDER BY key LIMIT {_PAGE}"
        after = ""
        while rows := self._rows(sql, (after,)):
            for key, data in rows:
                yield key, read_credential(bytes(data))
            after = rows[-1][0]

    def put_many(self, items: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """Keep the credentials in one transaction: all of them durably, or none.

        A failure to write (disk full, the store locked past its timeout) is an `OSError`.
        """
        rows = [(key, credential_json(credential)) for key, credential in items]
        if not rows:
            return
        sql = self.q(
            f"INSERT INTO {self.table} (key, credential) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"
        )
        with self._lock:
            conn = self._connection()
            try:
                with self._transaction(conn) as cursor:
                    cursor.executemany(sql, rows)
            except self.errors as error:
                raise OSError(f"cannot write the batch store {self.location}: {error}") from error

    def close(self) -> None:
        """Close this process's connection (a later call opens a new one)."""
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None
