"""`edubadge issue`: a signed credential from a micro-credential description."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from .. import keys
from ..issuer import DEFAULT_SUITE, Issuer
from ..model import MicroCredential, load_microcredential
from ..proofs.registry import suite_names
from ..stacking import unbundle
from .common import EXIT_OK, issuer_from, read_json, write_text
from .status import DB_HELP, issuing_lists, store_from


def _issue(issuer: Issuer, record: MicroCredential, args: argparse.Namespace) -> dict[str, Any]:
    micro = not args.plain_badge
    if args.part_of:
        return unbundle([record], issuer, part_of=args.part_of, micro_credential=micro)[0]
    return issuer.issue(record, micro_credential=micro)


def run(args: argparse.Namespace) -> int:
    """Issue one credential."""
    request = read_json(args.input, "micro-credential description")
    issuer = issuer_from(request, args.input, keys.load_key(args.key), args.suite)
    record = load_microcredential(request)
    if args.no_status or not (args.db or os.environ.get("EDUBADGE_STATUS_DB")):
        credential = _issue(issuer, record, args)
    else:
        with store_from(args) as store:
            status = issuing_lists(store, issuer.profile.id, args)
            with_status = Issuer(issuer.profile, issuer.signer, suite=args.suite, status=status)
            credential = _issue(with_status, record, args)
    write_text(json.dumps(credential, indent=2, ensure_ascii=False) + "\n", args.out)
    return EXIT_OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser("issue", help="issue a signed credential from a description")
    parser.add_argument("input", help="micro-credential description (JSON) with an 'issuer' object")
    parser.add_argument("--key", required=True, help="the issuer's key file")
    parser.add_argument("--suite", default=DEFAULT_SUITE, choices=suite_names())
    parser.add_argument("--out", help="write the credential here (default: stdout)")
    parser.add_argument(
        "--plain-badge", action="store_true", help="do not mark it as an EU micro-credential"
    )
    parser.add_argument(
        "--part-of",
        metavar="IRI",
        help="a module of a larger programme: the programme achievement's IRI (isPartOf)",
    )
    parser.add_argument(
        "--db", help=DB_HELP.replace("(default:", "(status entries when given, or with")
    )
    parser.add_argument(
        "--status-base-url",
        help="where the status lists are published (default: $EDUBADGE_STATUS_BASE_URL, "
        "or what this issuer used before)",
    )
    parser.add_argument(
        "--status-purpose",
        action="append",
        choices=("revocation", "suspension"),
        help="status entries to add (repeatable; default: revocation)",
    )
    parser.add_argument("--no-status", action="store_true", help="issue without status entries")
    parser.set_defaults(run=run)
