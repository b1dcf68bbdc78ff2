"""The status store, the same suite against SQLite and PostgreSQL: allocation, rules, audit."""

from __future__ import annotations

import itertools
import multiprocessing
from pathlib import Path

import pytest

from edubadge.errors import StatusChangeError, StatusListError, StatusStoreError
from edubadge.status import ListSpec, PurposeSpec, StatusChange, StatusStore, open_store
from edubadge.status.store import Publication

from .status_support import BOTH, ISSUER, SPEC


def test_indexes_are_random_distinct_and_recorded(store: StatusStore) -> None:
    allocations = store.allocate_many(SPEC, 1000, [f"urn:c:{n}" for n in range(1000)])
    indexes = [a.index for a in allocations]
    assert len(set(indexes)) == 1000
    assert all(0 <= i < SPEC.length for i in indexes)
    # Random, not in issuing order: consecutive allocations are not neighbours.
    assert sorted(indexes) != indexes
    assert sum(abs(a - b) < 100 for a, b in itertools.pairwise(indexes)) < 20
    assert store.find("urn:c:7") == [allocations[7]]
    assert store.allocation(allocations[7].list_id, indexes[7]) == allocations[7]
    single = store.allocate(SPEC, "urn:c:single")
    assert single.index not in indexes and single.list_id == allocations[0].list_id


def test_a_full_list_is_followed_by_a_new_one(store: StatusStore) -> None:
    allocations = store.allocate_many(SPEC, SPEC.length + 5)
    first = [a.index for a in allocations if a.list_id == allocations[0].list_id]
    # The whole list is a permutation: every index handed out exactly once.
    assert sorted(first) == list(range(SPEC.length))
    second = [a for a in allocations if a.list_id != allocations[0].list_id]
    assert len(second) == 5 and len({a.list_id for a in second}) == 1
    lists = store.lists(ISSUER)
    assert [(lst.used, lst.full) for lst in lists] == [(SPEC.length, True), (5, False)]
    assert store.lists("did:example:other") == []


def test_each_spec_has_its_own_lists(store: StatusStore) -> None:
    a = store.allocate(SPEC)
    b = store.allocate(BOTH)
    assert a.list_id != b.list_id
    assert store.get_list(b.list_id).spec == BOTH
    assert store.values(b.list_id, b.index) == {"revocation": 0, "suspension": 0}


def test_status_changes_follow_the_rules_and_are_audited(store: StatusStore) -> None:
    a, b = store.allocate_many(BOTH, 2, ["urn:c:a", "urn:c:b"])
    done = store.change(
        [
            StatusChange(a.list_id, a.index, "revocation", 1, "revoke"),
            StatusChange(b.list_id, b.index, "suspension", 1, "suspend"),
        ],
        actor="registrar",
        reason="exam fraud",
    )
    assert [(e.action, e.credential_id, e.old_value, e.new_value) for e in done] == [
        ("revoke", "urn:c:a", 0, 1),
        ("suspend", "urn:c:b", 0, 1),
    ]
    assert store.values(a.list_id, a.index) == {"revocation": 1, "suspension": 0}
    # Repeating a change writes nothing; revocation is final; only suspensions lift.
    assert (
        store.change([StatusChange(a.list_id, a.index, "revocation", 1, "revoke")], actor="x") == []
    )
    with pytest.raises(StatusChangeError, match="final"):
        store.change([StatusChange(a.list_id, a.index, "revocation", 0, "set")], actor="x")
    with pytest.raises(StatusChangeError, match="only a suspension"):
        store.change([StatusChange(a.list_id, a.index, "revocation", 0, "reinstate")], actor="x")
    store.change([StatusChange(b.list_id, b.index, "suspension", 0, "reinstate")], actor="dean")
    assert store.values(b.list_id, b.index)["suspension"] == 0
    trail = store.audit(b.list_id, b.index)
    assert [(e.action, e.actor, e.reason) for e in trail] == [
        ("suspend", "registrar", "exam fraud"),
        ("reinstate", "dean", None),
    ]
    assert all(e.at.endswith("Z") for e in trail)


def test_a_refused_change_writes_nothing(store: StatusStore) -> None:
    a = store.allocate(SPEC, "urn:c:a")
    only_revocation = [
        StatusChange(a.list_id, a.index, "revocation", 1, "revoke"),
        StatusChange(a.list_id, a.index, "suspension", 1, "suspend"),
    ]
    with pytest.raises(StatusChangeError, match="without a suspension"):
        store.change(only_revocation, actor="x")
    with pytest.raises(StatusChangeError, match="never handed out"):
        unused = (a.index + 1) % SPEC.length
        store.change([StatusChange(a.list_id, unused, "revocation", 1, "revoke")], actor="x")
    with pytest.raises(StatusChangeError, match="actor"):
        store.change([StatusChange(a.list_id, a.index, "revocation", 1, "revoke")], actor="")
    assert store.values(a.list_id, a.index) == {"revocation": 0}
    assert store.audit() == []


def test_bitstring_and_counts_reflect_the_values(store: StatusStore) -> None:
    spec = ListSpec(ISSUER, "https://status.example", (PurposeSpec("message", 2, MESSAGES),))
    allocations = store.allocate_many(spec, 50)
    changes = [
        StatusChange(a.list_id, a.index, "message", n % 4, "set") for n, a in enumerate(allocations)
    ]
    store.change(changes, actor="bot")
    bits = store.bitstring(allocations[0].list_id, "message")
    assert len(bits) == 2 * spec.length
    expected = {a.index: n % 4 for n, a in enumerate(allocations) if n % 4}
    assert dict(bits.nonzero(2)) == expected
    counts = store.counts(allocations[0].list_id, "message").counts
    assert counts == {1: 13, 2: 12, 3: 12}


MESSAGES = (("0x0", "valid"), ("0x1", "pending"), ("0x2", "accepted"), ("0x3", "rejected"))


def test_publications_are_kept(store: StatusStore) -> None:
    a = store.allocate(SPEC)
    assert store.publication(a.list_id, "revocation") is None
    saved = Publication(a.list_id, "revocation", "ab" * 32, "{}", None, "2026-01-01T00:00:00Z")
    store.save_publication(saved, actor="cron")
    store.save_publication(saved, actor="cron")
    assert store.publication(a.list_id, "revocation") == saved
    assert [e.action for e in store.audit(a.list_id)] == ["publish", "publish"]


def test_what_returned_is_there_after_reopening(url: str) -> None:
    with open_store(url) as first:
        a = first.allocate(SPEC, "urn:c:durable")
        first.change([StatusChange(a.list_id, a.index, "revocation", 1, "revoke")], actor="x")
    with open_store(url) as again:
        assert again.find("urn:c:durable") == [a]
        assert again.values(a.list_id, a.index) == {"revocation": 1}
        assert again.allocate(SPEC).index != a.index


def test_specs_are_checked() -> None:
    with pytest.raises(StatusListError, match="herd privacy"):
        ListSpec(ISSUER, "https://s.example", length=1000)
    with pytest.raises(StatusListError, match="http"):
        ListSpec(ISSUER, "ftp://s.example")
    with pytest.raises(StatusListError, match="4 status messages"):
        PurposeSpec("message", 2)
    with pytest.raises(StatusListError, match="unknown status purpose"):
        PurposeSpec("expired")
    with pytest.raises(StatusListError, match="distinct"):
        ListSpec(ISSUER, "https://s.example", (PurposeSpec("revocation"),) * 2)


def test_store_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///relative.db") as relative:
        assert relative.url == "sqlite:///relative.db"
    with open_store(f"sqlite:///{tmp_path}/absolute.db"), open_store(tmp_path / "plain.db"):
        pass
    assert {p.name for p in tmp_path.glob("*.db")} == {"relative.db", "absolute.db", "plain.db"}
    monkeypatch.setenv("EDUBADGE_STATUS_DB", "sqlite:///from-env.db")
    with open_store():
        assert (tmp_path / "from-env.db").exists()
    with pytest.raises(StatusStoreError, match="unsupported") as refused:
        open_store("mysql://root:hunter2@db/status")
    assert "hunter2" not in str(refused.value)
    with pytest.raises(StatusStoreError, match="cannot connect") as failed:
        open_store("postgresql://someone:hunter2@127.0.0.1:1/none?connect_timeout=2")
    assert "hunter2" not in str(failed.value)


def _allocate_worker(
    url: str, barrier: multiprocessing.synchronize.Barrier, out: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    store = open_store(url)
    barrier.wait()
    got: list[tuple[int, int]] = []
    sizes = (1, 7, 50, 142)
    n = 0
    while len(got) < 10_000:
        size = min(sizes[n % 4], 10_000 - len(got))
        n += 1
        got += [(a.list_id, a.index) for a in store.allocate_many(SPEC, size)]
    store.close()
    out.put(got)


def test_eight_processes_allocating_at_once_get_distinct_indexes(url: str) -> None:
    open_store(url).close()  # create the schema once
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(8)
    out: multiprocessing.Queue[list[tuple[int, int]]] = ctx.Queue()
    workers = [ctx.Process(target=_allocate_worker, args=(url, barrier, out)) for _ in range(8)]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    everything = [pair for result in results for pair in result]
    assert len(everything) == 80_000
    assert len(set(everything)) == 80_000
    with open_store(url) as store:
        lists = store.lists()
        assert sum(lst.used for lst in lists) == 80_000
        assert len(lists) == 1  # 80,000 fit in one 131,072-entry list


def test_a_write_that_cannot_get_the_lock_is_a_named_busy_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    import edubadge.sqlite

    monkeypatch.setattr(edubadge.sqlite, "BUSY_TIMEOUT_S", 0.1)
    store = open_store(f"sqlite:///{tmp_path / 'status.db'}")
    store.allocate(SPEC, "urn:x:first")
    holder = sqlite3.connect(tmp_path / "status.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    with pytest.raises(StatusStoreError, match="is busy"):
        store.allocate(SPEC, "urn:x:second")
    holder.execute("ROLLBACK")
    assert store.allocate(SPEC, "urn:x:second").index != store.allocate(SPEC).index
