"""An issuer's status lists: entries at issue time, revoke, suspend, reinstate, show, publish."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..datamodel import as_list
from ..errors import StatusChangeError, StatusListError
from ..jsonld.loader import DocumentLoader
from ..keys.signer import Signer
from .bitstring import MIN_ENTRIES
from .credential import credential_status
from .publish import DEFAULT_TTL_MS, DEFAULT_VALIDITY, Published, publish
from .store import (
    Allocation,
    AuditEntry,
    ListSpec,
    PurposeSpec,
    StatusChange,
    StatusStore,
)

_LIST_FILE = re.compile(r"/([a-z]+)-(\d+)\.json$")

Target = str | Mapping[str, Any]


@dataclass(frozen=True)
class EntryStatus:
    """What `show` reports for one allocated index."""

    allocation: Allocation
    values: dict[str, int]
    urls: dict[str, str]
    audit: list[AuditEntry]

    def describe(self, purpose: str) -> str:
        """A word for a purpose's value: revoked/suspended/set, or the status message."""
        value = self.values[purpose]
        spec = self.allocation.spec.purpose(purpose)
        if spec.messages:
            return spec.messages[value][1]
        words = {"revocation": "revoked", "suspension": "suspended"}
        return words.get(purpose, "set") if value else "not " + words.get(purpose, "set")


class StatusLists:
    """The status lists of one issuer, kept in a `StatusStore`.

    `issuer` and `base_url` (where the lists will be published) are needed to hand out
    status entries; revoking, suspending, reinstating and showing only need the store.
    `purposes` are names (`revocation`, `suspension`) or `PurposeSpec`s (for `message`).
    """

    def __init__(
        self,
        store: StatusStore,
        *,
        issuer: str | None = None,
        base_url: str | None = None,
        purposes: Sequence[str | PurposeSpec] = ("revocation",),
        length: int = MIN_ENTRIES,
    ) -> None:
        self.store = store
        self.spec: ListSpec | None = None
        if issuer is not None and base_url is not None:
            specs = tuple(p if isinstance(p, PurposeSpec) else PurposeSpec(p) for p in purposes)
            self.spec = ListSpec(issuer, base_url, specs, length)
        elif issuer is not None or base_url is not None:
            raise StatusListError("status entries need both the issuer and the base URL")

    def __repr__(self) -> str:
        return f"StatusLists({self.store!r}, spec={self.spec!r})"

    # --- issuing -------------------------------------------------------------------------

    def _spec(self) -> ListSpec:
        if self.spec is None:
            raise StatusListError(
                "no status list spec: give StatusLists an issuer and a base_url to issue entries"
            )
        return self.spec

    def entries(self, credential_id: str | None = None) -> dict[str, Any] | list[dict[str, Any]]:
        """A fresh `credentialStatus` value (one entry per purpose) for one credential."""
        return credential_status(self.store.allocate(self._spec(), credential_id))

    def entries_many(
        self, credential_ids: Sequence[str | None]
    ) -> list[dict[str, Any] | list[dict[str, Any]]]:
        """`credentialStatus` values for many credentials, allocated in one transaction."""
        allocations = self.store.allocate_many(self._spec(), len(credential_ids), credential_ids)
        return [credential_status(a) for a in allocations]

    def allocate(self, keys: Sequence[str]) -> list[Any]:
        """The batch issuer's `StatusAllocator`: one `credentialStatus` value per key (the
        credential id). A key allocated before with the same spec gets the same entries
        again, so a rerun of a batch reuses them."""
        spec = self._spec()
        found: dict[str, Allocation] = {}
        for key in keys:
            reuse = [a for a in self.store.find(key) if a.spec == spec]
            if reuse:
                found[key] = reuse[0]
        new = [key for key in dict.fromkeys(keys) if key not in found]
        found.update(zip(new, self.store.allocate_many(spec, len(new), new), strict=True))
        return [credential_status(found[key]) for key in keys]

    # --- finding what a target names -----------------------------------------------------

    def _from_url(self, url: str, index: int) -> Allocation | None:
        match = _LIST_FILE.search(url)
        if match is None:
            return None
        allocation = self.store.allocation(int(match.group(2)), index)
        if allocation is None or allocation.spec.url(allocation.list_id, match.group(1)) != url:
            return None
        return allocation

    def locate(self, target: Target) -> list[Allocation]:
        """The allocations a target names: a credential (dict), a credential id, or an entry id
        (`<status list URL>#<index>`)."""
        found: list[Allocation] = []
        if isinstance(target, Mapping):
            for entry in as_list(target.get("credentialStatus")):
                if not isinstance(entry, Mapping):
                    continue
                url, index = entry.get("statusListCredential"), entry.get("statusListIndex")
                if isinstance(url, str) and isinstance(index, str) and index.isdigit():
                    allocation = self._from_url(url, int(index))
                    if allocation is not None and allocation not in found:
                        found.append(allocation)
            credential_id = target.get("id")
            if not found and isinstance(credential_id, str):
                found = self.store.find(credential_id)
        else:
            url, _, index = target.rpartition("#")
            if url and index.isdigit():
                allocation = self._from_url(url, int(index))
                found = [allocation] if allocation is not None else []
            if not found:
                found = self.store.find(target)
        if not found:
            shown = target.get("id") if isinstance(target, Mapping) else target
            raise StatusChangeError(
                f"no status entry of {shown!r} in {self.store.url}",
                hint="name a credential (file or id) issued with this store, or an entry id",
            )
        return found

    # --- changing ------------------------------------------------------------------------

    def _change(
        self, target: Target, purpose: str, value: int, action: str, actor: str, reason: str | None
    ) -> list[AuditEntry]:
        changes = [
            StatusChange(a.list_id, a.index, purpose, value, action) for a in self.locate(target)
        ]
        return self.store.change(changes, actor=actor, reason=reason)

    def revoke(self, target: Target, *, actor: str, reason: str | None = None) -> list[AuditEntry]:
        """Revoke a credential for good (its `revocation` bit); audited with actor and reason."""
        return self._change(target, "revocation", 1, "revoke", actor, reason)

    def suspend(self, target: Target, *, actor: str, reason: str | None = None) -> list[AuditEntry]:
        """Suspend a credential (its `suspension` bit) until reinstated."""
        return self._change(target, "suspension", 1, "suspend", actor, reason)

    def reinstate(
        self, target: Target, *, actor: str, reason: str | None = None
    ) -> list[AuditEntry]:
        """Lift a suspension (a revocation cannot be lifted)."""
        return self._change(target, "suspension", 0, "reinstate", actor, reason)

    def set_message(
        self, target: Target, value: int, *, actor: str, reason: str | None = None
    ) -> list[AuditEntry]:
        """Set the `message` status of a credential to one of its status values."""
        return self._change(target, "message", value, "set", actor, reason)

    # --- reading -------------------------------------------------------------------------

    def show(self, target: Target) -> list[EntryStatus]:
        """Every status of what a target names, with the list URLs and the audit trail."""
        shown = []
        for allocation in self.locate(target):
            values = self.store.values(allocation.list_id, allocation.index)
            urls = {p: allocation.spec.url(allocation.list_id, p) for p in values}
            trail = self.store.audit(allocation.list_id, allocation.index)
            shown.append(EntryStatus(allocation, values, urls, trail))
        return shown

    def publish(
        self,
        directory: str | Path,
        signer: Signer,
        *,
        suite: str,
        actor: str,
        ttl_ms: int | None = DEFAULT_TTL_MS,
        validity: timedelta | None = DEFAULT_VALIDITY,
        now: datetime | None = None,
        loader: DocumentLoader | None = None,
    ) -> list[Published]:
        """Regenerate and write the signer's status list credentials (see `publish.publish`)."""
        return publish(
            self.store,
            Path(directory),
            signer,
            suite=suite,
            actor=actor,
            ttl_ms=ttl_ms,
            validity=validity,
            now=now,
            loader=loader,
        )
