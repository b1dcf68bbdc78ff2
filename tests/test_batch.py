"""Batch issuance: streaming, failure isolation, rerun skip, executors (process pool, Dask)."""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

import edubadge
from edubadge import keys
from edubadge.batch import BatchOutcome, DirectoryStore, payload, record_key, write_atomic
from edubadge.batch.worker import record
from edubadge.cli import main
from edubadge.demo.data import LEARNERS, course_record
from edubadge.errors import InputError
from edubadge.issuer import Issuer
from edubadge.model import MicroCredential, Organisation, load_microcredential

from .strategies import microcredentials


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "issuer.key"
    keys.save_key(keys.generate(), path)
    return path


def _issuer(key_file: Path, **kwargs: Any) -> Issuer:
    key = keys.load_key(key_file)
    profile = Organisation(id=key.controller, name="Example University", country="BE")
    return Issuer(profile, key, **kwargs)


def _records(count: int, *, broken: Sequence[int] = ()) -> Iterator[MicroCredential]:
    """Distinct records; those at `broken` lack mandatory elements (issuing them fails)."""
    for n in range(count):
        learner = {**LEARNERS[n % 3], "email": f"learner{n}@student.example.eu"}
        if n in broken:
            yield load_microcredential({"title": f"Workshop {n}", "learner": learner})
        else:
            yield course_record(learner)


def _by_status(outcomes: Any) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {"issued": [], "skipped": [], "failed": []}
    for outcome in outcomes:
        grouped[outcome.status].append(outcome)
    return grouped


def test_failures_stay_with_their_record_and_the_rest_is_issued(key_file: Path) -> None:
    outcomes = _by_status(_issuer(key_file).issue_many(_records(10, broken=(2, 7))))
    assert len(outcomes["issued"]) == 8 and len(outcomes["failed"]) == 2
    assert all("NotAMicroCredentialError" in (o.error or "") for o in outcomes["failed"])
    for outcome in outcomes["issued"]:
        assert edubadge.verify(outcome.credential).verified


def test_a_rerun_skips_what_was_issued(key_file: Path, tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path / "out")
    issuer = _issuer(key_file)
    first = _by_status(issuer.issue_many(_records(6, broken=(4,)), store=store, chunk_size=4))
    assert len(first["issued"]) == 5
    files = sorted(p.name for p in store.directory.iterdir())
    assert len(files) == 5
    before = {name: (store.directory / name).read_bytes() for name in files}
    second = _by_status(issuer.issue_many(_records(8, broken=(4,)), store=store, chunk_size=4))
    assert {o.key for o in second["skipped"]} == {o.key for o in first["issued"]}
    assert len(second["issued"]) == 2 and len(second["failed"]) == 1
    for name, data in before.items():  # nothing already stored is rewritten
        assert (store.directory / name).read_bytes() == data


def test_record_keys_are_stable_and_distinct() -> None:
    a, b = list(_records(2))
    assert record_key(a) == record_key(next(_records(1)))
    assert record_key(a) != record_key(b)
    assert record_key(a.model_copy(update={"id": "urn:uuid:1"})) == "urn:uuid:1"


def test_an_interrupted_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "credential.json"
    write_atomic(target, b"old")

    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["credential.json"]


class Allocator:
    """A stand-in status store: one entry per key, the same entry on a rerun."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.index: dict[str, int] = {}

    def allocate(self, keys: Sequence[str]) -> list[dict[str, Any]]:
        self.calls.append(list(keys))
        entries = []
        for key in keys:
            index = self.index.setdefault(key, len(self.index))
            entries.append(
                {
                    "id": f"https://example.eu/status/1#{index}",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": str(index),
                    "statusListCredential": "https://example.eu/status/1",
                }
            )
        return entries


def test_status_entries_are_allocated_in_bulk_per_chunk(key_file: Path) -> None:
    allocator = Allocator()
    issuer = _issuer(key_file, status_allocator=allocator)
    outcomes = list(issuer.issue_many(_records(10), chunk_size=4))
    assert [len(call) for call in allocator.calls] == [4, 4, 2]
    indexes = {o.credential["credentialStatus"]["statusListIndex"] for o in outcomes}
    assert indexes == {str(i) for i in range(10)}


def test_an_executor_needs_a_key_file(key_file: Path) -> None:
    with ProcessPoolExecutor(max_workers=1) as pool, pytest.raises(InputError):
        list(_issuer(key_file).issue_many(_records(1), pool))


def test_a_process_pool_signs_and_isolates_failures(key_file: Path, tmp_path: Path) -> None:
    issuer = _issuer(key_file)
    with ProcessPoolExecutor(max_workers=2) as pool:
        outcomes = _by_status(
            issuer.issue_many(
                _records(12, broken=(5,)), pool, key_file=key_file, chunk_size=3, window=2
            )
        )
    assert len(outcomes["issued"]) == 11 and len(outcomes["failed"]) == 1
    assert all(edubadge.verify(o.credential).verified for o in outcomes["issued"])


def test_a_wrong_key_file_fails_every_record_of_its_chunks(key_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.key"
    keys.save_key(keys.generate(), other)
    with ProcessPoolExecutor(max_workers=1) as pool:
        outcomes = list(_issuer(key_file).issue_many(_records(3), pool, key_file=other))
    assert [o.status for o in outcomes] == ["failed"] * 3
    assert all("not the issuer's key" in (o.error or "") for o in outcomes)


def test_a_dask_local_cluster_signs_the_batch(key_file: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    store = DirectoryStore(tmp_path / "dask")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()
        issued = _by_status(
            _issuer(key_file).issue_many(
                _records(9, broken=(1,)), executor, key_file=key_file, store=store, chunk_size=2
            )
        )
    assert len(issued["issued"]) == 8 and len(issued["failed"]) == 1
    stored = [json.loads(p.read_text()) for p in store.directory.glob("*.json")]
    assert len(stored) == 8 and all(edubadge.verify(c).verified for c in stored)


def test_cli_issue_batch_reports_failures_and_resumes(
    key_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = keys.load_key(key_file)
    issuer = {"id": key.controller, "name": "Example University", "country": "BE"}
    lines = [
        json.dumps({"issuer": issuer, **r.model_dump(mode="json", exclude_none=True)})
        for r in _records(4)
    ]
    lines.insert(2, "{not json")
    source = tmp_path / "input.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "issued"
    args = ["issue-batch", str(source), "--key", str(key_file), "--out", str(out)]
    assert main([*args, "--workers", "2"]) == 1  # one line is bad
    report = capsys.readouterr()
    assert "4 issued, 0 skipped, 1 failed" in report.out
    assert "line 3" in report.err
    credentials = [json.loads(p.read_text()) for p in out.glob("*.json")]
    assert len(credentials) == 4 and all(edubadge.verify(c).verified for c in credentials)
    assert main(args) == 1
    assert "0 issued, 4 skipped, 1 failed" in capsys.readouterr().out
    assert os.stat(key_file).st_mode & 0o077 == 0


class _WriterStore(DirectoryStore):
    """A DirectoryStore that also notes which process wrote each group of files."""

    def put_many(self, items: Sequence[tuple[str, dict[str, Any]]]) -> None:
        super().put_many(items)
        (self.directory / f"writer-{os.getpid()}").touch()


def test_workers_write_the_store_and_send_back_only_keys(key_file: Path, tmp_path: Path) -> None:
    store = _WriterStore(tmp_path / "out")
    issuer = _issuer(key_file)
    with ProcessPoolExecutor(max_workers=2) as pool:
        outcomes = _by_status(
            issuer.issue_many(
                _records(10, broken=(3,)), pool, key_file=key_file, store=store, chunk_size=3
            )
        )
    assert len(outcomes["issued"]) == 9 and len(outcomes["failed"]) == 1
    assert all(o.credential is None for o in outcomes["issued"])
    writers = {p.name for p in store.directory.glob("writer-*")}
    assert writers and f"writer-{os.getpid()}" not in writers
    for outcome in outcomes["issued"]:
        assert edubadge.verify(store.get(outcome.key)).verified
    with ProcessPoolExecutor(max_workers=2) as pool:
        again = _by_status(issuer.issue_many(_records(10), pool, key_file=key_file, store=store))
    assert {o.key for o in again["skipped"]} == {o.key for o in outcomes["issued"]}
    assert len(again["issued"]) == 1  # the record that was broken is now whole


@given(microcredentials())
def test_a_record_crosses_to_a_worker_unchanged(micro: MicroCredential) -> None:
    sent = pickle.loads(pickle.dumps(payload(micro)))
    assert record(sent) == micro


def test_a_credential_sent_back_as_json_is_read_when_asked_for(key_file: Path) -> None:
    key = keys.load_key(key_file)
    profile = Organisation(id=key.controller, name="Example University", country="BE")
    credential = Issuer(profile, key).issue(next(_records(1)))
    sent = BatchOutcome("k", "issued", json.dumps(credential).encode())
    assert sent.credential == credential and sent.credential is sent.credential
    assert sent == BatchOutcome("k", "issued", credential)
    assert sent != BatchOutcome("k", "failed", error="x")
    assert "credential" not in repr(sent)


class _FullStore(DirectoryStore):
    """A DirectoryStore whose disk is full."""

    def put_many(self, items: Sequence[tuple[str, dict[str, Any]]]) -> None:
        raise OSError(28, "No space left on device")


def test_a_store_a_worker_cannot_write_fails_that_chunk_only(
    key_file: Path, tmp_path: Path
) -> None:
    store = _FullStore(tmp_path / "full")
    with ProcessPoolExecutor(max_workers=1) as pool:
        outcomes = list(
            _issuer(key_file).issue_many(
                _records(4, broken=(1,)), pool, key_file=key_file, store=store, chunk_size=2
            )
        )
    assert [o.status for o in outcomes] == ["failed"] * 4
    assert sum("not stored" in (o.error or "") for o in outcomes) == 3
    assert sum("NotAMicroCredentialError" in (o.error or "") for o in outcomes) == 1
    assert not list(store.directory.iterdir())
