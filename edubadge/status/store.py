"""The status store: one interface for status-list allocations, statuses and their audit trail.

A store hands out list indexes (at random, never twice), keeps each credential's status
values and who changed them, and remembers what was last published. Every write is atomic
and durable before the call returns. Backends: SQLite (`sqlite.py`, one file, the embedded
default) and PostgreSQL (`postgres.py`, for several processes or machines).
"""

from __future__ import annotations

import hashlib
import json
import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..datamodel import is_url
from ..errors import StatusChangeError, StatusListError, StatusStoreError
from .bitstring import MIN_ENTRIES, Bitstring

DEFAULT_DB = "sqlite:///edubadge-status.db"
PURPOSES = ("revocation", "suspension", "message", "refresh")


@dataclass(frozen=True)
class PurposeSpec:
    """One status purpose of a list: its name, bits per status and, for messages, the texts."""

    purpose: str
    size: int = 1
    messages: tuple[tuple[str, str], ...] = ()  # (status as "0x..", message), one per value
    reference: str | None = None

    def __post_init__(self) -> None:
        if self.purpose not in PURPOSES:
            raise StatusListError(
                f"unknown status purpose {self.purpose!r}", hint="use " + ", ".join(PURPOSES)
            )
        if not 1 <= self.size <= 8:
            raise StatusListError(f"statusSize {self.size} is not 1 to 8 bits")
        if (self.size > 1 or self.messages) and len(self.messages) != 1 << self.size:
            raise StatusListError(
                f"a statusSize of {self.size} needs {1 << self.size} status messages, "
                f"not {len(self.messages)}"
            )
        if self.reference is not None and not is_url(self.reference):
            raise StatusListError(f"statusReference {self.reference!r} is not a URL")

    def to_json(self) -> dict[str, Any]:
        """JSON form, as stored."""
        data: dict[str, Any] = {"purpose": self.purpose, "size": self.size}
        if self.messages:
            data["messages"] = [list(m) for m in self.messages]
        if self.reference:
            data["reference"] = self.reference
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PurposeSpec:
        """Read the stored JSON form."""
        messages = tuple((str(s), str(m)) for s, m in data.get("messages", ()))
        return cls(data["purpose"], int(data["size"]), messages, data.get("reference"))


REVOCATION = PurposeSpec("revocation")
SUSPENSION = PurposeSpec("suspension")


@dataclass(frozen=True)
class ListSpec:
    """What a list is for: whose, where it is published, its purposes and its length.

    Credentials issued with the same spec share lists; one allocated index has a status
    for every purpose, each purpose published as its own status list credential at
    `{base_url}/{purpose}-{list id}.json`.
    """

    issuer: str
    base_url: str
    purposes: tuple[PurposeSpec, ...] = (REVOCATION,)
    length: int = MIN_ENTRIES

    def __post_init__(self) -> None:
        if not is_url(self.issuer):
            raise StatusListError(f"the issuer {self.issuer!r} is not a URL")
        if urlsplit(self.base_url).scheme not in ("https", "http") or "#" in self.base_url:
            raise StatusListError(
                f"the status list base URL {self.base_url!r} is not an http(s) URL",
                hint="e.g. https://university.example/status",
            )
        names = [p.purpose for p in self.purposes]
        if not names or len(set(names)) != len(names):
            raise StatusListError("a list needs one or more distinct status purposes")
        if self.length < MIN_ENTRIES:
            raise StatusListError(
                f"a status list needs at least {MIN_ENTRIES} entries (herd privacy), "
                f"not {self.length}"
            )

    def purpose(self, name: str) -> PurposeSpec:
        """The spec of one purpose; a `StatusChangeError` if the list has no such purpose."""
        for spec in self.purposes:
            if spec.purpose == name:
                return spec
        raise StatusChangeError(f"these credentials were issued without a {name} status entry")

    def url(self, list_id: int, purpose: str) -> str:
        """Where the status list credential of one list and purpose is published."""
        return f"{self.base_url.rstrip('/')}/{purpose}-{list_id}.json"

    def to_json(self) -> dict[str, Any]:
        """JSON form, as stored."""
        return {
            "issuer": self.issuer,
            "base_url": self.base_url,
            "purposes": [p.to_json() for p in self.purposes],
            "length": self.length,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ListSpec:
        """Read the stored JSON form."""
        purposes = tuple(PurposeSpec.from_json(p) for p in data["purposes"])
        return cls(data["issuer"], data["base_url"], purposes, int(data["length"]))

    @property
    def key(self) -> str:
        """A digest of the spec: lists with the same key take the same credentials."""
        canonical = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Allocation:
    """One index of one list, handed out to one credential."""

    list_id: int
    index: int
    spec: ListSpec
    credential_id: str | None = None


@dataclass(frozen=True)
class StatusList:
    """A list in the store: its spec and how many of its indexes are taken."""

    id: int
    spec: ListSpec
    used: int
    created_at: str

    @property
    def full(self) -> bool:
        """True when every index is taken (the next allocation opens a new list)."""
        return self.used >= self.spec.length


@dataclass(frozen=True)
class StatusChange:
    """A requested change: set `purpose` of entry (list_id, index) to `value`."""

    list_id: int
    index: int
    purpose: str
    value: int
    action: str  # revoke, suspend, reinstate, set


@dataclass(frozen=True)
class AuditEntry:
    """Who changed what, when and why (also publications, with no index)."""

    at: str
    actor: str
    action: str
    list_id: int
    index: int | None = None
    purpose: str | None = None
    old_value: int | None = None
    new_value: int | None = None
    reason: str | None = None
    credential_id: str | None = None


@dataclass(frozen=True)
class Publication:
    """The last signed status list credential of a list and purpose, and what it encodes."""

    list_id: int
    purpose: str
    bits_sha256: str
    document: str
    valid_until: str | None
    published_at: str


@dataclass
class StatusCounts:
    """How many entries of a list and purpose have each non-zero value."""

    list_id: int
    purpose: str
    counts: dict[int, int] = field(default_factory=dict)


def now_iso() -> str:
    """The current time in UTC, to the microsecond (audit entries)."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def check_change(spec: ListSpec, change: StatusChange, old: int) -> None:
    """Refuse a change the status rules forbid (revocation is final; only suspension lifts)."""
    purpose = spec.purpose(change.purpose)
    if not 0 <= change.value < 1 << purpose.size:
        raise StatusChangeError(f"status value {change.value} does not fit in {purpose.size} bits")
    if change.action == "reinstate" and change.purpose != "suspension":
        raise StatusChangeError("only a suspension can be lifted (reinstate)")
    if change.purpose == "revocation" and old and not change.value:
        raise StatusChangeError(
            "a revocation is final and cannot be undone",
            hint="issue a new credential instead",
        )


class StatusStore(ABC):
    """Allocations, status values, audit trail and publications, shared by many processes."""

    url: str  # where the store is, with any password removed

    def allocate(self, spec: ListSpec, credential_id: str | None = None) -> Allocation:
        """One fresh index for one credential (see `allocate_many`)."""
        return self.allocate_many(spec, 1, [credential_id])[0]

    @abstractmethod
    def allocate_many(
        self, spec: ListSpec, count: int, credential_ids: Sequence[str | None] | None = None
    ) -> list[Allocation]:
        """`count` fresh indexes in one atomic, durable transaction.

        Indexes come from a random permutation of each list, so none is handed out twice
        and their order says nothing about when they were issued; a full list is followed
        by a new one. `credential_ids`, if given, has one id (or None) per index.
        """

    @abstractmethod
    def lists(self, issuer: str | None = None) -> list[StatusList]:
        """Every list (of one issuer), oldest first."""

    @abstractmethod
    def get_list(self, list_id: int) -> StatusList:
        """One list; a `StatusChangeError` if there is none with this id."""

    @abstractmethod
    def find(self, credential_id: str) -> list[Allocation]:
        """The allocations made for a credential id."""

    @abstractmethod
    def allocation(self, list_id: int, index: int) -> Allocation | None:
        """The allocation of one index, or None if it was never handed out."""

    @abstractmethod
    def values(self, list_id: int, index: int) -> dict[str, int]:
        """The status value of every purpose of one entry (0 when never set)."""

    @abstractmethod
    def change(
        self, changes: Sequence[StatusChange], *, actor: str, reason: str | None = None
    ) -> list[AuditEntry]:
        """Apply status changes atomically and durably, each with an audit entry.

        All or none: one refused change (see `check_change`, or an index never handed out)
        raises `StatusChangeError` and nothing is written. A change to the value an entry
        already has is not written again and gets no audit entry.
        """

    @abstractmethod
    def bitstring(self, list_id: int, purpose: str) -> Bitstring:
        """The list's bitstring for one purpose, built from streamed rows (one list in memory)."""

    @abstractmethod
    def counts(self, list_id: int, purpose: str) -> StatusCounts:
        """How many entries have each non-zero value."""

    @abstractmethod
    def audit(self, list_id: int | None = None, index: int | None = None) -> list[AuditEntry]:
        """The audit trail (of a list, or of one entry), oldest first."""

    @abstractmethod
    def publication(self, list_id: int, purpose: str) -> Publication | None:
        """What was last published for a list and purpose."""

    @abstractmethod
    def save_publication(self, publication: Publication, *, actor: str) -> None:
        """Remember a publication (and audit it)."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection (the store cannot be used afterwards)."""

    def __enter__(self) -> StatusStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"


def redact(url: str) -> str:
    """A database URL without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


_POSTGRES_SCHEMES = ("postgresql", "postgres")


def _scheme(url: str) -> str:
    """The scheme of a database URL, lower case ("" for a plain path)."""
    return url.split(":", 1)[0].lower() if "://" in url else ""


def is_postgres_url(url: str) -> bool:
    """True for a `postgresql://` (or `postgres://`) URL."""
    return _scheme(url) in _POSTGRES_SCHEMES


def open_store(url: str | os.PathLike[str] | None = None) -> StatusStore:
    """Open (and create if needed) a store: `sqlite:///path`, a file path, or `postgresql://...`.

    Without a URL: the environment variable `EDUBADGE_STATUS_DB`, else
    `sqlite:///edubadge-status.db` in the current directory.
    """
    if url is None:
        url = os.environ.get("EDUBADGE_STATUS_DB") or DEFAULT_DB
    text = os.fspath(url)
    scheme = _scheme(text)
    if scheme in _POSTGRES_SCHEMES:
        from .postgres import PostgresStatusStore

        return PostgresStatusStore(text)
    if scheme == "sqlite":
        path = text.split("://", 1)[1]
        if not path.startswith("/") or path == "/":
            raise StatusStoreError(
                f"cannot read the SQLite URL {text!r}",
                hint="use sqlite:///relative/path.db or sqlite:////absolute/path.db",
            )
        text = path[1:]
    elif scheme:
        raise StatusStoreError(
            f"unsupported status store {redact(text)!r}",
            hint="use sqlite:///path.db, a file path, or postgresql://...",
        )
    from .sqlite import SqliteStatusStore

    return SqliteStatusStore(Path(text))
