"""The batch store in PostgreSQL (psycopg 3): for workers on several machines.

Every commit waits for its WAL flush (`synchronous_commit = on`), so a chunk reported
stored survives a crash of the worker or of the server. Install with
`pip install 'edubadge[postgres]'`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import InputError
from ..status.store import redact
from .sql_store import SqlBatchStore


class PostgresStore(SqlBatchStore):
    """Issued credentials in the table `batch_issued` of a PostgreSQL database."""

    table = "batch_issued"

    def __init__(self, dsn: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise InputError(
                "the PostgreSQL batch store needs psycopg 3",
                hint="pip install 'edubadge[postgres]'",
            ) from None
        self.errors = (psycopg.Error,)
        self._dsn = dsn
        super().__init__()

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._dsn,))

    @property
    def location(self) -> str:
        return redact(self._dsn)

    def q(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _connect(self) -> Any:
        import psycopg

        try:
            conn = psycopg.connect(self._dsn, autocommit=True)
            conn.execute("SET synchronous_commit TO on")
            with conn.transaction():  # one creator at a time: IF NOT EXISTS alone races
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('edubadge batch_issued'))")
                conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {self.table}"
                    " (key TEXT PRIMARY KEY, credential BYTEA NOT NULL)"
                )
        except psycopg.Error as error:
            raise InputError(
                f"cannot open the batch store {self.location}: {str(error).strip()}"
            ) from None
        return conn

    @contextmanager
    def _transaction(self, conn: Any) -> Iterator[Any]:
        with conn.transaction(), conn.cursor() as cursor:
            yield cursor
