"""`edubadge issue`: a signed OB 3.0 credential or a sealed Europass EDC from a description."""

from __future__ import annotations

import argparse
import importlib
import json
from types import ModuleType
from typing import Any

from .. import keys
from ..errors import InputError
from ..formats import edc
from ..issuer import DEFAULT_SUITE, Issuer
from ..model import Organisation, load_microcredential
from ..proofs.registry import suite_names
from .common import EXIT_OK, read_json, write_text


def _sealing() -> ModuleType:
    """The JAdES sealing module, or a clear error when this build has none."""
    try:
        return importlib.import_module("edubadge.envelopes.jades")
    except ModuleNotFoundError:
        raise InputError(
            "sealing an EDC needs JAdES support (edubadge.envelopes.jades), "
            "which this installation does not have",
            hint="use --unsealed for the EDC without its seal",
        ) from None


def run(args: argparse.Namespace) -> int:
    """Issue one credential."""
    request = read_json(args.input, "micro-credential description")
    if not isinstance(request, dict):
        raise InputError(f"{args.input}: a micro-credential description is a JSON object")
    issuer_data = request.pop("issuer", None)
    if not isinstance(issuer_data, dict):
        raise InputError(
            f"{args.input}: no 'issuer' object",
            hint='add "issuer": {"name": ..., "country": ...} (id: the key\'s controller)',
        )
    record = load_microcredential(request)
    marked = not args.plain_badge
    credential: dict[str, Any]
    if args.format == "ob3":
        if not args.key:
            raise InputError("--format ob3 needs --key (the issuer's key file)")
        key = keys.load_key(args.key)
        issuer_data.setdefault("id", key.controller)
        issuer = Issuer(Organisation.model_validate(issuer_data), key, suite=args.suite)
        credential = issuer.issue(record, micro_credential=marked)
    else:
        if "id" not in issuer_data:
            raise InputError(f"{args.input}: an EDC issuer needs an 'id' (URL or DID)")
        profile = Organisation.model_validate(issuer_data)
        jades = None if args.unsealed else _sealing()
        if jades is not None and not (args.cert and args.key):
            raise InputError("--format edc needs --cert and --key (the eSeal), or --unsealed")
        credential = edc.to_credential(record, profile, micro_credential=marked)
        if jades is not None:
            material = jades.load_sealing_material(args.cert, args.key)
            credential = jades.seal(credential, material)
    write_text(json.dumps(credential, indent=2, ensure_ascii=False) + "\n", args.out)
    return EXIT_OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser(
        "issue", help="issue a signed OB 3.0 credential or a sealed EDC from a description"
    )
    parser.add_argument("input", help="micro-credential description (JSON) with an 'issuer' object")
    parser.add_argument("--format", default="ob3", choices=("ob3", "edc"))
    parser.add_argument("--key", help="ob3: the issuer's key file; edc: the eSeal's private key")
    parser.add_argument("--cert", help="edc: the eSeal certificate (PEM, or a PKCS#12 bundle)")
    parser.add_argument(
        "--unsealed", action="store_true", help="edc: write the EDC without its seal"
    )
    parser.add_argument("--suite", default=DEFAULT_SUITE, choices=suite_names())
    parser.add_argument("--out", help="write the credential here (default: stdout)")
    parser.add_argument(
        "--plain-badge", action="store_true", help="do not mark it as an EU micro-credential"
    )
    parser.set_defaults(run=run)
