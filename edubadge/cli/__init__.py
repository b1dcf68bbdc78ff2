"""The `edubadge` command. Each subcommand is one module with a `register` function."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from ..errors import EdubadgeError
from . import (
    baking,
    convert,
    demo,
    derive,
    issue,
    issue_batch,
    keygen,
    present,
    serve,
    stack,
    status,
    validate,
    verify,
)
from .common import EXIT_USAGE

COMMANDS = (
    keygen,
    issue,
    issue_batch,
    convert,
    validate,
    derive,
    present,
    stack,
    verify,
    status,
    baking,
    serve,
    demo,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `edubadge` command."""
    parser = _Parser(
        prog="edubadge", description="Issue and verify EU micro-credentials (OB 3.0, VC 2.0)."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in COMMANDS:
        module.register(commands)
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
