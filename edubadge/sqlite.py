"""SQLite connections as edubadge's stores open them: WAL, every commit synced to disk."""

from __future__ import annotations

import sqlite3
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
