"""`edubadge stack`: a signed larger credential from signed components and a rule: an Open
Badge 3.0 (the issuer's key) or a Europass EDC sealed with JAdES (`--format edc`, its eSeal)."""

from __future__ import annotations

import argparse
import json

from ..envelopes import ALGORITHMS
from ..errors import InputError
from ..issuer import DEFAULT_SUITE, EdcIssuer, Issuer
from ..proofs.registry import suite_names
from ..stacking import StackRule, stack
from .common import (
    EXIT_OK,
    add_loader_options,
    add_status_options,
    add_trust_anchor_option,
    add_trust_option,
    fetcher_from,
    issuer_from,
    loader_from,
    read_json,
    status_lists_from,
    trust_anchors_from,
    write_text,
)
from .keyopts import add_format_options, add_passphrase_options, edc_issuer_from, load_signer


def run(args: argparse.Namespace) -> int:
    """Stack the components; a refusal names every failing component and rule clause."""
    request = read_json(args.achievement, "achievement description")
    issuer: Issuer | EdcIssuer
    if args.format == "edc":
        issuer = edc_issuer_from(request, args.achievement, args)
    else:
        if not args.key:
            raise InputError("--key is needed: the issuer's key file or a pkcs11: URI")
        if args.cert:
            raise InputError("--cert seals an EDC: add --format edc")
        issuer = issuer_from(request, args.achievement, load_signer(args), args.suite)
    rule = StackRule.from_json(read_json(args.rule, "stacking rule"))
    components = [read_json(path, "component") for path in args.components]
    stacked = stack(
        components,
        request,
        rule,
        issuer,
        trusted_issuers=args.trust or None,
        status_lists=status_lists_from(args),
        fetcher=fetcher_from(args),
        trust_anchors=trust_anchors_from(args),
        micro_credential=not args.plain_badge,
        loader=loader_from(args),
    )
    write_text(json.dumps(stacked, indent=2, ensure_ascii=False) + "\n", args.out)
    return EXIT_OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser(
        "stack", help="stack signed component credentials into a larger signed credential"
    )
    parser.add_argument(
        "components", nargs="+", metavar="COMPONENT", help="component credential or presentation"
    )
    parser.add_argument(
        "--achievement",
        required=True,
        metavar="FILE",
        help="the larger credential's description (micro-credential input with an 'issuer')",
    )
    parser.add_argument("--rule", required=True, metavar="FILE", help="the stacking rule (JSON)")
    add_format_options(parser)
    parser.add_argument(
        "--alg", choices=ALGORITHMS, help="edc: the seal's algorithm (default: RS256 for RSA)"
    )
    add_passphrase_options(parser)
    parser.add_argument(
        "--suite",
        default=DEFAULT_SUITE,
        choices=suite_names(),
        help="ecdsa-sd-2023 (a P-256 key) makes a stack the holder can show in part "
        "(edubadge derive STACK --component ...)",
    )
    add_trust_option(parser)
    add_trust_anchor_option(parser)  # sealed EDC components
    parser.add_argument("--out", help="write the credential here (default: stdout)")
    parser.add_argument(
        "--plain-badge", action="store_true", help="do not mark it as an EU micro-credential"
    )
    add_loader_options(parser)
    add_status_options(parser)  # components with a credentialStatus need their lists
    parser.set_defaults(run=run)
