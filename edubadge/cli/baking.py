"""`edubadge bake` and `edubadge unbake`: credentials inside PNG and SVG badge images."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..bake import bake, unbake
from ..errors import InputError
from .common import EXIT_OK, write_text


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {what} {path}: {error.strerror}") from None


def run_bake(args: argparse.Namespace) -> int:
    """Bake a credential file (JSON or compact JWS) into an image."""
    credential = _read(args.credential, "credential").decode("utf-8", "strict").strip()
    Path(args.out).write_bytes(bake(_read(args.image, "image"), credential))
    return EXIT_OK


def run_unbake(args: argparse.Namespace) -> int:
    """Print (or write) the credential baked into an image."""
    write_text(unbake(_read(args.image, "image")) + "\n", args.out)
    return EXIT_OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommands."""
    parser = commands.add_parser("bake", help="bake a credential into a PNG or SVG badge image")
    parser.add_argument("image", help="the PNG or SVG image")
    parser.add_argument("credential", help="the credential: JSON, or a compact JWS")
    parser.add_argument("--out", required=True, help="the baked image to write")
    parser.set_defaults(run=run_bake)
    parser = commands.add_parser("unbake", help="extract the credential baked into an image")
    parser.add_argument("image", help="the baked PNG or SVG image")
    parser.add_argument("--out", help="write the credential here (default: stdout)")
    parser.set_defaults(run=run_unbake)
