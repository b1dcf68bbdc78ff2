"""Publishing status lists, on both backends: idempotent files, concurrent revocations, memory."""

from __future__ import annotations

import json
import multiprocessing
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from edubadge import keys
from edubadge.status import Bitstring, ListSpec, StatusStore, open_store
from edubadge.status.lists import StatusLists
from edubadge.status.sql import SqlStatusStore

KEY = keys.from_seed(bytes(range(32)))
ISSUER = KEY.controller
BASE = "https://uni.example/status"
SPEC = ListSpec(ISSUER, BASE)


def _published_bits(path: Path) -> set[int]:
    document = json.loads(path.read_text())
    return {i for i, _ in Bitstring.decode(document["credentialSubject"]["encodedList"]).nonzero()}


def test_publishing_is_idempotent(store: StatusStore, tmp_path: Path) -> None:
    lists = StatusLists(store, issuer=ISSUER, base_url=BASE, purposes=("revocation", "suspension"))
    ids = [f"urn:c:{n}" for n in range(5)]
    lists.entries_many(ids)
    out = tmp_path / "site"
    first = lists.publish(out, KEY, suite="eddsa-rdfc-2022", actor="cron")
    assert [(p.purpose, p.signed, p.written) for p in first] == [
        ("revocation", True, True),
        ("suspension", True, True),
    ]
    files = {p.file: p.file.read_bytes() for p in first}
    again = lists.publish(out, KEY, suite="eddsa-rdfc-2022", actor="cron")
    assert [(p.signed, p.written) for p in again] == [(False, False), (False, False)]
    assert {p.file: p.file.read_bytes() for p in again} == files
    lists.revoke("urn:c:3", actor="registrar", reason="fraud")
    third = lists.publish(out, KEY, suite="eddsa-rdfc-2022", actor="cron")
    assert [(p.purpose, p.signed) for p in third] == [("revocation", True), ("suspension", False)]
    index = store.find("urn:c:3")[0].index
    assert _published_bits(third[0].file) == {index}
    # Re-signed when less than half the validity is left, and when the ttl changes.
    later = datetime.now(UTC) + timedelta(days=4)
    fourth = lists.publish(out, KEY, suite="eddsa-rdfc-2022", actor="cron", now=later)
    assert all(p.signed for p in fourth)
    assert "max-age=3600" in (out / "_headers").read_text()
    lists.publish(out, KEY, suite="eddsa-rdfc-2022", actor="cron", ttl_ms=60_000, now=later)
    assert "/status/revocation-1.json\n" in (out / "_headers").read_text()
    assert (out / "_headers").read_text().count("max-age=60") == 2
    assert 'Header set Cache-Control "public, max-age=60"' in (out / ".htaccess").read_text()
    assert [e.action for e in store.audit(third[0].list_id) if e.index is None].count("publish") > 3


def _revoke_worker(url: str, ids: list[str], barrier: object, done: object) -> None:
    store = open_store(url)
    lists = StatusLists(store)
    barrier.wait()  # type: ignore[attr-defined]
    for credential_id in ids:
        lists.revoke(credential_id, actor="worker", reason="test")
    store.close()
    done.put(len(ids))  # type: ignore[attr-defined]


def test_concurrent_revocations_are_all_in_the_next_list(url: str, tmp_path: Path) -> None:
    with open_store(url) as store:
        ids = [f"urn:c:{n}" for n in range(800)]
        allocations = store.allocate_many(SPEC, len(ids), ids)
    victims = ids[::2]  # 400 revocations, 50 per process
    ctx = multiprocessing.get_context("fork")
    barrier, done = ctx.Barrier(8), ctx.Queue()
    workers = [
        ctx.Process(target=_revoke_worker, args=(url, victims[n::8], barrier, done))
        for n in range(8)
    ]
    for worker in workers:
        worker.start()
    assert sum(done.get(timeout=300) for _ in workers) == 400
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    with open_store(url) as store:
        published = StatusLists(store).publish(
            tmp_path / "site", KEY, suite="eddsa-jcs-2022", actor="cron"
        )
        assert len(published) == 1
        expected = {a.index for a, i in zip(allocations, ids, strict=True) if i in victims}
        assert _published_bits(published[0].file) == expected
        assert len(store.audit()) == 400 + 1


MILLION = 1_000_000


def test_a_million_allocations_publish_one_list_at_a_time(
    store: StatusStore, tmp_path: Path
) -> None:
    assert isinstance(store, SqlStatusStore)
    store.allocate_many(SPEC, SPEC.length)  # one full list, then the baseline
    with store._write() as cur:  # a third of the entries revoked (test set-up in bulk)
        cur.execute(
            store.q(
                "INSERT INTO status_values SELECT list_id, idx, 'revocation', 1, 'now'"
                " FROM status_allocations WHERE idx - (idx / 3) * 3 = 0"
            )
        )
    lists = StatusLists(store)

    def peak_publishing(directory: Path) -> int:
        tracemalloc.start()
        try:
            lists.publish(directory, KEY, suite="eddsa-jcs-2022", actor="bench")
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    one_list = peak_publishing(tmp_path / "one")
    store.allocate_many(SPEC, MILLION - SPEC.length)
    first_list = store.lists()[0].id
    with store._write() as cur:
        cur.execute(
            store.q(
                "INSERT INTO status_values SELECT list_id, idx, 'revocation', 1, 'now'"
                " FROM status_allocations WHERE idx - (idx / 3) * 3 = 0 AND list_id > ?"
            ),
            (first_list,),
        )
    many = store.lists()
    assert sum(lst.used for lst in many) == MILLION and len(many) == 8
    eight_lists = peak_publishing(tmp_path / "all")
    revoked = sum(len(_published_bits(p)) for p in (tmp_path / "all").glob("*.json"))
    assert revoked == sum(store.counts(lst.id, "revocation").counts[1] for lst in many)
    # 333,000 revoked rows held at once would take tens of MB; one list's bits are 16 KB.
    print(
        f"peak while publishing: 1 list {one_list} B, 8 lists ({MILLION} entries) {eight_lists} B"
    )
    assert eight_lists < one_list * 1.5
    assert eight_lists < 4 * 1024 * 1024
