"""`edubadge stack`: a signed larger credential from signed components and a rule."""

from __future__ import annotations

import argparse
import json

from .. import keys
from ..issuer import DEFAULT_SUITE
from ..proofs.registry import suite_names
from ..stacking import StackRule, stack
from .common import (
    EXIT_OK,
    add_loader_options,
    add_status_options,
    add_trust_option,
    fetcher_from,
    issuer_from,
    loader_from,
    read_json,
    status_lists_from,
    write_text,
)


def run(args: argparse.Namespace) -> int:
    """Stack the components; a refusal names every failing component and rule clause."""
    request = read_json(args.achievement, "achievement description")
    issuer = issuer_from(request, args.achievement, keys.load_key(args.key), args.suite)
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
    parser.add_argument("--key", required=True, help="the issuer's key file")
    parser.add_argument(
        "--suite",
        default=DEFAULT_SUITE,
        choices=suite_names(),
        help="ecdsa-sd-2023 (a P-256 key) makes a stack the holder can show in part "
        "(edubadge derive STACK --component ...)",
    )
    add_trust_option(parser)
    parser.add_argument("--out", help="write the credential here (default: stdout)")
    parser.add_argument(
        "--plain-badge", action="store_true", help="do not mark it as an EU micro-credential"
    )
    add_loader_options(parser)
    add_status_options(parser)  # components with a credentialStatus need their lists
    parser.set_defaults(run=run)
