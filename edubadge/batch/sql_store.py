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

# This process's connections, one per store location, shared by every store object opened
# on it (a worker unpickles a store with each chunk). A forked child starts afresh: the
# parent's connections stay referenced there, never used or closed (SQLite forbids both).
_OPEN: dict[tuple[type, str], tuple[Any, threading.Lock]] = {}
_INHERITED: list[dict[tuple[type, str], tuple[Any, threading.Lock]]] = []
_REGISTRY_LOCK = threading.Lock()


def _start_afresh_after_fork() -> None:
    global _REGISTRY_LOCK
    _INHERITED.append(dict(_OPEN))
    _OPEN.clear()
    _REGISTRY_LOCK = threading.Lock()  # another thread may have held it at the fork


os.register_at_fork(after_in_child=_start_afresh_after_fork)


class SqlBatchStore(ABC):
    """A `BatchStore` in a SQL table, shareable by processes (each opens its own connection).

    A key stored once keeps its first credential: a later `put_many` of the same key (two
    runs racing) leaves it as it is. It pickles as what it was opened with.
    """

    table: str
    errors: tuple[type[Exception], ...]

    def __init__(self) -> None:
        self._shared()  # what cannot be opened fails here, not mid-batch

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the store is, for messages (no secrets)."""

    @abstractmethod
    def _connect(self) -> Any:
        """A new connection in autocommit mode, the table created if missing."""

    @abstractmethod
    def _transaction(self, conn: Any) -> AbstractContextManager[Any]:
        """A write transaction (commits on success, rolls back on error)."""

    def q(self, sql: str) -> str:
        """`sql` with this backend's parameter placeholders (written `?`)."""
        return sql

    def _shared(self) -> tuple[Any, threading.Lock]:
        """This process's connection to the store, and the lock its users take."""
        key = (type(self), self.location)
        with _REGISTRY_LOCK:
            if key not in _OPEN:
                _OPEN[key] = (self._connect(), threading.Lock())
            return _OPEN[key]

    def _rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        conn, lock = self._shared()
        with lock:
            try:
                return list(conn.execute(self.q(sql), params).fetchall())
            except self.errors as error:
                raise OSError(f"cannot read the batch store {self.location}: {error}") from error

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location!r})"

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self.stored([key]))

    def stored(self, keys: Sequence[str]) -> set[str]:
        """Which of `keys` were issued before: one query per 512 keys."""
        found: set[str] = set()
        for start in range(0, len(keys), _PAGE):
            some = keys[start : start + _PAGE]
            marks = ", ".join("?" * len(some))
            rows = self._rows(f"SELECT key FROM {self.table} WHERE key IN ({marks})", some)
            found.update(key for (key,) in rows)
        return found

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
        conn, lock = self._shared()
        with lock:
            try:
                with self._transaction(conn) as cursor:
                    cursor.executemany(sql, rows)
            except self.errors as error:
                raise OSError(f"cannot write the batch store {self.location}: {error}") from error

    def close(self) -> None:
        """Close this process's connection to the store (a later call opens a new one)."""
        with _REGISTRY_LOCK:
            opened = _OPEN.pop((type(self), self.location), None)
        if opened is not None:
            conn, lock = opened
            with lock:
                conn.close()
