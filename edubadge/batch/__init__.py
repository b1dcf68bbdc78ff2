"""Batch issuance: stream records, allocate status in bulk, sign on any executor, resume.

`issue_many` (reached as `Issuer.issue_many`) reads any iterable of micro-credentials in
chunks, keeps a bounded number of chunks in flight (constant memory), and yields one
`BatchOutcome` per record as results arrive. With a `store`, a record already issued by an
earlier run is skipped and each new credential is written crash-safe before it is reported.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from itertools import islice
from typing import TYPE_CHECKING, Any, Literal, cast

import orjson

from ..errors import InputError
from ..jsonld.canon import jcs
from ..model import MicroCredential
from .allocation import StatusAllocator
from .postgres_store import PostgresStore
from .sql_store import SqlBatchStore
from .sqlite_store import SqliteStore
from .store import BatchStore, DirectoryStore, write_atomic
from .worker import Job, Payload, Result, issue_records, sign_chunk, store_results

if TYPE_CHECKING:
    from ..issuer import Issuer

Status = Literal["issued", "skipped", "failed"]


class BatchOutcome:
    """What became of one record: `key`, `status` (issued, skipped or failed) and `error`.

    An issued outcome carries its `credential`, except when workers stored it themselves
    (an executor and a store): then read it from the store. A credential signed on a worker
    crosses back as JSON bytes and is parsed when first read.
    """

    __slots__ = ("_credential", "error", "key", "status")

    def __init__(
        self,
        key: str,
        status: Status,
        credential: dict[str, Any] | bytes | None = None,
        error: str | None = None,
    ) -> None:
        self.key = key
        self.status = status
        self.error = error
        self._credential = credential

    @property
    def credential(self) -> dict[str, Any] | None:
        """The issued credential (None unless issued here or sent back by a worker)."""
        credential = self._credential
        if isinstance(credential, bytes):
            credential = self._credential = cast(dict[str, Any], orjson.loads(credential))
        return credential

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BatchOutcome):
            return NotImplemented
        return (self.key, self.status, self.credential, self.error) == (
            other.key,
            other.status,
            other.credential,
            other.error,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"BatchOutcome(key={self.key!r}, status={self.status!r}, error={self.error!r})"


def record_key(record: MicroCredential) -> str:
    """A record's stable key: its `id`, else a hash of its content (same record, same key)."""
    return _keyed(record)[0]


def _keyed(record: MicroCredential) -> tuple[str, Payload | None]:
    """(key, the record as a worker receives it, if computing the key made that already)."""
    if record.id is not None:
        return str(record.id), None
    data = record.model_dump(mode="json", exclude_none=True)
    try:  # sorted keys make it the same for the same content; orjson writes it at C speed
        content = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # what orjson cannot write (integers past 64 bits): JCS
        return "sha256:" + hashlib.sha256(jcs(data)).hexdigest(), data
    return "sha256:" + hashlib.sha256(content).hexdigest(), content


def payload(record: MicroCredential) -> Payload:
    """A record as it crosses to a worker: its JSON data, as orjson bytes where it can be."""
    data = record.model_dump(mode="json", exclude_none=True)
    try:
        return orjson.dumps(data)
    except TypeError:  # integers past 64 bits
        return data


Todo = list[tuple[str, MicroCredential, Payload | None, Mapping[str, Any] | None]]


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
            [(k, payload(r) if d is None else d, s) for k, r, d, s in todo],
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


def _chunks(
    issuer: Issuer, records: Iterable[MicroCredential], store: BatchStore | None, size: int
) -> Iterator[tuple[list[BatchOutcome], Todo]]:
    """(skipped outcomes, records to sign with their data and status entries), per chunk."""
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        keyed = [(*_keyed(record), record) for record in chunk]
        done: set[str] = set() if store is None else store.stored([k for k, _, _ in keyed])
        skipped = [BatchOutcome(key, "skipped") for key, _, _ in keyed if key in done]
        todo = [(key, record, data) for key, data, record in keyed if key not in done]
        yield skipped, _with_status(issuer.status_allocator, todo)


def _with_status(
    allocator: StatusAllocator | None,
    todo: list[tuple[str, MicroCredential, Payload | None]],
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


def _outcomes(results: Sequence[Result]) -> Iterator[BatchOutcome]:
    for key, credential, error in results:
        if error is not None:
            yield BatchOutcome(key, "failed", error=error)
        else:
            yield BatchOutcome(key, "issued", credential)


__all__ = [
    "BatchOutcome",
    "BatchStore",
    "DirectoryStore",
    "PostgresStore",
    "SqlBatchStore",
    "SqliteStore",
    "StatusAllocator",
    "issue_many",
    "payload",
    "record_key",
    "write_atomic",
]
