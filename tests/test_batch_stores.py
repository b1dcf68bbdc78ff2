"""SQL batch stores (SQLite, PostgreSQL): a batch's credentials, one commit per chunk."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import signal
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import edubadge
from edubadge import keys
from edubadge.batch import DirectoryStore, PostgresStore, SqlBatchStore, SqliteStore
from edubadge.cli import main
from edubadge.errors import InputError

from .status_support import postgres_dsn, postgres_schema
from .test_batch import _by_status, _issuer, _records, key_file  # noqa: F401 (a fixture)

Opener = Callable[[], SqlBatchStore]


@pytest.fixture(params=["sqlite", "postgres"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens the same empty store each call (a new object, as another process would)."""
    if request.param == "sqlite":
        yield lambda: SqliteStore(tmp_path / "issued.sqlite")
    else:
        with postgres_schema() as dsn:
            yield lambda: PostgresStore(dsn)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def test_a_rerun_skips_what_a_pool_of_workers_stored(key_file: Path, opener: Opener) -> None:  # noqa: F811
    store = opener()
    issuer = _issuer(key_file)
    with ProcessPoolExecutor(max_workers=2) as pool:
        first = _by_status(
            issuer.issue_many(
                _records(10, broken=(3,)), pool, key_file=key_file, store=store, chunk_size=3
            )
        )
    assert len(first["issued"]) == 9 and len(first["failed"]) == 1
    assert len(store) == 9
    for outcome in first["issued"]:
        assert outcome.credential is None  # the workers stored it
        assert edubadge.verify(store.get(outcome.key)).verified
    before = dict(store.items())
    again = _by_status(issuer.issue_many(_records(10), store=store))
    assert {o.key for o in again["skipped"]} == {o.key for o in first["issued"]}
    assert len(again["issued"]) == 1 and len(store) == 10
    assert all(store.get(key) == credential for key, credential in before.items())


def test_a_key_stored_once_keeps_its_first_credential(opener: Opener) -> None:
    store = opener()
    store.put_many([("a", {"n": 1})])
    store.put_many([("a", {"n": 2}), ("b", {"n": 3})])
    assert store.get("a") == {"n": 1} and store.get("b") == {"n": 3}
    assert "a" in store and "c" not in store and 1 not in store
    with pytest.raises(KeyError):
        store.get("c")


@given(st.dictionaries(st.text(), JSON, max_size=5))
def test_what_is_stored_reads_back_the_same(credential: dict[str, Any]) -> None:
    store = SqliteStore(":memory:")  # one per process: each example has its own key
    key = str(uuid.uuid4())
    store.put_many([(key, credential)])
    assert store.get(key) == credential
    assert (key, credential) in store.items()


def test_stored_says_which_keys_were_issued_in_pages(opener: Opener) -> None:
    store = opener()
    store.put_many([(f"key-{i:04}", {"i": i}) for i in range(0, 1200, 3)])
    asked = [f"key-{i:04}" for i in range(1200)] + ["never", "it's; DROP TABLE x"]
    assert store.stored(asked) == {f"key-{i:04}" for i in range(0, 1200, 3)}
    assert store.stored([]) == set()


def test_a_directory_store_says_which_keys_were_issued(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    store.put_many([("a", {"n": 1}), ("c", {"n": 3})])
    assert store.stored(["a", "b", "c"]) == {"a", "c"}


def test_items_are_read_in_pages(opener: Opener) -> None:
    store = opener()
    store.put_many([(f"key-{i:04}", {"i": i}) for i in range(1200)])
    assert [c["i"] for _, c in store.items()] == list(range(1200))


def test_a_failed_commit_is_an_oserror_and_stores_nothing(opener: Opener) -> None:
    store = opener()
    read_only = (
        "PRAGMA query_only = ON"
        if isinstance(store, SqliteStore)
        else "SET default_transaction_read_only = on"
    )
    store._shared()[0].execute(read_only)  # every write on this connection now fails
    with pytest.raises(OSError, match="cannot write the batch store"):
        store.put_many([("a", {"n": 1}), ("b", {"n": 2})])
    assert len(opener()) == 0


def test_a_file_that_is_not_a_database_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are not the credentials you are looking for\n" * 20)
    with pytest.raises(InputError, match=r"notes\.sqlite is not a usable batch store"):
        SqliteStore(path)
    assert path.read_text().startswith("these are not")  # left as it was


def test_it_pickles_as_where_it_is_and_reconnects(opener: Opener) -> None:
    store = opener()
    store.put_many([("a", {"n": 1})])
    copy = pickle.loads(pickle.dumps(store))
    assert copy.location == store.location and copy.get("a") == {"n": 1}
    assert repr(copy) == repr(store) == f"{type(store).__name__}({store.location!r})"
    assert copy._shared() is store._shared()  # one connection per process and store


def _put_in_child(store: SqlBatchStore) -> None:
    store.put_many([("from-the-child", {"n": 2})])


def test_a_forked_child_opens_its_own_connection(opener: Opener) -> None:
    store = opener()
    store.put_many([("from-the-parent", {"n": 1})])  # the parent's connection is open
    child = multiprocessing.get_context("fork").Process(target=_put_in_child, args=(store,))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    assert store.get("from-the-child") == {"n": 2} and len(store) == 2


def test_a_postgres_password_never_shows() -> None:
    with pytest.raises(InputError) as refused:
        PostgresStore("postgresql://issuer:s3cret-pw@127.0.0.1:1/none?connect_timeout=2")
    assert "s3cret-pw" not in str(refused.value) and "cannot open the batch store" in str(
        refused.value
    )


def _write_chunks(store: SqlBatchStore, first: int, chunks: int) -> None:
    for chunk in range(first, first + chunks):
        store.put_many([(f"{chunk}:{i}", {"chunk": chunk, "pad": "x" * 2000}) for i in range(64)])


def test_processes_writing_at_once_lose_nothing(opener: Opener) -> None:
    store = opener()
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_chunks, args=(store, n * 100, 20)) for n in range(3)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0
    assert len(opener()) == 3 * 20 * 64


def test_a_writer_killed_mid_chunk_leaves_whole_chunks_only(opener: Opener) -> None:
    store = opener()
    context = multiprocessing.get_context("spawn")
    for attempt in range(6):
        writer = context.Process(target=_write_chunks, args=(store, attempt * 10_000, 10_000))
        writer.start()
        deadline = time.monotonic() + 30
        while len(store) <= attempt * 64 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.003 * attempt)
        os.kill(writer.pid, signal.SIGKILL)  # type: ignore[arg-type]
        writer.join()
    per_chunk: dict[int, int] = {}
    for key, credential in opener().items():
        assert credential["pad"] == "x" * 2000
        per_chunk[credential["chunk"]] = per_chunk.get(credential["chunk"], 0) + 1
        assert key.startswith(f"{credential['chunk']}:")
    assert per_chunk and set(per_chunk.values()) == {64}
    if isinstance(store, SqliteStore):
        with sqlite3.connect(store.path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _jsonl(key_path: Path, folder: Path, count: int) -> Path:
    """A JSONL input of `count` records, the issuer profile on each line."""
    key = keys.load_key(key_path)
    issuer = {"id": key.controller, "name": "Example University", "country": "BE"}
    source = folder / "input.jsonl"
    lines = [
        {"issuer": issuer, **r.model_dump(mode="json", exclude_none=True)} for r in _records(count)
    ]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return source


def test_cli_issue_batch_into_sqlite(key_file: Path, tmp_path: Path, capsys: Any) -> None:  # noqa: F811
    source = _jsonl(key_file, tmp_path, 5)
    out = tmp_path / "out"
    args = ["issue-batch", str(source), "--key", str(key_file), "--out", str(out)]
    assert main([*args, "--store", "sqlite", "--workers", "2"]) == 0
    assert f"5 issued, 0 skipped, 0 failed -> {out / 'issued.sqlite'}" in capsys.readouterr().out
    store = SqliteStore(out / "issued.sqlite")
    assert len(store) == 5 and all(edubadge.verify(c).verified for _, c in store.items())
    assert main([*args, "--store", "sqlite"]) == 0
    assert "0 issued, 5 skipped, 0 failed" in capsys.readouterr().out


def test_cli_issue_batch_into_postgres(key_file: Path, tmp_path: Path, capsys: Any) -> None:  # noqa: F811
    source = _jsonl(key_file, tmp_path, 3)
    with postgres_schema() as dsn:
        args = ["issue-batch", str(source), "--key", str(key_file), "--store", dsn]
        assert main([*args, "--workers", "2"]) == 0
        assert "3 issued, 0 skipped, 0 failed" in capsys.readouterr().out
        store = PostgresStore(dsn)
        assert len(store) == 3 and all(edubadge.verify(c).verified for _, c in store.items())
        assert main(args) == 0
        assert "0 issued, 3 skipped, 0 failed" in capsys.readouterr().out
    assert main(["issue-batch", str(source), "--key", str(key_file)]) == 2
    assert "--store files needs --out DIR" in capsys.readouterr().err


def test_a_dask_cluster_writes_the_store(key_file: Path, opener: Opener) -> None:  # noqa: F811
    distributed = pytest.importorskip("distributed")
    store = opener()
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        outcomes = _by_status(
            _issuer(key_file).issue_many(
                _records(7, broken=(2,)),
                client.get_executor(),
                key_file=key_file,
                store=store,
                chunk_size=2,
            )
        )
    assert len(outcomes["issued"]) == 6 and len(outcomes["failed"]) == 1
    assert len(store) == 6 and all(edubadge.verify(c).verified for _, c in store.items())


def test_the_bench_measures_postgres_in_a_scratch_database(tmp_path: Path) -> None:
    import psycopg

    from bench.__main__ import batch as bench_batch

    dsn = postgres_dsn()
    key_path = tmp_path / "issuer.key"
    keys.save_key(keys.generate(), key_path)
    run = bench_batch(12, "in-process", key_path, tmp_path / "out", dsn)
    assert run["issued"] == 12 and run["failed"] == 0
    assert run["store"].startswith("postgresql ")
    with psycopg.connect(dsn) as conn:
        left = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'edubadge_bench_%'")
        assert left.fetchall() == []  # made for the run, dropped after it


def test_a_sqlite_store_that_cannot_get_the_lock_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import edubadge.sqlite

    monkeypatch.setattr(edubadge.sqlite, "BUSY_TIMEOUT_S", 0.1)
    store = SqliteStore(tmp_path / "issued.sqlite")
    holder = sqlite3.connect(tmp_path / "issued.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    with pytest.raises(OSError, match="cannot write the batch store"):
        store.put_many([("a", {"n": 1})])
    holder.execute("ROLLBACK")
    assert "a" not in store
    store.put_many([("a", {"n": 1})])
    assert store.get("a") == {"n": 1}
