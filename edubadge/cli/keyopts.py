"""Key options the subcommands share: key files (maybe encrypted), PKCS#11 URIs, passphrases,
and eSeal certificates (sealed EDCs).

A passphrase is never taken on the command line (it would show in `ps` and shell history):
it comes from an environment variable, a file, or a prompt on a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from .. import keys
from ..envelopes import load_sealing_material
from ..errors import InputError
from ..issuer import EdcIssuer
from ..keys.signer import Signer
from ..model import Organisation


def add_passphrase_options(parser: argparse.ArgumentParser) -> None:
    """--passphrase-env VAR and --passphrase-file FILE."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--passphrase-env", metavar="VAR", help="read the key file passphrase from this variable"
    )
    group.add_argument(
        "--passphrase-file", metavar="FILE", help="read the key file passphrase from this file"
    )


def passphrase_from(args: argparse.Namespace) -> str | None:
    """The passphrase the options name, or None."""
    if args.passphrase_env:
        value = os.environ.get(args.passphrase_env)
        if not value:
            raise InputError(f"the environment variable {args.passphrase_env} is not set")
        return value
    if args.passphrase_file:
        try:
            return Path(args.passphrase_file).read_text("utf-8").rstrip("\r\n")
        except OSError as error:
            raise InputError(f"cannot read {args.passphrase_file}: {error.strerror}") from None
    return None


def load_signer(args: argparse.Namespace) -> Signer:
    """The signer named by --key: a key file (decrypted when needed) or a `pkcs11:` URI."""
    if args.key.startswith("pkcs11:"):
        from ..keys.pkcs11 import Pkcs11Signer

        return Pkcs11Signer.from_uri(args.key)
    passphrase = passphrase_from(args)
    if passphrase is None and keys.keyfile.is_encrypted(args.key):
        if not sys.stdin.isatty():
            raise InputError(
                f"key file {args.key} is encrypted",
                hint="give --passphrase-env VAR or --passphrase-file FILE",
            )
        passphrase = getpass.getpass(f"passphrase for {args.key}: ")
    return keys.load_key(args.key, passphrase=passphrase)


def add_format_options(parser: argparse.ArgumentParser) -> None:
    """--format ob3|edc, --key (the issuer's key, or the eSeal's) and --cert (the eSeal)."""
    parser.add_argument(
        "--format",
        default="ob3",
        choices=("ob3", "edc"),
        help="ob3: a signed Open Badge 3.0; edc: a Europass EDC sealed with JAdES (--cert, --key)",
    )
    parser.add_argument(
        "--key",
        help="ob3: the issuer's key file, or a pkcs11: URI of a token key; "
        "edc: the eSeal's private key (PEM; none for a PKCS#12 --cert)",
    )
    parser.add_argument("--cert", help="edc: the eSeal certificate chain (PEM) or PKCS#12 bundle")


def edc_profile_from(request: Any, path: str) -> Organisation:
    """The issuing organisation of a description's `issuer` section (removed from `request`);
    an EDC's issuer needs an id."""
    if not isinstance(request, dict) or not isinstance(request.get("issuer"), dict):
        raise InputError(f"{path}: a description with an 'issuer' object is needed")
    issuer_data = request.pop("issuer")
    if "id" not in issuer_data:
        raise InputError(f"{path}: an EDC's issuer needs an 'id' (its URL or DID)")
    return Organisation.model_validate(issuer_data)


def edc_issuer_from(request: Any, path: str, args: argparse.Namespace) -> EdcIssuer:
    """The `EdcIssuer` of a description's `issuer` section (see `edc_profile_from`), sealing
    with the eSeal of --cert/--key (and --alg when given)."""
    profile = edc_profile_from(request, path)
    if not args.cert:
        raise InputError("--format edc needs --cert and --key (the eSeal)")
    password = passphrase_from(args)
    material = load_sealing_material(
        args.cert, args.key, password=password.encode("utf-8") if password else None
    )
    return EdcIssuer(profile, material, algorithm=args.alg)
