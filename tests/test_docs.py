"""The README stays true: its tour runs, and .ci/run runs the README's test command."""

from __future__ import annotations

import re
import subprocess

import pytest

from .shared import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def test_readme_tour_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code = re.search(r"## A short tour\n\n```python\n(.*?)```", README, re.S)
    assert code is not None
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "README.md", "exec"), namespace)
    result = namespace["result"]
    assert result.verified is True


def test_ci_runs_the_readme_test_command() -> None:
    command = subprocess.run(
        ["awk", "/<!-- test-command -->/{getline; getline; print; exit}", "README.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert command.endswith("python -m pytest -q")
    assert "<!-- test-command -->" in README
    assert "cmd=$(awk" in (ROOT / ".ci" / "run").read_text("utf-8")


def test_every_test_named_in_the_security_model_exists() -> None:
    """docs/security.md links attacks to tests: `tests/file.py::test_name`, or a bare
    `test_name` after it (same file). Each must exist, so the model cannot drift."""
    text = (ROOT / "docs" / "security.md").read_text("utf-8")
    current = None
    named = 0
    for token in re.findall(r"`([^`]+)`", text):
        match = re.fullmatch(r"(tests/\w+\.py)(?:::(test_\w+))?", token)
        if match:
            current = match.group(1)
            assert (ROOT / current).exists(), current
            test = match.group(2)
        elif re.fullmatch(r"test_\w+", token):
            test = token
        else:
            continue
        if test is None:
            continue
        assert current is not None, test
        source = (ROOT / current).read_text("utf-8")
        assert re.search(rf"^def {test}\(", source, re.M), f"{current}::{test}"
        named += 1
    assert named >= 80
