"""`edubadge issue`: a signed credential from a micro-credential description."""

from __future__ import annotations

import argparse
import json

from .. import keys
from ..errors import InputError
from ..issuer import DEFAULT_SUITE, Issuer
from ..model import Organisation, load_microcredential
from ..proofs.registry import suite_names
from .common import EXIT_OK, read_json, write_text


def run(args: argparse.Namespace) -> int:
    """Issue one credential."""
    request = read_json(args.input, "micro-credential description")
    if not isinstance(request, dict):
        raise InputError(f"{args.input}: a micro-credential description is a JSON object")
    key = keys.load_key(args.key)
    if args.deterministic:
        key = key.with_deterministic_nonces()
    issuer_data = request.pop("issuer", None)
    if not isinstance(issuer_data, dict):
        raise InputError(
            f"{args.input}: no 'issuer' object",
            hint='add "issuer": {"name": ..., "country": ...} (id: the key\'s controller)',
        )
    issuer_data.setdefault("id", key.controller)
    profile = Organisation.model_validate(issuer_data)
    record = load_microcredential(request)
    issuer = Issuer(profile, key, suite=args.suite)
    options = {"mandatoryPointers": args.mandatory} if args.mandatory else None
    credential = issuer.issue(record, micro_credential=not args.plain_badge, options=options)
    write_text(json.dumps(credential, indent=2, ensure_ascii=False) + "\n", args.out)
    return EXIT_OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser("issue", help="issue a signed credential from a description")
    parser.add_argument("input", help="micro-credential description (JSON) with an 'issuer' object")
    parser.add_argument("--key", required=True, help="the issuer's key file")
    parser.add_argument("--suite", default=DEFAULT_SUITE, choices=suite_names())
    parser.add_argument(
        "--mandatory",
        action="append",
        metavar="POINTER",
        help="ecdsa-sd-2023: a JSON pointer every disclosure must reveal (repeatable; default: "
        "/issuer, /validFrom, /validUntil, /credentialStatus where present)",
    )
    parser.add_argument(
        "--deterministic",
        action="store_true",
        help="sign with RFC 6979 deterministic nonces (ECDSA): the same input, the same proof",
    )
    parser.add_argument("--out", help="write the credential here (default: stdout)")
    parser.add_argument(
        "--plain-badge", action="store_true", help="do not mark it as an EU micro-credential"
    )
    parser.set_defaults(run=run)
