"""The `edubadge` command: keygen, issue, verify, demo."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import keys
from .errors import EdubadgeError, InputError
from .issuer import DEFAULT_SUITE, Issuer
from .jsonld.loader import DocumentLoader
from .model import Organisation, load_microcredential
from .parsing import parse_json
from .proofs.registry import suite_names
from .verifier import VerificationResult, verify

EXIT_OK, EXIT_NOT_VERIFIED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _read_json(path: str, what: str) -> Any:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {what} {path}: {error.strerror}") from None
    return parse_json(data, what=f"{what} {path}")


def _write(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _loader(contexts: Sequence[str], controllers: Sequence[str]) -> DocumentLoader:
    extra: dict[str, Any] = {}
    for item in contexts:
        url, sep, path = item.partition("=")
        if not sep:
            raise InputError(f"--context takes URL=FILE, not {item!r}")
        extra[url] = _read_json(path, "context")
    for path in controllers:
        document = _read_json(path, "controller document")
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            raise InputError(f"controller document {path} has no id")
        extra[document["id"]] = document
    return DocumentLoader(extra)


# --- commands ------------------------------------------------------------------------------


def _keygen(args: argparse.Namespace) -> int:
    key = keys.generate(args.type, controller=args.controller)
    keys.save_key(key, args.out, overwrite=args.force)
    print(
        json.dumps(
            {
                "id": key.id,
                "controller": key.controller,
                "publicKeyMultibase": key.public_key_multibase,
            },
            indent=2,
        )
    )
    return EXIT_OK


def _issue(args: argparse.Namespace) -> int:
    request = _read_json(args.input, "micro-credential description")
    if not isinstance(request, dict):
        raise InputError(f"{args.input}: a micro-credential description is a JSON object")
    key = keys.load_key(args.key)
    issuer_data = request.pop("issuer", None)
    if issuer_data is None:
        raise InputError(
            f"{args.input}: no 'issuer' section",
            hint='add "issuer": {"name": ..., "country": ...} (id: the key\'s controller)',
        )
    if not isinstance(issuer_data, dict):
        raise InputError(f"{args.input}: 'issuer' must be an object")
    issuer_data.setdefault("id", key.controller)
    profile = Organisation.model_validate(issuer_data)
    record = load_microcredential(request)
    issuer = Issuer(profile, key, suite=args.suite)
    credential = issuer.issue(record, micro_credential=not args.plain_badge)
    _write(json.dumps(credential, indent=2, ensure_ascii=False) + "\n", args.out)
    return EXIT_OK


def _describe(result: VerificationResult) -> str:
    lines = []
    document = result.document or {}
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if document:
        lines.append(f"credential {document.get('id', '(no id)')} issued by {issuer_id}")
    marks = {"passed": "ok     ", "failed": "FAILED ", "skipped": "skipped"}
    for check in result.checks:
        detail = f"  {check.detail}" if check.detail else ""
        lines.append(f"  {marks[check.outcome]} {check.id}{detail}")
        for problem in check.problems:
            lines.append(f"          - {problem.detail}")
        for warning in check.warnings:
            lines.append(f"          ! {warning}")
    lines.append("VERIFIED" if result.verified else "NOT VERIFIED")
    return "\n".join(lines) + "\n"


def _verify(args: argparse.Namespace) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {args.file}: {error.strerror}") from None
    loader = _loader(args.context, args.controller)
    result = verify(data, loader=loader)
    if result.check("parse").outcome == "failed":
        print(f"edubadge: {args.file}: {result.problems[0].detail}", file=sys.stderr)
        if args.json:
            print(json.dumps(result.to_dict(), indent=2))
        return EXIT_USAGE
    _write(json.dumps(result.to_dict(), indent=2) + "\n" if args.json else _describe(result), None)
    return EXIT_OK if result.verified else EXIT_NOT_VERIFIED


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    manifest = run_demo(Path(args.dir))
    failures = [entry for entry in manifest if not entry.get("checked", True)]
    return EXIT_NOT_VERIFIED if failures else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `edubadge` command."""
    parser = _Parser(
        prog="edubadge", description="Issue and verify EU micro-credentials (OB 3.0, VC 2.0)."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    keygen = commands.add_parser("keygen", help="generate a key pair into a key file (mode 0600)")
    keygen.add_argument("--type", default="Ed25519", choices=list(keys.keypair.ALGORITHMS))
    keygen.add_argument("--out", required=True, help="key file to write")
    keygen.add_argument("--controller", help="controller id (default: the key's did:key)")
    keygen.add_argument("--force", action="store_true", help="overwrite an existing key file")
    keygen.set_defaults(run=_keygen)

    issue = commands.add_parser(
        "issue", help="issue a signed credential from a micro-credential description"
    )
    issue.add_argument("input", help="micro-credential description (JSON) with an 'issuer' section")
    issue.add_argument("--key", required=True, help="the issuer's key file")
    issue.add_argument("--suite", default=DEFAULT_SUITE, choices=suite_names())
    issue.add_argument("--out", help="write the credential here (default: stdout)")
    issue.add_argument(
        "--plain-badge", action="store_true", help="do not mark it as an EU micro-credential"
    )
    issue.set_defaults(run=_issue)

    check = commands.add_parser(
        "verify", help="verify a credential: exit 0 verified, 1 not, 2 bad input"
    )
    check.add_argument("file")
    check.add_argument("--json", action="store_true", help="print the full result as JSON")
    check.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="register a JSON-LD context",
    )
    check.add_argument(
        "--controller",
        action="append",
        default=[],
        metavar="FILE",
        help="register a controller (DID) document",
    )
    check.set_defaults(run=_verify)

    demo = commands.add_parser("demo", help="run the main job end to end and write every artifact")
    demo.add_argument(
        "--dir", default="demo-out", help="where to write the artifacts and manifest.json"
    )
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `edubadge` command."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except EdubadgeError as error:
        print(f"edubadge: error: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
