"""Batch issuance: stream records, allocate status in bulk, sign on any executor, resume.

`issue_many` (reached as `Issuer.issue_many`) reads any iterable of micro-credentials in
chunks, keeps a bounded number of chunks in flight (constant memory), and yields one
`BatchOutcome` per record as results arrive. With a `store`, a record already issued by an
earlier run is skipped and each new credential is written crash-safe before it is reported.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, Literal

import orjson

from ..errors import InputError
from ..jsonld.canon import jcs
from ..model import MicroCredential
from .allocation import StatusAllocator
from .store import BatchStore, DirectoryStore, write_atomic
from .worker import Job, Result, issue_records, sign_chunk, store_results

if TYPE_CHECKING:
    from ..issuer import Issuer

Status = Literal["issued", "skipped", "failed"]


@dataclass(frozen=True)
class BatchOutcome:
    """What became of one record: issued, skipped, or failed (why).

    An issued outcome carries its credential, except when workers stored it themselves
    (an executor and a store): then read it from the store.
    """

    key: str
    status: Status
    credential: dict[str, Any] | None = None
    error: str | None = None


def record_key(record: MicroCredential) -> str:
    """A record's stable key: its `id`, else a hash of its content (same record, same key)."""
    return _keyed(record)[0]


def _keyed(record: MicroCredential) -> tuple[str, dict[str, Any] | None]:
    """(key, the record's JSON data if computing the key needed it)."""
    if record.id is not None:
        return str(record.id), None
    data = record.model_dump(mode="json", exclude_none=True)
    try:  # sorted keys make it the same for the same content; orjson writes it at C speed
        content = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # what orjson cannot write (integers past 64 bits): JCS
        content = jcs(data)
    return "sha256:" + hashlib.sha256(content).hexdigest(), data


Todo = list[tuple[str, MicroCredential, dict[str, Any] | None, Mapping[str, Any] | None]]


def issue_many(
    issuer: Issuer,
    records: Iterable[MicroCredential],
    executor: Executor | None = None,
    *,
    key_file: str | os.PathLike[str] | None = None,
    store: BatchStore | None = None,
    micro_credential: bool = True,
    chunk_size: int = 64,
    window: int | None = None,
) -> Iterator[BatchOutcome]:
    """Issue every record; see `Issuer.issue_many`."""
    if chunk_size < 1:
        raise InputError("chunk_size must be at least 1")
    if executor is not None and key_file is None:
        raise InputError(
            "signing on an executor needs key_file=",
            hint="workers load the key from its file; edubadge never sends a key to a worker",
        )
    window = window or (2 * (os.cpu_count() or 1) if executor is not None else 1)
    chunks = _chunks(issuer, records, store, chunk_size)
    if executor is None:
        for outcomes, todo in chunks:
            yield from outcomes
            signed = issue_records(issuer, [(k, r, s) for k, r, _, s in todo], micro_credential)
            yield from _outcomes(signed if store is None else store_results(signed, store))
        return
    contexts = issuer.loader.registered() if issuer.loader is not None else {}
    pending: dict[Future[list[Result]], list[str]] = {}

    def submit(todo: Todo) -> None:
        job = Job(
            issuer.profile,
            os.fspath(key_file),  # type: ignore[arg-type]
            issuer.signer.id,
            issuer.suite,
            micro_credential,
            [(k, _data(r, d), s) for k, r, d, s in todo],
            contexts,
            store,
        )
        pending[executor.submit(sign_chunk, job)] = [k for k, _, _, _ in todo]

    for outcomes, todo in chunks:
        yield from outcomes
        if todo:
            submit(todo)
        while len(pending) >= window:
            yield from _collect(pending)
    while pending:
        yield from _collect(pending)


def _data(record: MicroCredential, data: dict[str, Any] | None) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude_none=True) if data is None else data


def _chunks(
    issuer: Issuer, records: Iterable[MicroCredential], store: BatchStore | None, size: int
) -> Iterator[tuple[list[BatchOutcome], Todo]]:
    """(skipped outcomes, records to sign with their data and status entries), per chunk."""
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        skipped: list[BatchOutcome] = []
        todo: list[tuple[str, MicroCredential, dict[str, Any] | None]] = []
        for record in chunk:
            key, data = _keyed(record)
            if store is not None and key in store:
                skipped.append(BatchOutcome(key, "skipped"))
            else:
                todo.append((key, record, data))
        yield skipped, _with_status(issuer.status_allocator, todo)


def _with_status(
    allocator: StatusAllocator | None,
    todo: list[tuple[str, MicroCredential, dict[str, Any] | None]],
) -> Todo:
    if allocator is None or not todo:
        return [(key, record, data, None) for key, record, data in todo]
    entries = allocator.allocate([key for key, _, _ in todo])
    if len(entries) != len(todo):
        raise InputError(f"the status allocator gave {len(entries)} entries for {len(todo)}")
    return [(k, r, d, entry) for (k, r, d), entry in zip(todo, entries, strict=True)]


def _collect(pending: dict[Future[list[Result]], list[str]]) -> Iterator[BatchOutcome]:
    done, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in done:
        keys = pending.pop(future)
        try:
            results = future.result()
        except Exception as error:  # the whole chunk was lost (worker died, ...): say so
            reason = f"{type(error).__name__}: {error}"
            yield from (BatchOutcome(k, "failed", error=reason) for k in keys)
            continue
        yield from _outcomes(results)


def _outcomes(results: list[Result]) -> Iterator[BatchOutcome]:
    for key, credential, error in results:
        if error is not None:
            yield BatchOutcome(key, "failed", error=error)
        else:
            yield BatchOutcome(key, "issued", credential)


__all__ = [
    "BatchOutcome",
    "BatchStore",
    "DirectoryStore",
    "StatusAllocator",
    "issue_many",
    "record_key",
    "write_atomic",
]
