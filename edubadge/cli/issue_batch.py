"""`edubadge issue-batch`: issue a JSONL stream of micro-credentials into a folder, resumably.

`--store files` (the default) writes one crash-safe JSON file per credential; `--store
sqlite` keeps them in `OUT/issued.sqlite`, one commit per chunk (far fewer disk syncs);
`--store postgresql://...` in a PostgreSQL database, for workers on several machines.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from tqdm import tqdm

from .. import keys
from ..batch import BatchStore, DirectoryStore, PostgresStore, SqliteStore
from ..errors import EdubadgeError, InputError
from ..issuer import DEFAULT_SUITE, Issuer
from ..model import MicroCredential, Organisation, load_microcredential
from ..parsing import parse_json
from ..proofs.registry import suite_names
from ..status.store import is_postgres_url
from .common import EXIT_NOT_VERIFIED, EXIT_OK, read_json

SQLITE_FILE = "issued.sqlite"


class _Lines:
    """The records of a JSONL file, read lazily; a bad line is reported and skipped."""

    def __init__(self, path: str, profile: dict[str, Any] | None) -> None:
        self.path = path
        self.profile = profile
        self.failed = 0

    def _objects(self) -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 (read lazily by a generator)
        except OSError as error:
            raise InputError(f"cannot read {self.path}: {error.strerror}") from None
        with handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    data = parse_json(line, what=f"line {number}")
                    if not isinstance(data, dict):
                        raise InputError(f"line {number} is not a JSON object")
                except EdubadgeError as error:
                    self.fail(number, error)
                    continue
                yield number, data

    def first_issuer(self) -> dict[str, Any] | None:
        for _, data in self._objects():
            issuer = data.get("issuer")
            return issuer if isinstance(issuer, dict) else None
        return None

    def fail(self, number: int, error: BaseException) -> None:
        self.failed += 1
        print(f"edubadge: line {number}: {error}", file=sys.stderr)

    def records(self) -> Iterator[MicroCredential]:
        for number, data in self._objects():
            issuer = data.pop("issuer", None)
            try:
                if issuer is not None and issuer != self.profile:
                    raise InputError("its issuer differs from the batch's issuer")
                yield load_microcredential(data)
            except EdubadgeError as error:
                self.fail(number, error)


def _store(kind: str, folder: str | None) -> tuple[BatchStore, str]:
    """The store `--store` names, and where it is (for the summary line)."""
    if is_postgres_url(kind):
        store = PostgresStore(kind)
        return store, store.location
    if folder is None:
        raise InputError(f"--store {kind} needs --out DIR")
    out = Path(folder)
    if kind == "files":
        return DirectoryStore(out), f"{out}/"
    if kind == "sqlite":
        return SqliteStore(out / SQLITE_FILE), str(out / SQLITE_FILE)
    raise InputError(f"unknown store {kind!r}", hint="--store files, sqlite or a postgresql:// URL")


def run(args: argparse.Namespace) -> int:
    """Issue every record of a JSONL file into a folder; skip what an earlier run issued."""
    key = keys.load_key(args.key)
    lines = _Lines(args.input, None)
    profile_data = read_json(args.issuer, "issuer profile") if args.issuer else lines.first_issuer()
    if not isinstance(profile_data, dict):
        raise InputError(
            "no issuer profile",
            hint="give --issuer PROFILE.json or an 'issuer' object on the first line",
        )
    profile_data = {"id": key.controller, **profile_data}
    lines = _Lines(args.input, profile_data)
    issuer = Issuer(Organisation.model_validate(profile_data), key, suite=args.suite)
    store, where = _store(args.store, args.out)
    counts = {"issued": 0, "skipped": 0, "failed": 0}
    executor: Executor | None = (
        ProcessPoolExecutor(max_workers=args.workers) if args.workers > 1 else None
    )
    try:
        outcomes = issuer.issue_many(
            lines.records(),
            executor,
            key_file=args.key if executor is not None else None,
            store=store,
            micro_credential=not args.plain_badge,
        )
        progress = tqdm(outcomes, unit="credential", disable=not sys.stderr.isatty())
        for outcome in progress:
            counts[outcome.status] += 1
            if outcome.status == "failed":
                print(f"edubadge: record {outcome.key}: {outcome.error}", file=sys.stderr)
    finally:
        if executor is not None:
            executor.shutdown()
    counts["failed"] += lines.failed
    print(
        f"{counts['issued']} issued, {counts['skipped']} skipped, {counts['failed']} failed"
        f" -> {where}"
    )
    return EXIT_OK if counts["failed"] == 0 else EXIT_NOT_VERIFIED


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser(
        "issue-batch", help="issue a JSONL file of micro-credentials into a folder (resumable)"
    )
    parser.add_argument("input", help="JSONL: one micro-credential description per line")
    parser.add_argument("--key", required=True, help="the issuer's key file")
    parser.add_argument("--out", help="folder for the credentials (files and sqlite stores)")
    parser.add_argument("--workers", type=int, default=1, help="signing processes (default 1)")
    parser.add_argument(
        "--store",
        default="files",
        metavar="files|sqlite|postgresql://...",
        help="files: one JSON file per credential in OUT (default); sqlite: OUT/issued.sqlite,"
        " one commit per chunk; a PostgreSQL URL: its batch_issued table",
    )
    parser.add_argument(
        "--issuer", help="issuer profile JSON (default: the first line's 'issuer' object)"
    )
    parser.add_argument("--suite", default=DEFAULT_SUITE, choices=suite_names())
    parser.add_argument(
        "--plain-badge", action="store_true", help="do not mark them as EU micro-credentials"
    )
    parser.set_defaults(run=run)
