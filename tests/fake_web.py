"""An in-memory web for the opt-in fetcher: documents served by URL, every fetch recorded."""

from __future__ import annotations

import json
from typing import Any

from edubadge.errors import FetchError
from edubadge.net import Fetched


class FakeWeb:
    """A `Fetcher` serving a dict of URL -> document, recording every fetch."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents = documents
        self.fetched: list[str] = []

    def fetch(self, url: str, *, accept: tuple[str, ...]) -> Fetched:
        self.fetched.append(url)
        if url not in self.documents:
            raise FetchError(f"{url} answered 404 Not Found")
        return Fetched(url, accept[0], json.dumps(self.documents[url]).encode())
