"""The wire documents: `BitstringStatusListEntry` for credentials, the status list credential."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..datamodel import VC2_CONTEXT
from .bitstring import Bitstring
from .store import Allocation, PurposeSpec

ENTRY_TYPE = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
LIST_TYPE = "BitstringStatusList"


def status_entry(allocation: Allocation, purpose: PurposeSpec) -> dict[str, Any]:
    """The `credentialStatus` entry of one purpose for an allocated index."""
    url = allocation.spec.url(allocation.list_id, purpose.purpose)
    entry: dict[str, Any] = {
        "id": f"{url}#{allocation.index}",
        "type": ENTRY_TYPE,
        "statusPurpose": purpose.purpose,
        "statusListIndex": str(allocation.index),
        "statusListCredential": url,
    }
    if purpose.messages:
        entry["statusSize"] = purpose.size
        entry["statusMessage"] = [{"status": s, "message": m} for s, m in purpose.messages]
    if purpose.reference:
        entry["statusReference"] = purpose.reference
    return entry


def credential_status(allocation: Allocation) -> dict[str, Any] | list[dict[str, Any]]:
    """The `credentialStatus` value: one entry per purpose (a lone entry is not wrapped).

    A single object is what the Open Badges 3.0 JSON Schema accepts; several purposes make
    an array, which VC 2.0 allows but that schema does not.
    """
    entries = [status_entry(allocation, purpose) for purpose in allocation.spec.purposes]
    return entries[0] if len(entries) == 1 else entries


def _stamp(instant: datetime) -> str:
    return instant.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def list_credential(
    *,
    url: str,
    issuer: str,
    purpose: str,
    bits: Bitstring,
    valid_from: datetime,
    validity: timedelta | None,
    ttl_ms: int | None,
) -> dict[str, Any]:
    """An unsigned `BitstringStatusListCredential` for one list and purpose.

    `statusSize` and `statusMessage` ride in the entries of the credentials: the VC 2.0
    context defines only `statusPurpose`, `encodedList` and `ttl` on the list itself.
    """
    subject: dict[str, Any] = {
        "id": f"{url}#list",
        "type": LIST_TYPE,
        "statusPurpose": purpose,
        "encodedList": bits.encode(),
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    document: dict[str, Any] = {
        "@context": [VC2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": _stamp(valid_from),
    }
    if validity is not None:
        document["validUntil"] = _stamp(valid_from + validity)
    document["credentialSubject"] = subject
    return document
