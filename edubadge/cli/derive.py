"""`edubadge derive`: a selective disclosure of an ecdsa-sd-2023 credential (of a stack: the
components to show)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..proofs.data_integrity import derive
from ..stacking import disclose
from .common import EXIT_OK, add_loader_options, loader_from, read_json, write_text


def _file(path: str) -> dict[str, Any]:
    component = read_json(path, "component")
    if not isinstance(component, dict):
        raise InputError(f"component {path} is not a JSON object")
    return component


def run(args: argparse.Namespace) -> int:
    """Derive a disclosure revealing the given JSON pointers (and the mandatory ones)."""
    credential = read_json(args.credential, "credential")
    if not isinstance(credential, dict):
        raise InputError(f"credential {args.credential} is not a JSON object")
    if args.component:
        components = [_file(c) if Path(c).is_file() else c for c in args.component]
        derived = disclose(credential, components, reveal=args.reveal, loader=loader_from(args))
    else:
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
    parser.add_argument(
        "--component",
        action="append",
        default=[],
        metavar="FILE|ID",
        help="of a stack: a component to show (its credential file, or its id); the others "
        "stay hidden (repeatable)",
    )
    parser.add_argument("--out", help="write the disclosure here (default: stdout)")
    add_loader_options(parser)
    parser.set_defaults(run=run)
