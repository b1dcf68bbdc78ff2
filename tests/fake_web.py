"""An in-memory web for the opt-in fetcher: documents served by URL, every fetch recorded."""

from __future__ import annotations

import json
from typing import Any

from edubadge.errors import FetchError
from edubadge.net import Fetched


class FakeWeb:
    """A `Fetcher` serving a dict of URL -> document, recording every fetch."""

    def __init__(self, documents: dict[str, Any], max_age: int | None = None) -> None:
        self.documents = documents
        self.max_age = max_age  # the cache life every answer announces
        self.fetched: list[str] = []

    def fetch(self, url: str, *, accept: tuple[str, ...]) -> Fetched:
        self.fetched.append(url)
        if url not in self.documents:
            raise FetchError(f"{url} answered 404 Not Found")
        body = json.dumps(self.documents[url]).encode()
        return Fetched(url, accept[0], body, self.max_age)
