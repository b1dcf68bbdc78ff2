"""The seam for credential status: entries allocated in bulk, one per record of a batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class StatusAllocator(Protocol):
    """Hands out `credentialStatus` entries (for example BitstringStatusListEntry objects).

    `allocate` gets the stable keys of the records about to be signed, in one call per
    chunk, and returns one entry per key, in order. Giving the same entry again for a key
    it has seen makes reruns idempotent; an entry whose record then fails stays unused.
    """

    def allocate(self, keys: Sequence[str]) -> Sequence[Mapping[str, Any]]:
        """One `credentialStatus` entry per key."""
