"""`edubadge issue`: a signed credential (or a VC-JWT), or a sealed Europass EDC, from a
micro-credential description."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from ..envelopes import jose, load_sealing_material, seal
from ..envelopes.certificates import algorithms_for
from ..errors import InputError
from ..formats import edc
from ..issuer import DEFAULT_SUITE, Issuer
from ..model import MicroCredential, Organisation, load_microcredential
from ..proofs.registry import suite_names
from ..stacking import unbundle
from .common import EXIT_OK, issuer_from, read_json, write_text
from .keyopts import add_passphrase_options, load_signer, passphrase_from
from .status import DB_HELP, issuing_lists, store_from


def _issue(
    issuer: Issuer, record: MicroCredential, args: argparse.Namespace
) -> dict[str, Any] | str:
    micro = not args.plain_badge
    if args.envelope == "jwt":
        if args.part_of:
            raise InputError(
                "--part-of issues a stack module with a Data Integrity proof, not a JWT"
            )
        return issuer.issue_jwt(record, micro_credential=micro, profile=args.jwt_profile)
    options = {"mandatoryPointers": args.mandatory} if args.mandatory else None
    if args.part_of:
        return unbundle(
            [record], issuer, part_of=args.part_of, micro_credential=micro, options=options
        )[0]
    return issuer.issue(record, micro_credential=micro, options=options)


def _issue_edc(args: argparse.Namespace) -> dict[str, Any]:
    """The EDC for the description, sealed with the eSeal of --cert/--key (or --unsealed)."""
    request = read_json(args.input, "micro-credential description")
    if not isinstance(request, dict) or not isinstance(request.get("issuer"), dict):
        raise InputError(f"{args.input}: a description with an 'issuer' object is needed")
    issuer_data = request.pop("issuer")
    if "id" not in issuer_data:
        raise InputError(f"{args.input}: an EDC's issuer needs an 'id' (its URL or DID)")
    profile = Organisation.model_validate(issuer_data)
    record = load_microcredential(request)
    if not args.unsealed and not args.cert:
        raise InputError("--format edc needs --cert and --key (the eSeal), or --unsealed")
    document = edc.to_credential(record, profile, micro_credential=not args.plain_badge)
    if args.unsealed:
        return document
    password = passphrase_from(args)
    material = load_sealing_material(
        args.cert, args.key, password=password.encode("utf-8") if password else None
    )
    algorithm = args.alg or algorithms_for(material.certificate.public_key())[0]
    return seal(document, material, algorithm=algorithm)


def run(args: argparse.Namespace) -> int:
    """Issue one credential."""
    if args.format == "edc":
        sealed = _issue_edc(args)
        write_text(json.dumps(sealed, indent=2, ensure_ascii=False) + "\n", args.out)
        return EXIT_OK
    if not args.key:
        raise InputError("--key is needed: the issuer's key file or a pkcs11: URI")
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
    if args.no_status or not (args.db or os.environ.get("EDUBADGE_STATUS_DB")):
        credential = _issue(issuer, record, args)
    else:
        with store_from(args) as store:
            status = issuing_lists(store, issuer.profile.id, args)
            with_status = Issuer(issuer.profile, issuer.signer, suite=args.suite, status=status)
            credential = _issue(with_status, record, args)
    text = (
        credential
        if isinstance(credential, str)
        else json.dumps(credential, indent=2, ensure_ascii=False)
    )
    write_text(text + "\n", args.out)
    return EXIT_OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser("issue", help="issue a signed credential from a description")
    parser.add_argument("input", help="micro-credential description (JSON) with an 'issuer' object")
    parser.add_argument(
        "--format",
        default="ob3",
        choices=("ob3", "edc"),
        help="ob3: a signed Open Badge 3.0; edc: a Europass EDC sealed with JAdES",
    )
    parser.add_argument(
        "--key",
        help="ob3: the issuer's key file, or a pkcs11: URI of a token key; "
        "edc: the eSeal's private key (PEM; none for a PKCS#12 --cert)",
    )
    parser.add_argument("--cert", help="edc: the eSeal certificate chain (PEM) or PKCS#12 bundle")
    parser.add_argument("--unsealed", action="store_true", help="edc: write it without a seal")
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
    parser.add_argument(
        "--db", help=DB_HELP.replace("(default:", "(status entries when given, or with")
    )
    parser.add_argument(
        "--status-base-url",
        help="where the status lists are published (default: $EDUBADGE_STATUS_BASE_URL, "
        "or what this issuer used before)",
    )
    parser.add_argument(
        "--status-purpose",
        action="append",
        choices=("revocation", "suspension"),
        help="status entries to add (repeatable; default: revocation)",
    )
    parser.add_argument("--no-status", action="store_true", help="issue without status entries")
    parser.set_defaults(run=run)
