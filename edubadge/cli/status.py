"""`edubadge status revoke|suspend|reinstate|show|publish`: the issuer's status lists."""

from __future__ import annotations

import argparse
import getpass
import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from .. import keys
from ..errors import InputError, StatusListError
from ..issuer import DEFAULT_SUITE
from ..proofs.registry import suite_names
from ..status.lists import StatusLists, Target
from ..status.publish import DEFAULT_TTL_MS, DEFAULT_VALIDITY
from ..status.store import DEFAULT_DB, StatusStore, open_store
from .common import EXIT_OK, read_json

DB_HELP = f"status store URL (default: $EDUBADGE_STATUS_DB or {DEFAULT_DB})"


def store_from(args: argparse.Namespace) -> StatusStore:
    """The store named by --db, $EDUBADGE_STATUS_DB, or the default file."""
    return open_store(args.db or os.environ.get("EDUBADGE_STATUS_DB") or DEFAULT_DB)


def issuing_lists(store: StatusStore, issuer: str, args: argparse.Namespace) -> StatusLists:
    """The StatusLists `issue` allocates from: base URL from --status-base-url, the
    environment, or the base URL this issuer's lists already use."""
    base_url = args.status_base_url or os.environ.get("EDUBADGE_STATUS_BASE_URL")
    if not base_url:
        known = store.lists(issuer)
        if not known:
            raise StatusListError(
                f"where will {issuer}'s status lists be published?",
                hint="give --status-base-url https://.../status (or $EDUBADGE_STATUS_BASE_URL)",
            )
        base_url = known[-1].spec.base_url
    purposes = args.status_purpose or ["revocation"]
    return StatusLists(store, issuer=issuer, base_url=base_url, purposes=purposes)


def _target(text: str) -> Target:
    """A credential file, else a credential id or a status entry id."""
    if Path(text).is_file():
        document = read_json(text, "credential")
        if not isinstance(document, dict):
            raise InputError(f"{text} is not a credential (a JSON object)")
        return document
    return text


def _actor(args: argparse.Namespace) -> str:
    if args.actor:
        return str(args.actor)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "edubadge-cli"


def change(args: argparse.Namespace) -> int:
    """Revoke, suspend or reinstate."""
    with store_from(args) as store:
        lists = StatusLists(store)
        method = {"revoke": lists.revoke, "suspend": lists.suspend, "reinstate": lists.reinstate}
        target = _target(args.target)
        done = method[args.action](target, actor=_actor(args), reason=args.reason)
        if not done:
            print(f"nothing to change: {args.action} was already in effect")
        for entry in done:
            print(
                f"{entry.action}: {entry.credential_id or '(no credential id)'} "
                f"(list {entry.list_id}, index {entry.index}, {entry.purpose} "
                f"{entry.old_value} -> {entry.new_value}) by {entry.actor}"
            )
        if done:
            print("run `edubadge status publish` to publish the change")
    return EXIT_OK


def _summary(store: StatusStore, as_json: bool) -> None:
    rows: list[dict[str, Any]] = []
    for lst in store.lists():
        counts = {p.purpose: store.counts(lst.id, p.purpose).counts for p in lst.spec.purposes}
        row = {"list": lst.id, "issuer": lst.spec.issuer, "used": lst.used, "set": counts}
        rows.append({**row, "length": lst.spec.length})
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    for r in rows:
        print(f"list {r['list']} of {r['issuer']}: {r['used']}/{r['length']} used; set {r['set']}")


def show(args: argparse.Namespace) -> int:
    """Show a credential's status and audit trail, or a summary of every list."""
    with store_from(args) as store:
        if args.target is None:
            _summary(store, args.json)
            return EXIT_OK
        shown = StatusLists(store).show(_target(args.target))
    if args.json:
        print(json.dumps([_entry_json(s) for s in shown], indent=2))
        return EXIT_OK
    for status in shown:
        a = status.allocation
        print(f"{a.credential_id or '(no credential id)'}: list {a.list_id}, index {a.index}")
        for purpose, url in status.urls.items():
            print(f"  {purpose}: {status.describe(purpose)}  ({url})")
        for e in status.audit:
            why = f" - {e.reason}" if e.reason else ""
            change = f"{e.purpose} {e.old_value}->{e.new_value}"
            print(f"  {e.at} {e.actor}: {e.action} {change}{why}")
    return EXIT_OK


def _entry_json(status: Any) -> dict[str, Any]:
    a = status.allocation
    return {
        "credential": a.credential_id,
        "list": a.list_id,
        "index": a.index,
        "status": status.values,
        "urls": status.urls,
        "audit": [vars(e) for e in status.audit],
    }


def publish(args: argparse.Namespace) -> int:
    """Regenerate and write the key's issuer's status list credentials."""
    key = keys.load_key(args.key)
    with store_from(args) as store:
        done = StatusLists(store).publish(
            args.dir,
            key,
            suite=args.suite,
            actor=_actor(args),
            ttl_ms=int(args.ttl * 1000),
            validity=timedelta(days=args.valid_days),
        )
    if not done:
        print(f"no status lists of {key.controller} in {store.url}")
    for p in done:
        state = "signed" if p.signed else "unchanged"
        print(f"{p.file}: {state}{', written' if p.written else ''}  -> {p.url}")
    return EXIT_OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser("status", help="revoke, suspend, reinstate, show, publish")
    actions = parser.add_subparsers(dest="action", required=True)
    for action, text in (
        ("revoke", "revoke a credential for good"),
        ("suspend", "suspend a credential until reinstated"),
        ("reinstate", "lift a suspension"),
    ):
        sub = actions.add_parser(action, help=text)
        sub.add_argument("target", help="credential file, credential id, or status entry id")
        sub.add_argument("--reason", help="why (kept in the audit trail)")
        sub.add_argument("--actor", help="who (default: the user name)")
        sub.add_argument("--db", help=DB_HELP)
        sub.set_defaults(run=change)
    sub = actions.add_parser("show", help="a credential's status and audit trail, or every list")
    sub.add_argument("target", nargs="?", help="credential file, credential id, or entry id")
    sub.add_argument("--json", action="store_true")
    sub.add_argument("--db", help=DB_HELP)
    sub.set_defaults(run=show)
    sub = actions.add_parser("publish", help="sign and write the status list credentials")
    sub.add_argument("--key", required=True, help="the issuer's key file")
    sub.add_argument("--dir", required=True, help="folder served at the lists' base URL")
    sub.add_argument("--suite", default=DEFAULT_SUITE, choices=suite_names())
    sub.add_argument(
        "--ttl", type=float, default=DEFAULT_TTL_MS / 1000, help="cache lifetime in seconds"
    )
    sub.add_argument(
        "--valid-days", type=float, default=DEFAULT_VALIDITY.days, help="validity of a list"
    )
    sub.add_argument("--actor", help="who (default: the user name)")
    sub.add_argument("--db", help=DB_HELP)
    sub.set_defaults(run=publish)
