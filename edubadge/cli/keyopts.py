"""Key options the subcommands share: key files (maybe encrypted), PKCS#11 URIs, passphrases.

A passphrase is never taken on the command line (it would show in `ps` and shell history):
it comes from an environment variable, a file, or a prompt on a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from .. import keys
from ..errors import InputError
from ..keys.signer import Signer


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
