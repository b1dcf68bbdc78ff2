"""`edubadge verify`: every check, as text or JSON; exit 0 verified, 1 not, 2 bad input.

The file may hold a JSON credential or a compact JWS (VC-JOSE, OB 3.0 VC-JWT). Nothing is
fetched unless --fetch is given.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cryptography import x509

from ..datamodel import types_of
from ..envelopes.certificates import load_certificates
from ..errors import CertificateError, EdubadgeError, InputError
from ..parsing import parse_json
from ..presentations import PresentationResult, verify_presentation
from ..verifier import VerificationResult, verify
from .common import (
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    EXIT_USAGE,
    add_loader_options,
    add_status_options,
    add_trust_option,
    fetcher_from,
    loader_from,
    read_json,
    status_lists_from,
)

MARKS = {"passed": "ok     ", "failed": "FAILED ", "skipped": "skipped"}


def _check_lines(result: VerificationResult, indent: str) -> list[str]:
    lines = []
    for check in result.checks:
        detail = f"  {check.detail}" if check.detail else ""
        lines.append(f"{indent}{MARKS[check.outcome]} {check.id}{detail}")
        lines += [f"{indent}        - {problem.detail}" for problem in check.problems]
        lines += [f"{indent}        ! {warning}" for warning in check.warnings]
    return lines


def _who(document: dict[str, object], role: str) -> str | None:
    party = document.get(role)
    value = party.get("id") if isinstance(party, dict) else party
    return str(value) if value is not None else None


def describe(result: VerificationResult) -> str:
    """A verification result as readable lines (a presentation's credentials indented)."""
    lines = []
    document = result.document or {}
    if isinstance(result, PresentationResult):
        if document:
            lines.append(
                f"presentation {document.get('id', '(no id)')} by {_who(document, 'holder')}"
            )
        lines += _check_lines(result, "  ")
        for index, credential in enumerate(result.credentials):
            inner = credential.document or {}
            lines.append(
                f"  credential {index}: {inner.get('id', '(no id)')} issued by "
                f"{_who(inner, 'issuer')}: {'verified' if credential.verified else 'NOT verified'}"
            )
            lines += _check_lines(credential, "    ")
    else:
        if document:
            lines.append(
                f"credential {document.get('id', '(no id)')} issued by {_who(document, 'issuer')}"
            )
        lines += _check_lines(result, "  ")
    if result.components:
        lines.append("components:")
        for component in result.components:
            mark = "ok     " if component.verified else "FAILED "
            label = component.name or ""
            who = component.issuer_name or component.issuer
            issuer = f" from {who}" if who else ""
            lines.append(f"  {mark} {component.id or component.where}  {label}{issuer}".rstrip())
            if component.presentation:
                lines.append(f"          in {component.presentation}")
            lines += [f"          - {r}: {d}" for r, d in component.failures.items()]
    if result.rule:
        lines.append("rule:")
        for clause in result.rule:
            mark = "FAILED " if not clause.passed else "attested" if clause.attested else "holds  "
            lines.append(f"  {mark} {clause.name}: {clause.detail}")
    lines.append("VERIFIED" if result.verified else "NOT VERIFIED")
    return "\n".join(lines) + "\n"


def _is_presentation(data: bytes) -> bool:
    try:
        document = parse_json(data)
    except EdubadgeError:
        return False  # not JSON (an image, a JWS...): the verifier says what it is
    return isinstance(document, dict) and "VerifiablePresentation" in types_of(document)


def _anchors(paths: list[str]) -> list[x509.Certificate]:
    anchors: list[x509.Certificate] = []
    for path in paths:
        try:
            anchors += load_certificates(path)
        except CertificateError as error:
            raise InputError(f"--trust-anchor: {error}") from None
    return anchors


def run(args: argparse.Namespace) -> int:
    """Verify one file."""
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {args.file}: {error.strerror}") from None
    fetcher = fetcher_from(args)
    if _is_presentation(data) or (args.challenge is not None and not args.component):
        if args.challenge is None:
            raise InputError(
                f"{args.file} is a presentation: it is verified against the challenge you gave "
                "its holder",
                hint="pass --challenge (and --domain)",
            )
        result: VerificationResult = verify_presentation(
            data,
            challenge=args.challenge,
            domain=args.domain,
            loader=loader_from(args),
            fetcher=fetcher,
            status_lists=status_lists_from(args),
        )
        return _report(args, result)
    components = [read_json(path, "component") for path in args.component]
    learner = {}
    for item in args.learner:
        kind, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--learner takes TYPE=VALUE, not {item!r}")
        learner[kind] = value
    result = verify(
        data,
        loader=loader_from(args),
        components=components if args.component else None,
        trusted_issuers=args.trust or None,
        learner=learner or None,
        challenge=args.challenge,
        domain=args.domain,
        trust_anchors=_anchors(args.trust_anchor),
        fetcher=fetcher,
        status_lists=status_lists_from(args),
    )
    return _report(args, result)


def _report(args: argparse.Namespace, result: VerificationResult) -> int:
    if result.check("parse").outcome == "failed":
        print(f"edubadge: {args.file}: {result.problems[0].detail}", file=sys.stderr)
        if args.json:
            print(json.dumps(result.to_dict(), indent=2))
        return EXIT_USAGE
    print(
        json.dumps(result.to_dict(), indent=2) if args.json else describe(result),
        end="\n" if args.json else "",
    )
    return EXIT_OK if result.verified else EXIT_NOT_VERIFIED


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser(
        "verify",
        help="verify a credential or presentation: exit 0 verified, 1 not verified, 2 bad input",
    )
    parser.add_argument("file")
    parser.add_argument(
        "--challenge",
        help="for a presentation (also one holding --component credentials): the challenge "
        "you gave the holder (required for a presentation)",
    )
    parser.add_argument(
        "--domain", help="for a presentation: your domain, which its proof must name"
    )
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument(
        "--component",
        action="append",
        default=[],
        metavar="FILE",
        help="a component of the stack (credential or presentation); repeat for each",
    )
    add_trust_option(parser)
    parser.add_argument(
        "--learner",
        action="append",
        default=[],
        metavar="TYPE=VALUE",
        help="the learner's plain identity (emailAddress=..., name=...) to check identity hashes",
    )
    parser.add_argument(
        "--trust-anchor",
        action="append",
        default=[],
        metavar="FILE",
        help="a CA certificate (PEM or DER) that JAdES seals may chain to; repeatable",
    )
    add_loader_options(parser)
    add_status_options(parser)
    parser.set_defaults(run=run)
