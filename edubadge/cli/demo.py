"""`edubadge demo`: the main job end to end, every artifact written and listed."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import EXIT_NOT_VERIFIED, EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Run the demo; exit 1 if any artifact did not get its expected verdict."""
    from ..demo import run_demo

    manifest = run_demo(Path(args.dir))
    return EXIT_OK if all(entry["checked"] for entry in manifest) else EXIT_NOT_VERIFIED


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser("demo", help="run the main job end to end, write every artifact")
    parser.add_argument(
        "--dir", default="demo-out", help="folder for the artifacts and manifest.json"
    )
    parser.set_defaults(run=run)
