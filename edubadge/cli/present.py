"""`edubadge present`: a holder's signed presentation of credentials for one verifier."""

from __future__ import annotations

import argparse
import json

from ..errors import InputError
from ..issuer import DEFAULT_SUITE
from ..presentations import present
from ..proofs.registry import suite_names
from .common import EXIT_OK, add_loader_options, loader_from, read_json, write_text
from .keyopts import add_passphrase_options, load_signer


def run(args: argparse.Namespace) -> int:
    """Sign a presentation of the given credential files."""
    credentials = []
    for path in args.credentials:
        credential = read_json(path, "credential")
        if not isinstance(credential, dict):
            raise InputError(f"credential {path} is not a JSON object")
        credentials.append(credential)
    presentation = present(
        credentials,
        load_signer(args),
        challenge=args.challenge,
        domain=args.domain,
        suite=args.suite,
        holder=args.holder,
        loader=loader_from(args),
    )
    write_text(json.dumps(presentation, indent=2, ensure_ascii=False) + "\n", args.out)
    return EXIT_OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser(
        "present", help="sign a presentation of credentials for a verifier's challenge"
    )
    parser.add_argument("credentials", nargs="+", help="credential files (JSON) to present")
    parser.add_argument(
        "--key", required=True, help="the holder's key file, or a pkcs11: URI of a token key"
    )
    add_passphrase_options(parser)
    parser.add_argument("--challenge", required=True, help="the challenge the verifier gave")
    parser.add_argument("--domain", required=True, help="the verifier's domain")
    parser.add_argument("--holder", help="the holder's id (default: the key's controller)")
    parser.add_argument("--suite", default=DEFAULT_SUITE, choices=suite_names())
    parser.add_argument("--out", help="write the presentation here (default: stdout)")
    add_loader_options(parser)
    parser.set_defaults(run=run)
