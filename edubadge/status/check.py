"""Checking credential status: Bitstring Status List v1.0, StatusList2021 and 1EdTech lists.

A `StatusResolver` gets each status list from the documents the caller supplies or, only
when given one, from a `Fetcher`; it verifies the list credential once (its proof through
the same pipeline as any credential, its issuer, its type) and caches the decoded bits
until its `ttl` (or the HTTP cache lifetime, or `validUntil`) runs out. A check against a
cached list is a dictionary lookup and a bit test.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..datamodel import as_list, is_url, parse_datetime_stamp, types_of
from ..errors import EdubadgeError, StatusError, StatusListError
from ..jsonld.loader import DocumentLoader, default_loader
from ..net.fetcher import Fetcher
from ..parsing import parse_json
from ..problems import Check
from .bitstring import MIN_ENTRIES, decode, get_status

ACCEPT = ("application/vc", "application/vc+ld+json", "application/ld+json", "application/json")
DEFAULT_TTL_S = 300.0  # cache life of a fetched list that states no ttl and no max-age
BITSTRING = "BitstringStatusListEntry"
STATUS_LIST_2021 = "StatusList2021Entry"
REVOCATION_LIST_1EDTECH = "1EdTechRevocationList"
# entry type -> (list credential type, list type, multibase encodedList)
_BITSTRING_KINDS = {
    BITSTRING: ("BitstringStatusListCredential", "BitstringStatusList", True),
    STATUS_LIST_2021: ("StatusList2021Credential", "StatusList2021", False),
}


class StatusCheckError(StatusError):
    """A status entry that could not be checked; `kind` names the problem type."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


@dataclass(frozen=True)
class StatusResult:
    """The status one entry of a credential points to."""

    type: str
    purpose: str
    value: int
    list: str
    index: int | None = None
    message: str | None = None

    @property
    def revoked(self) -> bool:
        """True for a set revocation status."""
        return self.purpose == "revocation" and self.value != 0

    @property
    def suspended(self) -> bool:
        """True for a set suspension status."""
        return self.purpose == "suspension" and self.value != 0

    def describe(self) -> str:
        """One line: purpose, outcome and where it was read."""
        where = f"{self.list}#{self.index}" if self.index is not None else self.list
        if self.purpose == "message":
            outcome = f"message {self.message!r} (status {self.value:#x})"
        elif self.purpose in ("revocation", "suspension"):
            word = "revoked" if self.purpose == "revocation" else "suspended"
            outcome = word if self.value else f"not {word}"
            if self.value and self.message:
                outcome += f" ({self.message})"
        else:
            outcome = f"{'set' if self.value else 'unset'}"
        return f"{self.purpose}: {outcome} [{where}]"


class _List:
    """A verified, decoded status list as cached: what a check needs and nothing more."""

    __slots__ = ("bits", "issuer", "purposes", "refresh_at", "valid_from", "valid_until")

    def __init__(
        self,
        bits: bytes,
        issuer: str,
        purposes: frozenset[str],
        valid_from: float,
        valid_until: float,
        refresh_at: float,
    ) -> None:
        self.bits = bits
        self.issuer = issuer
        self.purposes = purposes
        self.valid_from = valid_from
        self.valid_until = valid_until
        self.refresh_at = refresh_at


def _index(value: object) -> int:
    if isinstance(value, str) and value.isdigit() and value.isascii():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value  # not a string as the spec asks; the verifier warns about it
    raise StatusCheckError(
        "MALFORMED_VALUE_ERROR", f"statusListIndex {value!r} is not a non-negative integer"
    )


def _size(entry: Mapping[str, Any]) -> int:
    size = entry.get("statusSize", 1)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise StatusCheckError(
            "MALFORMED_VALUE_ERROR", f"statusSize {size!r} is not an integer > 0"
        )
    if size > 8:
        raise StatusCheckError("MALFORMED_VALUE_ERROR", f"statusSize {size} is above 8 bits")
    return size


def _message(entry: Mapping[str, Any], size: int, value: int) -> str | None:
    messages = entry.get("statusMessage")
    if messages is None:
        if size > 1:
            raise StatusCheckError(
                "MALFORMED_VALUE_ERROR", f"statusSize {size} needs a statusMessage array"
            )
        return "set" if value else "unset"
    if not isinstance(messages, list) or len(messages) != 1 << size:
        raise StatusCheckError(
            "MALFORMED_VALUE_ERROR", f"statusMessage must be an array of {1 << size} messages"
        )
    for item in messages:
        status = item.get("status") if isinstance(item, dict) else None
        if isinstance(status, str) and status.lower().startswith("0x"):
            try:
                if int(status, 16) == value:
                    message = item.get("message")
                    return message if isinstance(message, str) else None
            except ValueError:
                pass
    raise StatusCheckError("MALFORMED_VALUE_ERROR", f"statusMessage has no message for {value:#x}")


class StatusResolver:
    """Status lists for verification: supplied `documents` (URL -> document) or a `fetcher`.

    Nothing is fetched without a fetcher. Share one resolver between verifications to
    share its cache; `loader` resolves the list credentials' contexts and issuer keys.
    """

    def __init__(
        self,
        documents: Mapping[str, Any] | None = None,
        *,
        fetcher: Fetcher | None = None,
        loader: DocumentLoader | None = None,
        default_ttl: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.documents = dict(documents or {})
        self.fetcher = fetcher
        self.loader = loader or default_loader()
        self.default_ttl = default_ttl
        self._clock = clock
        self._lists: dict[tuple[str, str], _List] = {}
        self._revoked: dict[str, tuple[dict[str, str | None], float]] = {}

    def __repr__(self) -> str:
        return f"StatusResolver({len(self.documents)} documents, fetcher={self.fetcher!r})"

    # --- getting documents ---------------------------------------------------------------

    def _get(self, url: str) -> tuple[Any, float | None]:
        """A document and its HTTP cache lifetime; supplied documents have none."""
        if url in self.documents:
            return self.documents[url], None
        if self.fetcher is None:
            raise StatusCheckError(
                "STATUS_RETRIEVAL_ERROR",
                f"no status list for {url}: supply it (status_lists) or pass a fetcher",
            )
        try:
            fetched = self.fetcher.fetch(url, accept=ACCEPT)
            document = parse_json(fetched.body, what=f"status list {url}")
        except EdubadgeError as error:
            raise StatusCheckError(
                "STATUS_RETRIEVAL_ERROR", f"cannot get {url}: {error.message}"
            ) from None
        return document, None if fetched.max_age is None else float(fetched.max_age)

    def _life(self, url: str, max_age: float | None, ttl: object, until: float | None) -> float:
        """Seconds a list may be cached: supplied lists for ever (their validity is checked at
        every use); fetched ones until the earliest of ttl, max-age and validUntil."""
        if url in self.documents:
            return float("inf")
        limits = [max_age] if max_age is not None else []
        if isinstance(ttl, int) and not isinstance(ttl, bool) and ttl >= 0:
            limits.append(ttl / 1000)
        life = min(limits) if limits else self.default_ttl
        return life if until is None else min(life, max(0.0, until))

    # --- Bitstring Status List and StatusList2021 ----------------------------------------

    def check(
        self, entry: Mapping[str, Any], *, issuer: str, now: datetime | None = None
    ) -> StatusResult:
        """The status of one `BitstringStatusListEntry` (or `StatusList2021Entry`).

        Raises `StatusCheckError` naming the problem type when the entry or its list is
        not acceptable.
        """
        kind = entry.get("type")
        if isinstance(kind, list) and len(kind) == 1:
            kind = kind[0]
        if kind not in _BITSTRING_KINDS:
            raise StatusCheckError("MALFORMED_VALUE_ERROR", f"not a status list entry: {kind!r}")
        purpose = entry.get("statusPurpose")
        url = entry.get("statusListCredential")
        if not isinstance(purpose, str) or not purpose:
            raise StatusCheckError("MALFORMED_VALUE_ERROR", "statusPurpose must be a string")
        if not isinstance(url, str) or not is_url(url):
            raise StatusCheckError("MALFORMED_VALUE_ERROR", "statusListCredential must be a URL")
        index = _index(entry.get("statusListIndex"))
        size = _size(entry) if kind == BITSTRING else 1
        stamp = now.timestamp() if now is not None else time.time()
        cached = self._lists.get((kind, url))
        if cached is None or cached.refresh_at <= self._clock():
            cached = self._load(kind, url, now or datetime.now(UTC))
        if not cached.valid_from <= stamp <= cached.valid_until:
            raise StatusCheckError(
                "STATUS_VERIFICATION_ERROR", f"the status list {url} is not valid at this time"
            )
        if cached.issuer != issuer:
            raise StatusCheckError(
                "STATUS_VERIFICATION_ERROR",
                f"the status list {url} was issued by {cached.issuer!r}, "
                f"not by the credential's issuer {issuer!r}",
            )
        if purpose not in cached.purposes:
            raise StatusCheckError(
                "STATUS_VERIFICATION_ERROR",
                f"the status list {url} is for {', '.join(sorted(cached.purposes))}, not {purpose}",
            )
        if len(cached.bits) * 8 // size < MIN_ENTRIES:
            raise StatusCheckError(
                "STATUS_LIST_LENGTH_ERROR",
                f"the status list {url} has {len(cached.bits) * 8 // size} entries; "
                f"at least {MIN_ENTRIES} are needed for herd privacy",
            )
        if (index + 1) * size > len(cached.bits) * 8:
            raise StatusCheckError(
                "RANGE_ERROR", f"statusListIndex {index} is outside the status list {url}"
            )
        value = get_status(cached.bits, index, size)
        message = _message(entry, size, value) if purpose == "message" else None
        return StatusResult(kind, purpose, value, url, index, message)

    def _load(self, kind: str, url: str, now: datetime) -> _List:
        from ..verifier import verify  # the list is a credential: the same checks apply

        document, max_age = self._get(url)
        credential_type, list_type, multibase = _BITSTRING_KINDS[kind]
        if not isinstance(document, dict) or credential_type not in types_of(document):
            raise StatusCheckError("STATUS_VERIFICATION_ERROR", f"{url} is not a {credential_type}")
        result = verify(document, loader=self.loader, now=now)
        if not result.verified:
            reasons = "; ".join(p.detail for p in result.problems) or "no proof verified"
            raise StatusCheckError(
                "STATUS_VERIFICATION_ERROR", f"the status list {url} does not verify: {reasons}"
            )
        subject = document.get("credentialSubject")
        if not isinstance(subject, dict) or list_type not in types_of(subject):
            raise StatusCheckError(
                "STATUS_VERIFICATION_ERROR", f"the subject of {url} is not a {list_type}"
            )
        purposes = as_list(subject.get("statusPurpose"))
        if not purposes or not all(isinstance(p, str) for p in purposes):
            raise StatusCheckError(
                "MALFORMED_VALUE_ERROR", f"the statusPurpose of {url} must be one or more strings"
            )
        encoded = subject.get("encodedList")
        if not isinstance(encoded, str):
            raise StatusCheckError("MALFORMED_VALUE_ERROR", f"{url} has no encodedList string")
        if not multibase and encoded.startswith("uH4sI"):
            encoded = encoded[1:]  # some StatusList2021 lists carry the multibase prefix
        try:
            bits = decode(encoded, multibase=multibase)
        except StatusListError as error:
            raise StatusCheckError("MALFORMED_VALUE_ERROR", f"{url}: {error.message}") from None
        issuer = document.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        legacy = "issuanceDate" in document and "validFrom" not in document
        start = parse_datetime_stamp(document.get("issuanceDate" if legacy else "validFrom"))
        end = parse_datetime_stamp(document.get("expirationDate" if legacy else "validUntil"))
        until = None if end is None else (end - now).total_seconds()
        life = self._life(url, max_age, subject.get("ttl"), until)
        cached = _List(
            bits,
            str(issuer_id),
            frozenset(purposes),
            start.timestamp() if start else float("-inf"),
            end.timestamp() if end else float("inf"),
            self._clock() + life,
        )
        self._lists[(kind, url)] = cached
        return cached

    # --- 1EdTech Revocation List ---------------------------------------------------------

    def check_revocation_list(
        self, entry: Mapping[str, Any], credential_id: object
    ) -> StatusResult:
        """The 1EdTech Revocation List status: is the credential's id in `revokedCredentials`?

        The list is plain JSON, not signed: it can only ever revoke, never make valid.
        """
        url = entry.get("id")
        if not isinstance(url, str) or not is_url(url):
            raise StatusCheckError(
                "MALFORMED_VALUE_ERROR", "a 1EdTechRevocationList status needs the list URL as id"
            )
        if not isinstance(credential_id, str):
            raise StatusCheckError(
                "MALFORMED_VALUE_ERROR",
                "a credential without an id cannot be found in a revocation list",
            )
        cached = self._revoked.get(url)
        if cached is None or cached[1] <= self._clock():
            document, max_age = self._get(url)
            life = self._life(url, max_age, None, None)
            revoked: dict[str, str | None] = {}
            items = document.get("revokedCredentials") if isinstance(document, dict) else None
            if not isinstance(items, list):
                raise StatusCheckError(
                    "MALFORMED_VALUE_ERROR", f"{url} has no revokedCredentials array"
                )
            for item in items:
                if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                    continue
                if item.get("revoked", True) is not False:
                    reason = item.get("revocationReason")
                    revoked[item["id"]] = reason if isinstance(reason, str) else None
            cached = (revoked, self._clock() + life)
            self._revoked[url] = cached
        hit = credential_id in cached[0]
        return StatusResult(
            REVOCATION_LIST_1EDTECH, "revocation", int(hit), url, None, cached[0].get(credential_id)
        )


def check_credential_status(
    document: Mapping[str, Any], resolver: StatusResolver, now: datetime, check: Check
) -> list[StatusResult]:
    """Check every `credentialStatus` entry, recording problems (REVOKED, SUSPENDED, ...)."""
    issuer = document.get("issuer")
    issuer_id = str(issuer.get("id") if isinstance(issuer, dict) else issuer)
    entries = document.get("credentialStatus")
    results = []
    for i, entry in enumerate(as_list(entries)):
        path = "$.credentialStatus" if isinstance(entries, dict) else f"$.credentialStatus[{i}]"
        if not isinstance(entry, dict):
            continue  # the data-model check reports it
        kinds = types_of(entry)
        try:
            if any(k in _BITSTRING_KINDS for k in kinds):
                if isinstance(entry.get("statusListIndex"), int):
                    check.warnings.append(f"{path}.statusListIndex should be a string of digits")
                result = resolver.check(entry, issuer=issuer_id, now=now)
            elif REVOCATION_LIST_1EDTECH in kinds:
                result = resolver.check_revocation_list(entry, document.get("id"))
            else:
                check.warnings.append(f"{path}: status type {kinds} is not supported: not checked")
                continue
        except StatusCheckError as error:
            check.fail(error.kind, error.message, path)
            continue
        results.append(result)
        if result.revoked:
            check.fail("REVOKED", f"the credential is revoked ({result.describe()})", path)
        elif result.suspended:
            check.fail("SUSPENDED", f"the credential is suspended ({result.describe()})", path)
    if results:
        check.detail = "; ".join(r.describe() for r in results)
    elif check.passed:
        check.outcome = "skipped"
        check.detail = "no supported status entry"
    return results
