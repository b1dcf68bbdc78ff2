"""What the `edubadge` subcommands share: exit codes, reading input, the offline loader."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..issuer import Issuer
from ..jsonld.loader import DocumentLoader
from ..keys import Signer
from ..model import Organisation
from ..net.fetcher import Fetcher
from ..net.https import HttpsFetcher
from ..parsing import parse_json

EXIT_OK, EXIT_NOT_VERIFIED, EXIT_USAGE = 0, 1, 2


def read_json(path: str, what: str) -> Any:
    """Parse a JSON file strictly; an `InputError` names the file and the fault."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {what} {path}: {error.strerror}") from None
    return parse_json(data, what=f"{what} {path}")


def write_text(text: str, out: str | None) -> None:
    """Write to a file, or to standard output when `out` is None."""
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def add_loader_options(parser: argparse.ArgumentParser) -> None:
    """--context URL=FILE and --controller FILE: documents for the offline loader."""
    parser.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="register a JSON-LD context",
    )
    parser.add_argument(
        "--controller",
        action="append",
        default=[],
        metavar="FILE",
        help="register a controller (DID) document",
    )


def add_trust_option(parser: argparse.ArgumentParser) -> None:
    """--trust ISSUER: the issuers stack components may come from."""
    parser.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="ISSUER",
        help="accept components only from this issuer id (repeat for several)",
    )


def add_status_options(parser: argparse.ArgumentParser) -> None:
    """--status-list [URL=]FILE, --fetch and --ca-file: where status lists (and did:web
    documents) come from; nothing is fetched without --fetch."""
    parser.add_argument(
        "--status-list",
        action="append",
        default=[],
        metavar="[URL=]FILE",
        help="a status list credential to check the status against (repeatable)",
    )
    parser.add_argument(
        "--fetch",
        action="store_true",
        help="allow the network for status lists, did:web and https controller documents "
        "(https only, public addresses only, size and time limits)",
    )
    parser.add_argument("--ca-file", help="with --fetch: trust these CA certificates instead")


def status_lists_from(args: argparse.Namespace) -> dict[str, Any] | None:
    """--status-list [URL=]FILE: status list credentials, by URL (default: their id)."""
    if not args.status_list:
        return None
    lists: dict[str, Any] = {}
    for item in args.status_list:
        url, sep, path = item.rpartition("=") if "=" in item else ("", "", item)
        document = read_json(path, "status list")
        if not sep:
            url = document.get("id") if isinstance(document, dict) else None
            if not isinstance(url, str):
                raise InputError(f"status list {path} has no id: give it as URL={path}")
        lists[url] = document
    return lists


def fetcher_from(args: argparse.Namespace) -> Fetcher | None:
    """An https fetcher when --fetch was given, else None (no network)."""
    return HttpsFetcher(ca_file=args.ca_file) if args.fetch else None


def loader_from(args: argparse.Namespace) -> DocumentLoader:
    """The loader with the documents given by --context and --controller."""
    return _loader(args.context, args.controller)


def _loader(contexts: Sequence[str], controllers: Sequence[str]) -> DocumentLoader:
    extra: dict[str, Any] = {}
    for item in contexts:
        url, sep, path = item.partition("=")
        if not sep:
            raise InputError(f"--context takes URL=FILE, not {item!r}")
        extra[url] = read_json(path, "context")
    for path in controllers:
        document = read_json(path, "controller document")
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            raise InputError(f"controller document {path} has no id")
        extra[document["id"]] = document
    return DocumentLoader(extra)


def issuer_from(request: Any, path: str, key: Signer, suite: str) -> Issuer:
    """The `Issuer` of a description's `issuer` section (removed from `request`); its id
    defaults to the controller of the signer's key (a key pair or an HSM key)."""
    if not isinstance(request, dict):
        raise InputError(f"{path}: a micro-credential description is a JSON object")
    issuer_data = request.pop("issuer", None)
    if not isinstance(issuer_data, dict):
        raise InputError(
            f"{path}: no 'issuer' object",
            hint='add "issuer": {"name": ..., "country": ...} (id: the key\'s controller)',
        )
    issuer_data.setdefault("id", key.id.split("#", 1)[0])
    return Issuer(Organisation.model_validate(issuer_data), key, suite=suite)
