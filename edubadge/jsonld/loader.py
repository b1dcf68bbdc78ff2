"""The offline document loader: bundled contexts plus what the caller registers, nothing else."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from cachetools import LRUCache

from ..errors import JsonLdError, UnknownContextError

_PACKAGE = Path(__file__).resolve().parents[1]


def contexts_dir() -> Path:
    """Where the bundled contexts live: inside the wheel, or `contexts/` of a source checkout."""
    installed = _PACKAGE / "_contexts"
    return installed if installed.is_dir() else _PACKAGE.parent / "contexts"


@cache
def bundled_manifest() -> tuple[dict[str, str], ...]:
    """The manifest entries (url, file, source, sha256) of every bundled context."""
    data = json.loads((contexts_dir() / "manifest.json").read_text("utf-8"))
    return tuple(data["contexts"])


@cache
def _bundled() -> dict[str, Any]:
    return {
        entry["url"]: json.loads((contexts_dir() / entry["file"]).read_text("utf-8"))
        for entry in bundled_manifest()
    }


def bundled_urls() -> frozenset[str]:
    """The URLs of every bundled context."""
    return frozenset(_bundled())


class SharedLRU(LRUCache):  # type: ignore[type-arg]
    """An LRU cache several threads may use at once (cachetools' own is not thread-safe:
    concurrent use breaks its order bookkeeping)."""

    def __init__(self, maxsize: int) -> None:
        super().__init__(maxsize)
        self._lock = threading.RLock()

    def __getitem__(self, key: Any) -> Any:
        with self._lock:
            return super().__getitem__(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        with self._lock:
            super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        with self._lock:
            super().__delitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            return super().get(key, default)

    def pop(self, key: Any, *default: Any) -> Any:
        with self._lock:
            return super().pop(key, *default)


class DocumentLoader:
    """Serves the bundled JSON-LD contexts plus `extra` (URL -> JSON document); never the network.

    `extra` may also hold controller documents (DID documents, issuer key documents) that
    verification methods point to. A URL already bundled cannot be replaced: that would let a
    caller's data redefine what a protected context means.
    """

    def __init__(self, extra: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        bundled = _bundled()
        self._extra: dict[str, Any] = {}
        for url, document in (extra or {}).items():
            if url in bundled:
                raise JsonLdError(
                    f"{url!r} is a bundled context and cannot be replaced",
                    hint="register only URLs that edubadge does not bundle",
                )
            if not isinstance(document, Mapping):
                raise JsonLdError(f"the document registered for {url!r} is not a JSON object")
            self._extra[url] = copy.deepcopy(dict(document))
        self._new_caches()

    def _new_caches(self) -> None:
        # Resolved-context cache for pyld, private to this loader: a process-wide cache would
        # let one loader's registered documents answer for another's.
        self.context_cache: SharedLRU = SharedLRU(maxsize=256)
        # pyld's active contexts processed for this loader (`pyld_caches.CachingProcessor`).
        self.processed_contexts: SharedLRU = SharedLRU(maxsize=256)
        # Hashes of the proof configurations this loader's signers canonicalised
        # (`Cryptosuite.signing_config_hash`): a plain dict, emptied when full.
        self.proof_config_hashes: dict[Any, bytes] = {}
        # What the compiled JSON-LD route keeps for this loader (its active contexts, the
        # document shapes it accepted): private to the loader for the same reason.
        self.compiled: dict[str, Any] = {}

    def __getstate__(self) -> dict[str, Any]:
        """A loader pickles as what it serves; its caches start empty again."""
        return {"_extra": self._extra}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._extra = state["_extra"]
        self._new_caches()

    def registered(self) -> dict[str, Any]:
        """A copy of what the caller registered (`extra`), to build the same loader elsewhere."""
        return copy.deepcopy(self._extra)

    def get(self, url: str) -> dict[str, Any]:
        """A copy of the document at `url` (fragment ignored); `UnknownContextError` if none."""
        base = url.split("#", 1)[0]
        document = self._extra.get(base)
        if document is None:
            document = _bundled().get(base)
        if document is None:
            raise UnknownContextError(base)
        return copy.deepcopy(document)

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and (url.split("#", 1)[0] in self._extra or url in _bundled())

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The pyld document-loader interface."""
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": self.get(url),
        }


@cache
def default_loader() -> DocumentLoader:
    """The shared loader with the bundled contexts only."""
    return DocumentLoader()
