"""Fuzzing edubadge's entry points for hostile input (atheris, with a hypothesis fallback).

    python -m fuzz list                         # the targets
    python -m fuzz run TARGET [libFuzzer args]  # one target under atheris
    python -m fuzz all --seconds 60 --report fuzz-report.json

`targets` holds the entry points as plain functions (also driven by hypothesis in
tests/test_fuzz.py), `seeds` the starting corpora, `run` the atheris runner. See
docs/security.md for what each target must never do, and the figures of the last long run.
"""
