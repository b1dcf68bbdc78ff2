"""`edubadge derive`: a selective disclosure of an ecdsa-sd-2023 credential."""

from __future__ import annotations

import argparse
import json

from ..errors import InputError
from ..proofs.data_integrity import derive
from .common import EXIT_OK, add_loader_options, loader_from, read_json, write_text


def run(args: argparse.Namespace) -> int:
    """Derive a disclosure revealing the given JSON pointers (and the mandatory ones)."""
    credential = read_json(args.credential, "credential")
    if not isinstance(credential, dict):
        raise InputError(f"credential {args.credential} is not a JSON object")
    derived = derive(credential, args.reveal, loader=loader_from(args))
    write_text(json.dumps(derived, indent=2, ensure_ascii=False) + "\n", args.out)
    return EXIT_OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser(
        "derive",
        help="disclose part of an ecdsa-sd-2023 credential: what --reveal names, and what its "
        "issuer made mandatory",
    )
    parser.add_argument("credential", help="the credential with its base proof (JSON)")
    parser.add_argument(
        "--reveal",
        action="append",
        default=[],
        metavar="POINTER",
        help='a JSON pointer to disclose, e.g. "/credentialSubject/achievement/name" (repeatable)',
    )
    parser.add_argument("--out", help="write the disclosure here (default: stdout)")
    add_loader_options(parser)
    parser.set_defaults(run=run)
