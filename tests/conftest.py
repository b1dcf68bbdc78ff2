"""Shared pytest configuration."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=40
)
settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60
)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty status store's URL, once per backend (see tests/status_support.py)."""
    from .status_support import store_url

    with store_url(request.param, tmp_path) as location:
        yield location


@pytest.fixture
def store(url: str) -> Iterator[object]:
    """An open, empty status store, once per backend."""
    from edubadge.status import open_store

    with open_store(url) as opened:
        yield opened
