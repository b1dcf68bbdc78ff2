"""The service's seam to credential status: allocate at issue, change, and serve the lists.

The HTTP layer only knows `StatusBackend`. `open_status` gives the store-backed one when
this build has `edubadge.status`, and otherwise `NoStatus`, whose every call answers 501.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from ..keys.signer import Signer
from .config import ServerConfig
from .problems import HttpProblem

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


def unavailable() -> HttpProblem:
    """501: this build has no status store."""
    return HttpProblem(
        501,
        "status-unavailable",
        "credential status is not available in this build of edubadge (no edubadge.status)",
    )


class NoStatus:
    """The backend of a build without status lists: issuing works, status calls answer 501."""

    def entries(self, profile: str, credential_id: str) -> Any | None:
        """No status entry: credentials are issued without `credentialStatus`."""
        return None

    def change(
        self, profile: str, credential_id: str, action: Action, *, actor: str, reason: str | None
    ) -> None:
        """Always 501."""
        raise unavailable()

    def list_credential(self, profile: str, name: str) -> ListDocument:
        """Always 501."""
        raise unavailable()

    def close(self) -> None:
        """Nothing to release."""


def open_status(
    config: ServerConfig, profiles: Mapping[str, SigningProfile], db: str | None
) -> StatusBackend:
    """The status backend for this build and configuration."""
    return NoStatus()
