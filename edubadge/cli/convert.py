"""`edubadge convert FILE --to ob3|edc`: the same micro-credential in the other format."""

from __future__ import annotations

import argparse
import json

from ..errors import InputError
from ..formats import edc, ob3
from ..validation import detect_format
from .common import EXIT_OK, read_json, write_text


def run(args: argparse.Namespace) -> int:
    """Read an OB 3.0 credential or an EDC, write the other (unsigned: sign or seal it next)."""
    document = read_json(args.file, "credential")
    if not isinstance(document, dict):
        raise InputError(f"{args.file}: a credential is a JSON object")
    source = detect_format(document)
    if source == "ob3":
        record = ob3.from_credential(document)
        issuer = ob3.organisation_from_profile(document.get("issuer", {}), record.primary_language)
    else:
        inner = edc.unwrap(document)
        record = edc.from_credential(inner)
        issuer_node = inner.get("issuer")
        if not isinstance(issuer_node, dict):
            raise InputError(f"{args.file}: the EDC has no issuer object", path="$.issuer")
        issuer = edc.organisation_from_agent(issuer_node)
    if args.to == "ob3":
        marked = source == "edc" and edc.is_micro_credential(document)
        marked = marked or (source == "ob3" and _marked_ob3(document))
        out = ob3.to_credential(record, issuer, micro_credential=marked, identity="plain")
    else:
        marked = _marked_ob3(document) if source == "ob3" else edc.is_micro_credential(document)
        out = edc.to_credential(record, issuer, micro_credential=marked)
    write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", args.out)
    return EXIT_OK


def _marked_ob3(document: dict[str, object]) -> bool:
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    return isinstance(achievement, dict) and achievement.get("achievementType") == "MicroCredential"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser(
        "convert", help="convert a credential between Open Badges 3.0 and Europass EDC"
    )
    parser.add_argument("file", help="an OB 3.0 credential or an EDC (JSON)")
    parser.add_argument("--to", required=True, choices=("ob3", "edc"))
    parser.add_argument("--out", help="write the result here (default: stdout)")
    parser.set_defaults(run=run)
