"""What runs on a worker: build and sign a chunk of records, each failure kept to its record.

Work units never carry a secret. A worker loads the signing key from the key file named in
the job (once per process and file version), so on a cluster the key file must be present
at the same path on every worker machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from ..jsonld.loader import DocumentLoader, default_loader
from ..keys.keyfile import load_key
from ..keys.keypair import KeyPair
from ..model import MicroCredential, Organisation
from ..parsing import orjson_exactly
from .store import BatchStore

# a record's JSON data, as bytes (orjson) where it can be: cheaper to send than a dict
Payload = bytes | dict[str, Any]
# (stable key, credential or None, error or None)
Issued = tuple[str, dict[str, Any] | None, str | None]
# the same, as a worker sends it back: the credential as JSON bytes where that is exact
Result = tuple[str, dict[str, Any] | bytes | None, str | None]


@dataclass(frozen=True)
class Job:
    """One chunk of records to sign, and how: no key material, only the key file's path.

    Records travel as JSON data (`MicroCredential.model_dump(mode="json")`, validated again on
    the worker), and with a `store` the worker writes the credentials itself and sends back
    only each record's key and error: little crosses the process boundary either way.
    """

    profile: Organisation
    key_file: str
    key_id: str
    suite: str
    micro_credential: bool
    records: Sequence[tuple[str, Payload, Mapping[str, Any] | None]]
    contexts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    store: BatchStore | None = None


_KEYS: dict[tuple[str, int], KeyPair] = {}
_LOADERS: dict[tuple[str, ...], DocumentLoader] = {}


def _key(path: str, expected_id: str) -> KeyPair:
    stamp = (os.path.abspath(path), os.stat(path).st_mtime_ns)
    key = _KEYS.get(stamp)
    if key is None:
        key = load_key(path)
        _KEYS.clear()
        _KEYS[stamp] = key
    if key.id != expected_id:
        raise ValueError(f"key file {path} holds {key.id!r}, not the issuer's key {expected_id!r}")
    return key


def _loader(contexts: Mapping[str, Mapping[str, Any]]) -> DocumentLoader:
    if not contexts:
        return default_loader()
    cache_key = tuple(sorted(contexts))
    loader = _LOADERS.get(cache_key)
    if loader is None:  # one loader per set of contexts, so its compiled contexts are reused
        loader = _LOADERS[cache_key] = DocumentLoader(extra=contexts)
    return loader


def sign_chunk(job: Job) -> list[Result]:
    """Issue every record of the job on this worker (and store them, if the job has a store)."""
    from ..issuer import Issuer

    try:
        key = _key(job.key_file, job.key_id)
    except Exception as error:
        return [(k, None, f"{type(error).__name__}: {error}") for k, _, _ in job.records]
    issuer = Issuer(job.profile, key, suite=job.suite, loader=_loader(job.contexts))
    results = issue_records(issuer, _validated(job.records), job.micro_credential)
    if job.store is None:  # JSON bytes cost the parent far less to receive than pickled dicts
        return [(key, _compact(credential), error) for key, credential, error in results]
    return [(key, None, error) for key, _, error in store_results(results, job.store)]


def _compact(credential: dict[str, Any] | bytes | None) -> dict[str, Any] | bytes | None:
    if not isinstance(credential, dict):
        return credential
    exact = orjson_exactly(credential)
    return credential if exact is None else exact[0]


def _validated(
    records: Sequence[tuple[str, Payload, Mapping[str, Any] | None]],
) -> Iterator[tuple[str, MicroCredential | Exception, Mapping[str, Any] | None]]:
    for key, data, status in records:
        try:
            yield key, record(data), status
        except Exception as error:  # reported for its record by issue_records
            yield key, error, status


def record(data: Payload) -> MicroCredential:
    """The record a payload carries (validated again: a worker trusts no input)."""
    return MicroCredential.model_validate(orjson.loads(data) if isinstance(data, bytes) else data)


def store_results(results: list[Issued], store: BatchStore) -> list[Issued]:
    """Store the issued credentials of a chunk (one group commit); if that fails, they failed."""
    issued = [(key, credential) for key, credential, _ in results if credential is not None]
    if not issued:
        return results
    try:
        store.put_many(issued)
    except OSError as failure:
        return [
            (key, None, error if credential is None else f"not stored: {failure}")
            for key, credential, error in results
        ]
    return results


def issue_records(
    issuer: Any,
    records: Iterable[tuple[str, MicroCredential | Exception, Mapping[str, Any] | None]],
    micro_credential: bool,
) -> list[Issued]:
    """Issue each record with `issuer`; a failing record gets its error, the others go on."""
    results: list[Issued] = []
    for key, record, status in records:
        try:
            if isinstance(record, Exception):
                raise record
            credential = issuer.credential(record, micro_credential=micro_credential)
            if status is not None:
                credential["credentialStatus"] = (
                    dict(status) if isinstance(status, Mapping) else [dict(e) for e in status]
                )
            results.append((key, issuer.sign(credential), None))
        except Exception as error:  # one record's fault never stops the chunk
            results.append((key, None, f"{type(error).__name__}: {error}"))
    return results


__all__ = [
    "Issued",
    "Job",
    "Payload",
    "Result",
    "issue_records",
    "record",
    "sign_chunk",
    "store_results",
]
