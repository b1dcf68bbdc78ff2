"""Demo step: a small batch issued into a folder, one record failing, then resumed; the
same batch on two worker processes into an SQLite store."""

from __future__ import annotations

import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .. import keys
from ..batch import DirectoryStore, SqliteStore
from ..keys.keypair import KeyPair
from ..model import MicroCredential, load_microcredential
from .core import DemoRun
from .data import LEARNERS, SHORT_COURSE, course_record


def issue_batch(run: DemoRun) -> None:
    """Issue a stream of records with `Issuer.issue_many`; a rerun skips what was issued."""
    run.heading("Issue a batch: a stream of records, one failing alone, resumable")
    issuer = run.issuers["university"]
    store = DirectoryStore(run.directory / "batch")

    def records() -> list[MicroCredential]:
        learners = [{**who, "email": f"batch-{who['email']}"} for who in LEARNERS]
        return [
            *(course_record(learner) for learner in learners),
            load_microcredential(SHORT_COURSE),  # not a complete micro-credential: fails
        ]

    counts = {"issued": 0, "skipped": 0, "failed": 0}
    for outcome in issuer.issue_many(records(), store=store):
        counts[outcome.status] += 1
        if outcome.status == "issued":
            name = f"batch/{store.path(outcome.key).name}"
            run.manifest.append(
                {
                    "file": name,
                    "role": "credential",
                    "format": "ob3",
                    "suite": issuer.suite,
                    "expect": "verified",
                }
            )
        elif outcome.status == "failed":
            run.say(f"   failed alone: {(outcome.error or '').split(':')[0]}")
    run.say(f"   {counts['issued']} issued into batch/, {counts['failed']} failed")
    rerun = [o.status for o in issuer.issue_many(records(), store=store)]
    run.say(f"   rerun: {rerun.count('skipped')} skipped, {rerun.count('issued')} issued")
    _on_two_workers(run, records())


def _on_two_workers(run: DemoRun, records: list[MicroCredential]) -> None:
    """The same records signed by a pool of two processes, each loading the key from its
    file and committing its chunks to `batch.sqlite`."""
    issuer = run.issuers["university"]
    if not isinstance(issuer.signer, KeyPair):
        return
    store = SqliteStore(run.directory / "batch.sqlite")
    with tempfile.TemporaryDirectory() as place:  # the key stays out of the artifacts
        key_file = Path(place) / "issuer.key"
        keys.save_key(issuer.signer, key_file)
        with ProcessPoolExecutor(max_workers=2) as pool:
            statuses = [
                o.status
                for o in issuer.issue_many(
                    records, pool, key_file=key_file, store=store, chunk_size=2
                )
            ]
    store.close()
    run.add("batch.sqlite", role="batch-store", format="ob3", suite=issuer.suite, expect="verified")
    run.say(
        f"   on 2 worker processes into batch.sqlite: {statuses.count('issued')} issued,"
        f" {statuses.count('failed')} failed"
    )
