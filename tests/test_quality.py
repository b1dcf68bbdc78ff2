"""Lint and types are part of the test run: ruff and mypy --strict must be clean."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from .shared import ROOT


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(ROOT / ".venv" / "bin")) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return found


def test_ruff_clean() -> None:
    run = subprocess.run(
        [_tool("ruff"), "check", "edubadge", "tests", "scripts", "fuzz", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_format_clean() -> None:
    run = subprocess.run(
        [_tool("ruff"), "format", "--check", "edubadge", "tests", "scripts", "fuzz", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_strict_clean() -> None:
    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
