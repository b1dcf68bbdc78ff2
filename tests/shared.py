"""Access to the reference data in ../shared (read in place, never copied).

Tests that need it call `require_shared()`: without ../shared they skip with a clear
message, except under CI (env `CI` set), where a missing ../shared is a failure.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """Where ../shared is: env EDUBADGE_SHARED, or the folder beside the checkout."""
    configured = os.environ.get("EDUBADGE_SHARED")
    return Path(configured) if configured else ROOT.parent / "shared"


def require_shared() -> Path:
    """The shared folder; skip (or fail under CI) when it is absent."""
    path = shared_dir()
    if not (path / "vectors").is_dir():
        message = (
            f"reference data not found at {path} "
            "(set EDUBADGE_SHARED or put ../shared beside the checkout)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def load(relative: str) -> Any:
    """A JSON file of ../shared."""
    return json.loads((require_shared() / relative).read_text("utf-8"))


def text(relative: str) -> str:
    """A text file of ../shared."""
    return (require_shared() / relative).read_text("utf-8")


@cache
def served_contexts() -> dict[str, Any]:
    """Every context in ../shared/contexts (its INDEX files), URL -> document."""
    base = require_shared() / "contexts"
    documents: dict[str, Any] = {}
    for folder in (base, base / "ob3", base / "edc"):
        index = json.loads((folder / "INDEX.json").read_text("utf-8"))
        for url, name in index.items():
            if url != "comment":
                documents[url] = json.loads((folder / name).read_text("utf-8"))
    return documents


def example_contexts(*urls: str) -> dict[str, Any]:
    """The served copies of contexts edubadge does not bundle (examples, citizenship...)."""
    contexts = served_contexts()
    return {url: contexts[url] for url in urls}
