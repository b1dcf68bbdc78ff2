"""The fuzz targets in CI: a short atheris run of each (when atheris is installed), the same
targets under hypothesis (byte edits of the seed corpora and arbitrary bytes), and every
input a fuzzer ever crashed on, replayed (fuzz/regressions/TARGET/*)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.seeds import seeds
from fuzz.targets import TARGETS

from .shared import ROOT

REGRESSIONS = ROOT / "fuzz" / "regressions"
SHORT_RUNS = 150  # atheris executions per target beyond the seeds


@cache
def _seeds(target: str) -> tuple[bytes, ...]:
    return tuple(seeds(target)[:60])


@st.composite
def _edited_seed(draw: st.DrawFn, target: str) -> bytes:
    """A seed with a few random byte edits (what a mutation fuzzer does first)."""
    seeds = _seeds(target)
    data = bytearray(draw(st.sampled_from(seeds)) if seeds else b"{}")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        action = draw(st.sampled_from(["replace", "delete", "insert", "cut"]))
        byte = draw(st.integers(0, 255))
        if action == "replace" and data:
            data[at] = byte
        elif action == "delete" and data:
            del data[at]
        elif action == "insert":
            data.insert(at, byte)
        else:
            data = data[:at]
    return bytes(data)


@pytest.mark.parametrize("target", sorted(TARGETS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_targets_never_fail_on_edited_seeds_or_noise(target: str, data: st.DataObject) -> None:
    payload = data.draw(st.one_of(_edited_seed(target), st.binary(max_size=300)))
    TARGETS[target](payload)


def _regressions() -> list[tuple[str, Path]]:
    if not REGRESSIONS.is_dir():
        return []
    return [
        (folder.name, path)
        for folder in sorted(REGRESSIONS.iterdir())
        if folder.is_dir()
        for path in sorted(folder.iterdir())
        if path.is_file() and path.name != "README.md"
    ]


@pytest.mark.parametrize(("target", "path"), _regressions(), ids=lambda v: getattr(v, "name", v))
def test_every_input_that_once_crashed_now_passes(target: str, path: Path) -> None:
    TARGETS[target](path.read_bytes())


def test_short_atheris_run_of_every_target(tmp_path: Path) -> None:
    if importlib.util.find_spec("atheris") is None:
        if os.environ.get("CI"):
            pytest.fail("atheris is not installed (pip install -e '.[test]' on Linux x86-64)")
        pytest.skip("atheris is not installed: the hypothesis runs above cover the targets")
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "fuzz", "all", "--runs", str(SHORT_RUNS), "--work",
         str(tmp_path / "work"), "--report", str(report)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert report.exists(), done.stdout + done.stderr
    figures = json.loads(report.read_text())
    for row in figures["targets"]:
        log = (tmp_path / "work" / row["target"] / "log.txt").read_text()[-3000:]
        assert not row["crashes"] and row["exit"] == 0, (row, log)
        assert row["executions"] >= SHORT_RUNS and row["cov"] > 0, (row, log)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
