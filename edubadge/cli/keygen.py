"""`edubadge keygen`: a new key pair in a key file (mode 0600), or inside a PKCS#11 token."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .. import keys
from ..errors import InputError
from .common import EXIT_OK
from .keyopts import add_passphrase_options, passphrase_from


def _summary(key: keys.KeyPair) -> dict[str, Any]:
    method = key.to_verification_method()
    return {k: v for k, v in method.items() if k != "type"}


def run(args: argparse.Namespace) -> int:
    """Write the key file (or make the key in the token) and print the public parts."""
    if args.pkcs11:
        from ..keys.pkcs11 import Pkcs11Signer

        with Pkcs11Signer.generate_from_uri(
            args.pkcs11, key_type=args.type, bits=args.bits or 3072, controller=args.controller
        ) as signer:
            print(json.dumps(_summary(signer.public_key()), indent=2))
        return EXIT_OK
    if not args.out:
        raise InputError("give --out KEYFILE (or --pkcs11 URI to make the key in a token)")
    key = keys.generate(args.type, controller=args.controller, bits=args.bits)
    keys.save_key(key, args.out, overwrite=args.force, passphrase=passphrase_from(args))
    print(json.dumps(_summary(key), indent=2))
    return EXIT_OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser("keygen", help="generate a key pair into a key file (mode 0600)")
    parser.add_argument("--type", default="Ed25519", choices=keys.algorithm_names())
    parser.add_argument("--bits", type=int, help="RSA key size (at least 2048; default 3072)")
    parser.add_argument("--out", help="key file to write")
    parser.add_argument("--controller", help="controller id (default: the key's did:key/did:jwk)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing key file")
    add_passphrase_options(parser)
    parser.add_argument(
        "--pkcs11",
        metavar="URI",
        help="make the key inside a PKCS#11 token instead (pkcs11:token=T;object=LABEL?...)",
    )
    parser.set_defaults(run=run)
