"""The service's seam to credential status: allocate at issue, change, and serve the lists.

The HTTP layer only knows `StatusBackend`; `open_status` gives the one on the status store
(`status_store.StoreStatus`). A test or another deployment can pass its own to `Service`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from ..keys.signer import Signer
from .config import ServerConfig

Action = Literal["revoke", "suspend", "reinstate"]


@dataclass(frozen=True)
class ListDocument:
    """A status list credential to serve, and how long HTTP caches may keep it."""

    document: dict[str, Any]
    ttl_ms: int | None


@dataclass(frozen=True)
class SigningProfile:
    """What the status backend needs of an issuer profile to sign its lists."""

    name: str
    issuer_id: str
    signer: Signer
    suite: str


class StatusBackend(Protocol):
    """Status lists of the service's issuer profiles, kept in a store all processes share."""

    def entries(self, profile: str, credential_id: str) -> Any | None:
        """A fresh `credentialStatus` value for a credential (None: the profile has none)."""

    def change(
        self, profile: str, credential_id: str, action: Action, *, actor: str, reason: str | None
    ) -> None:
        """Revoke, suspend or reinstate a credential the profile issued."""

    def list_credential(self, profile: str, name: str) -> ListDocument:
        """The current signed status list credential `name` (e.g. `revocation-1.json`)."""

    def close(self) -> None:
        """Release the store."""


def open_status(
    config: ServerConfig, profiles: Mapping[str, SigningProfile], db: str | None
) -> StatusBackend:
    """The status backend: the status store at `db` (or `$EDUBADGE_STATUS_DB`, or the
    default SQLite file)."""
    from .status_store import StoreStatus

    return StoreStatus(config, profiles, db)
