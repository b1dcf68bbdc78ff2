"""SQLite connections as edubadge's stores open them: WAL, every commit synced to disk."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_S = 60.0


def connect_durable(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) to a WAL database whose
    commits are on disk before they return, also across power loss (`synchronous = FULL`).
    Writers wait up to `BUSY_TIMEOUT_S` for the lock; the folder is created if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


@contextmanager
def write_transaction(
    conn: sqlite3.Connection, busy: Callable[[sqlite3.Error], Exception] | None = None
) -> Iterator[sqlite3.Cursor]:
    """A write transaction that takes the write lock up front (`BEGIN IMMEDIATE`: writers
    queue for it, none fails halfway), committed on success, rolled back on any error.
    A `BEGIN` that fails (the lock not had within the busy timeout) raises `busy(error)`,
    or the error itself."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        if busy is None:
            raise
        raise busy(error) from None
    try:
        yield conn.cursor()
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
