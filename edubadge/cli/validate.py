"""`edubadge validate FILE`: the OB 3.0 JSON Schema or the EDC SHACL shapes, and the model."""

from __future__ import annotations

import argparse
import json

from ..errors import InputError
from ..validation import validate
from .common import EXIT_NOT_VERIFIED, EXIT_OK, read_json


def run(args: argparse.Namespace) -> int:
    """Validate one credential: exit 0 valid, 1 not valid, 2 bad input."""
    document = read_json(args.file, "credential")
    if not isinstance(document, dict):
        raise InputError(f"{args.file}: a credential is a JSON object")
    report = validate(
        document, schema=args.schema, shapes=args.shapes or None, context=args.context
    )
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(f"{args.file}: {report.format}, checked {', '.join(report.checked)}")
        for issue in report.issues:
            print(f"  {issue.source}: {issue.path}: {issue.message}")
        print("VALID" if report.valid else f"NOT VALID ({len(report.issues)} issues)")
    return EXIT_OK if report.valid else EXIT_NOT_VERIFIED


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser(
        "validate", help="check a credential's structure: exit 0 valid, 1 not valid, 2 bad input"
    )
    parser.add_argument("file")
    parser.add_argument("--schema", help="OB 3.0: the official AchievementCredential JSON Schema")
    parser.add_argument(
        "--shapes", action="append", default=[], help="EDC: SHACL shapes file (repeatable)"
    )
    parser.add_argument("--context", help="EDC: the edc-ap JSON-LD context to use")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(run=run)
