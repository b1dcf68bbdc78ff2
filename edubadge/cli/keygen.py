"""`edubadge keygen`: a new key pair in a key file (mode 0600)."""

from __future__ import annotations

import argparse
import json

from .. import keys
from .common import EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Write the key file and print the public parts."""
    key = keys.generate(args.type, controller=args.controller)
    keys.save_key(key, args.out, overwrite=args.force)
    summary = {
        "id": key.id,
        "controller": key.controller,
        "publicKeyMultibase": key.public_key_multibase,
    }
    print(json.dumps(summary, indent=2))
    return EXIT_OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser("keygen", help="generate a key pair into a key file (mode 0600)")
    parser.add_argument("--type", default="Ed25519", choices=keys.algorithm_names())
    parser.add_argument("--out", required=True, help="key file to write")
    parser.add_argument("--controller", help="controller id (default: the key's did:key)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing key file")
    parser.set_defaults(run=run)
