"""`edubadge issue`: a signed credential from a micro-credential description."""

from __future__ import annotations

import argparse
import json

from .. import keys
from ..issuer import DEFAULT_SUITE
from ..model import load_microcredential
from ..proofs.registry import suite_names
from ..stacking import unbundle
from .common import EXIT_OK, issuer_from, read_json, write_text


def run(args: argparse.Namespace) -> int:
    """Issue one credential."""
    request = read_json(args.input, "micro-credential description")
    issuer = issuer_from(request, args.input, keys.load_key(args.key), args.suite)
    record = load_microcredential(request)
    micro = not args.plain_badge
    if args.part_of:
        credential = unbundle([record], issuer, part_of=args.part_of, micro_credential=micro)[0]
    else:
        credential = issuer.issue(record, micro_credential=micro)
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
    parser.set_defaults(run=run)
