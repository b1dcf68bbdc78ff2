"""The fetcher interface: the one way edubadge reaches the network, and only when asked.

Callers opt in by passing a `Fetcher` (`verify(..., fetcher=...)`, did:web resolution,
status lists). A fetcher decides what it may reach; `HttpsFetcher` (https only, no private
or loopback addresses, size and time limits) is the implementation edubadge ships.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ..parsing import parse_json


@dataclass(frozen=True)
class Fetched:
    """A fetched document: where it came from in the end, its media type, body and cache life."""

    url: str
    content_type: str
    body: bytes
    max_age: int | None = None


class Fetcher(Protocol):
    """Fetches a URL's representation in one of the `accept` media types, or raises."""

    def fetch(self, url: str, *, accept: tuple[str, ...]) -> Fetched:
        """The document at `url`; an `EdubadgeError` (or subclass) when it cannot be had."""
        ...


JSON_TYPES = (
    "application/ld+json",
    "application/json",
    "application/vc+ld+json",
    "application/did+json",
)


class _Memoized:
    """A fetcher that fetches each (url, accept) once and then answers from memory."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self._seen: dict[tuple[str, tuple[str, ...]], Fetched] = {}

    def fetch(self, url: str, *, accept: tuple[str, ...]) -> Fetched:
        key = (url, tuple(accept))
        if key not in self._seen:
            self._seen[key] = self._fetcher.fetch(url, accept=accept)
        return self._seen[key]


def memoized(fetcher: Fetcher) -> Fetcher:
    """`fetcher`, fetching each URL at most once (one verification's worth of documents)."""
    return _Memoized(fetcher)


def fetch_json(fetcher: Fetcher, url: str, *, accept: tuple[str, ...] = JSON_TYPES) -> Any:
    """Fetch and strictly parse a JSON document."""
    fetched = fetcher.fetch(url, accept=accept)
    return parse_json(fetched.body, what=f"document at {url}")
