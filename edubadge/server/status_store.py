"""The status backend on an `edubadge.status` store (SQLite, or PostgreSQL for many machines).

Each issuer profile has its lists under `{base_url}/status/{profile}/`; the service serves
them at those URLs, regenerated from the store on every read (a list is signed again only
when its bits changed, see `edubadge.status.publish`). Changes go to the store in one
transaction with their audit entry, so a revocation is never lost, whichever process
takes it and whichever serves the list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import EdubadgeError, FetchError, StatusChangeError
from ..net.fetcher import Fetched, Fetcher
from ..status import StatusChange, StatusStore, open_store
from ..status.lists import StatusLists
from ..status.publish import MEDIA_TYPE, list_credential_for
from .config import ServerConfig
from .problems import HttpProblem
from .status import Action, ListDocument, SigningProfile

_LIST_NAME = re.compile(r"^([a-z]+)-([0-9]{1,18})\.json$")
_CHANGES = {
    "revoke": ("revocation", 1),
    "suspend": ("suspension", 1),
    "reinstate": ("suspension", 0),
}
ACTOR = "edubadge serve"  # who signs lists when a read finds them out of date
# A list signed on a read is valid from a minute before: a verification that began just
# before the list was signed again (after a revocation), or a verifier whose clock runs a
# little behind, must not find it "not yet valid".
CLOCK_SKEW = timedelta(minutes=1)


def _not_found(detail: str) -> HttpProblem:
    return HttpProblem(404, "not-found", detail)


class StoreStatus:
    """`StatusBackend` on a status store shared by every server process."""

    def __init__(
        self, config: ServerConfig, profiles: Mapping[str, SigningProfile], db: str | None
    ) -> None:
        self.store: StatusStore = open_store(db)
        self.profiles = dict(profiles)
        self.ttl_ms: dict[str, int] = {}
        self.lists: dict[str, StatusLists] = {}
        for profile in config.profiles:
            if profile.status is None or not profile.status.purposes:
                continue  # issued without credentialStatus
            self.ttl_ms[profile.name] = profile.status.ttl_ms
            self.lists[profile.name] = StatusLists(
                self.store,
                issuer=self.profiles[profile.name].issuer_id,
                base_url=list_base(config, profile.name),
                purposes=profile.status.purposes,
            )

    def __repr__(self) -> str:
        return f"StoreStatus({self.store!r})"

    def entries(self, profile: str, credential_id: str) -> Any | None:
        """Fresh entries, allocated in one transaction; None for a profile without status."""
        lists = self.lists.get(profile)
        return None if lists is None else lists.entries(credential_id)

    def change(
        self, profile: str, credential_id: str, action: Action, *, actor: str, reason: str | None
    ) -> None:
        """Change the status of the profile's credential `credential_id` (404 when it has
        none: the same id issued by another profile is never touched)."""
        issuer = self.profiles[profile].issuer_id
        mine = [a for a in self.store.find(credential_id) if a.spec.issuer == issuer]
        if not mine:
            raise _not_found(f"no credential {credential_id!r} with a status entry of yours")
        purpose, value = _CHANGES[action]
        changes = [StatusChange(a.list_id, a.index, purpose, value, action) for a in mine]
        try:
            self.store.change(changes, actor=actor, reason=reason)
        except StatusChangeError as error:  # a rule: revocation is final, no such purpose...
            raise HttpProblem(409, "status-conflict", str(error)) from None

    def list_credential(self, profile: str, name: str) -> ListDocument:
        """The signed list credential `name` of `profile`, up to date with the store."""
        match = _LIST_NAME.match(name)
        lists = self.lists.get(profile)
        if match is None or lists is None or lists.spec is None:
            raise _not_found(f"no status list {name!r} of {profile!r}")
        purpose, list_id = match.group(1), int(match.group(2))
        try:
            status_list = self.store.get_list(list_id)
        except StatusChangeError:
            raise _not_found(f"no status list {name!r} of {profile!r}") from None
        spec = status_list.spec
        if spec.issuer != lists.spec.issuer or spec.base_url != lists.spec.base_url:
            raise _not_found(f"no status list {name!r} of {profile!r}")
        if purpose not in {p.purpose for p in spec.purposes}:
            raise _not_found(f"list {list_id} has no {purpose} status")
        signing = self.profiles[profile]
        document, _ = list_credential_for(
            self.store,
            status_list,
            purpose,
            signing.signer,
            suite=signing.suite,
            actor=ACTOR,
            ttl_ms=self.ttl_ms[profile],
            now=datetime.now(UTC) - CLOCK_SKEW,
        )
        return ListDocument(document, self.ttl_ms[profile])

    def close(self) -> None:
        """Close the store's connection."""
        self.store.close()


def list_base(config: ServerConfig, profile: str) -> str:
    """Where a profile's status lists are served."""
    return f"{config.base_url}/status/{profile}"


class OwnListsFetcher:
    """The `Fetcher` verification uses for status lists: this service's own lists come
    straight from the store (never cached: a change shows at once), others from `fallback`
    (the configured network fetcher) or not at all."""

    def __init__(
        self, config: ServerConfig, backend: StoreStatus, fallback: Fetcher | None
    ) -> None:
        self._prefix = f"{config.base_url}/status/"
        self._backend = backend
        self._fallback = fallback

    def fetch(self, url: str, *, accept: tuple[str, ...]) -> Fetched:
        """An own list from the store, else the fallback's answer."""
        if url.startswith(self._prefix):
            profile, _, name = url.removeprefix(self._prefix).partition("/")
            try:
                found = self._backend.list_credential(profile, name)
            except (HttpProblem, EdubadgeError) as error:
                raise FetchError(f"{url}: {error}") from None
            body = json.dumps(found.document).encode("utf-8")
            return Fetched(url, MEDIA_TYPE, body, max_age=0)
        if self._fallback is None:
            raise FetchError(
                f"not fetched: {url} (this service fetches nothing; set fetch = true to allow)"
            )
        return self._fallback.fetch(url, accept=accept)
