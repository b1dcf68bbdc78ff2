"""`edubadge issue`: a signed credential (or a VC-JWT) from a micro-credential description."""

from __future__ import annotations

import argparse
import json

from ..envelopes import jose
from ..errors import InputError
from ..issuer import DEFAULT_SUITE, Issuer
from ..model import Organisation, load_microcredential
from ..proofs.registry import suite_names
from .common import EXIT_OK, read_json, write_text
from .keyopts import add_passphrase_options, load_signer


def run(args: argparse.Namespace) -> int:
    """Issue one credential."""
    request = read_json(args.input, "micro-credential description")
    if not isinstance(request, dict):
        raise InputError(f"{args.input}: a micro-credential description is a JSON object")
    signer = load_signer(args)
    if args.alg:
        if not hasattr(signer, "with_signature_algorithm"):
            raise InputError("--alg needs a key pair or a PKCS#11 key")
        signer = signer.with_signature_algorithm(args.alg)
    issuer_data = request.pop("issuer", None)
    if not isinstance(issuer_data, dict):
        raise InputError(
            f"{args.input}: no 'issuer' object",
            hint='add "issuer": {"name": ..., "country": ...} (id: the key\'s controller)',
        )
    issuer_data.setdefault("id", signer.id.split("#", 1)[0])
    profile = Organisation.model_validate(issuer_data)
    record = load_microcredential(request)
    issuer = Issuer(profile, signer, suite=args.suite)
    micro_credential = not args.plain_badge
    if args.envelope == "jwt":
        credential = issuer.credential(record, micro_credential=micro_credential)
        write_text(jose.sign(credential, signer, profile=args.jwt_profile) + "\n", args.out)
        return EXIT_OK
    credential = issuer.issue(record, micro_credential=micro_credential)
    write_text(json.dumps(credential, indent=2, ensure_ascii=False) + "\n", args.out)
    return EXIT_OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser("issue", help="issue a signed credential from a description")
    parser.add_argument("input", help="micro-credential description (JSON) with an 'issuer' object")
    parser.add_argument(
        "--key", required=True, help="the issuer's key file, or a pkcs11: URI of a token key"
    )
    add_passphrase_options(parser)
    parser.add_argument("--suite", default=DEFAULT_SUITE, choices=suite_names())
    parser.add_argument(
        "--envelope",
        choices=("jwt",),
        help="secure it as a compact JWS instead of an embedded proof (--suite is then unused)",
    )
    parser.add_argument(
        "--jwt-profile",
        default="ob3",
        choices=jose.PROFILES,
        help="ob3: the OB 3.0 VC-JWT (iss, sub, nbf, jti, exp claims); vc-jose: application/vc+jwt",
    )
    parser.add_argument("--alg", choices=("RS256", "PS256"), help="RSA signature scheme")
    parser.add_argument("--out", help="write the credential here (default: stdout)")
    parser.add_argument(
        "--plain-badge", action="store_true", help="do not mark it as an EU micro-credential"
    )
    parser.set_defaults(run=run)
