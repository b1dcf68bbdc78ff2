"""Status stores for tests: a fresh SQLite file, or a fresh schema of the test PostgreSQL server.

PostgreSQL tests need `EDUBADGE_TEST_POSTGRES` (a DSN; `.ci/run` starts a server and sets
it). Without it they skip, except under CI (env `CI` set), where that is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

from edubadge.status import ListSpec, PurposeSpec

ISSUER = "did:example:issuer"
SPEC = ListSpec(ISSUER, "https://status.example/lists")
BOTH = ListSpec(
    ISSUER, "https://status.example/lists", (PurposeSpec("revocation"), PurposeSpec("suspension"))
)


def postgres_dsn() -> str:
    """The test server's DSN; skip (or fail under CI) without one."""
    dsn = os.environ.get("EDUBADGE_TEST_POSTGRES")
    if not dsn:
        message = "no PostgreSQL server for the tests (set EDUBADGE_TEST_POSTGRES; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return dsn


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A DSN whose tables live in a new schema, dropped afterwards."""
    import psycopg

    dsn = postgres_dsn()
    schema = f"edubadge_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in dsn else "?"
    try:
        yield f"{dsn}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def store_url(backend: str, directory: Path) -> Iterator[str]:
    """The URL of an empty store of this backend."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'status.db'}"
    else:
        with postgres_schema() as dsn:
            yield dsn
