"""The batch store in one SQLite file: WAL, every commit synced before it returns.

Processes on one machine may share the file (writers queue on the write lock); keep it on a
local disk, as SQLite's locking is not safe on network file systems.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..sqlite import connect_durable, write_transaction
from .sql_store import SqlBatchStore


class SqliteStore(SqlBatchStore):
    """Issued credentials in one SQLite file (created if missing)."""

    table = "issued"
    errors = (sqlite3.Error,)

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        super().__init__()

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path,))

    @property
    def location(self) -> str:
        return str(self.path)

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = connect_durable(self.path)
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table}"
                " (key TEXT PRIMARY KEY, credential BLOB NOT NULL)"
            )
        except sqlite3.DatabaseError as error:
            raise InputError(f"{self.path} is not a usable batch store: {error}") from None
        except OSError as error:
            raise InputError(f"cannot open the batch store {self.path}: {error}") from None
        return conn

    def _transaction(self, conn: sqlite3.Connection) -> AbstractContextManager[sqlite3.Cursor]:
        return write_transaction(conn)
