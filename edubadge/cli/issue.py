"""`edubadge issue`: a signed credential (or a VC-JWT) from a micro-credential description."""

from __future__ import annotations

import argparse
import json

from ..envelopes import jose
from ..errors import InputError
from ..issuer import DEFAULT_SUITE
from ..model import load_microcredential
from ..proofs.registry import suite_names
from ..stacking import unbundle
from .common import EXIT_OK, issuer_from, read_json, write_text
from .keyopts import add_passphrase_options, load_signer


def run(args: argparse.Namespace) -> int:
    """Issue one credential."""
    request = read_json(args.input, "micro-credential description")
    signer = load_signer(args)
    if args.alg:
        if not hasattr(signer, "with_signature_algorithm"):
            raise InputError("--alg needs a key pair or a PKCS#11 key")
        signer = signer.with_signature_algorithm(args.alg)
    if args.deterministic:
        if not hasattr(signer, "with_deterministic_nonces"):
            raise InputError("--deterministic needs a key file (a token chooses its own nonces)")
        signer = signer.with_deterministic_nonces()
    issuer = issuer_from(request, args.input, signer, args.suite)
    record = load_microcredential(request)
    micro = not args.plain_badge
    if args.envelope == "jwt":
        if args.part_of:
            raise InputError(
                "--part-of issues a stack module with a Data Integrity proof, not a JWT"
            )
        credential = issuer.credential(record, micro_credential=micro)
        write_text(jose.sign(credential, signer, profile=args.jwt_profile) + "\n", args.out)
        return EXIT_OK
    options = {"mandatoryPointers": args.mandatory} if args.mandatory else None
    if args.part_of:
        credential = unbundle(
            [record], issuer, part_of=args.part_of, micro_credential=micro, options=options
        )[0]
    else:
        credential = issuer.issue(record, micro_credential=micro, options=options)
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
    parser.add_argument(
        "--part-of",
        metavar="IRI",
        help="a module of a larger programme: the programme achievement's IRI (isPartOf)",
    )
    parser.set_defaults(run=run)
