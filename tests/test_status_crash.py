"""Crash safety: processes killed with SIGKILL at random points of allocation and revocation.

Each round forks a worker that allocates and revokes without pause and reports every call
that returned through a pipe; the parent kills it after a random delay. Whatever was
reported must be in the store afterwards (no confirmed revocation lost), and no index may
ever be handed out twice.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time

from edubadge.status import StatusChange, open_store
from edubadge.status.sql import SqlStatusStore

from .status_support import BOTH

KILLS = 200


def _worker(url: str, round_no: int, known: list[tuple[int, int]], pipe: int) -> None:
    rng = random.Random(round_no)
    store = open_store(url)
    mine = list(known)
    os.write(pipe, b"ready\n")
    for n in range(1_000_000):
        count = rng.randint(1, 150)
        ids = [f"urn:crash:{round_no}:{n}:{k}" for k in range(count)]
        got = store.allocate_many(BOTH, count, ids)
        os.write(pipe, ("A " + " ".join(f"{a.list_id}:{a.index}" for a in got) + "\n").encode())
        mine += [(a.list_id, a.index) for a in got]
        victims = rng.sample(mine, min(len(mine), rng.randint(1, 5)))
        purpose = rng.choice(("revocation", "suspension"))
        action = "revoke" if purpose == "revocation" else "suspend"
        store.change(
            [StatusChange(list_id, index, purpose, 1, action) for list_id, index in victims],
            actor=f"round {round_no}",
        )
        line = f"{purpose[0].upper()} " + " ".join(f"{i}:{x}" for i, x in victims) + "\n"
        os.write(pipe, line.encode())


def _pairs(fields: list[str]) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in (f.split(":") for f in fields)]


def test_sigkill_never_reuses_an_index_or_loses_a_confirmed_change(url: str) -> None:
    with open_store(url) as store:
        allocated = [(a.list_id, a.index) for a in store.allocate_many(BOTH, 1)]
    ctx = multiprocessing.get_context("fork")
    rng = random.Random(5)
    changed: dict[str, set[tuple[int, int]]] = {"revocation": set(), "suspension": set()}
    kills = 0
    for round_no in range(KILLS):
        read_end, write_end = os.pipe()
        worker = ctx.Process(target=_worker, args=(url, round_no, allocated[-500:], write_end))
        worker.start()
        os.close(write_end)
        with os.fdopen(read_end, "rb") as reader:
            assert reader.readline() == b"ready\n"
            # Mostly within a few calls; sometimes long enough to open a new list (~0.2 s).
            time.sleep(rng.uniform(0, 0.03) if round_no % 8 else rng.uniform(0.05, 0.4))
            os.kill(worker.pid or 0, signal.SIGKILL)
            kills += 1
            worker.join()
            lines = reader.read().split(b"\n")[:-1]  # only complete lines were confirmed
        assert worker.exitcode == -signal.SIGKILL
        for line in lines:
            kind, *fields = line.decode().split(" ")
            if kind == "A":
                allocated += _pairs(fields)
            else:
                changed["revocation" if kind == "R" else "suspension"].update(_pairs(fields))
    assert kills >= 200
    print(
        f"{kills} kills; confirmed: {len(allocated)} allocations, "
        f"{len(changed['revocation'])} revocations, {len(changed['suspension'])} suspensions"
    )
    assert len(allocated) == len(set(allocated)), "an index was handed out twice"
    assert len(allocated) > 1000 and changed["revocation"] and changed["suspension"]
    with open_store(url) as store:
        assert isinstance(store, SqlStatusStore)
        with store._read() as cur:
            cur.execute("SELECT list_id, idx FROM status_allocations")
            stored = {(int(a), int(b)) for a, b in cur.fetchall()}
        assert set(allocated) <= stored, "a confirmed allocation is missing"
        for purpose, entries in changed.items():
            for list_id in {list_id for list_id, _ in entries}:
                bits = store.bitstring(list_id, purpose)
                set_bits = {(list_id, i) for i, _ in bits.nonzero()}
                assert {e for e in entries if e[0] == list_id} <= set_bits
        _check_lists_are_consistent(store)


def _check_lists_are_consistent(store: SqlStatusStore) -> None:
    """Every list's allocations are exactly the first `used` positions of its permutation."""
    from edubadge.status.sql import _indexes

    lists = store.lists()
    with store._read() as cur:
        for lst in lists:
            cur.execute(store.q("SELECT permutation FROM status_lists WHERE id = ?"), (lst.id,))
            prefix = _indexes(cur.fetchone()[0])[: lst.used]
            cur.execute(store.q("SELECT idx FROM status_allocations WHERE list_id = ?"), (lst.id,))
            rows = [int(r[0]) for r in cur.fetchall()]
            assert len(rows) == lst.used == len(set(rows))
            assert set(rows) == set(prefix)
