"""Credential status: Bitstring Status List v1.0 lists, their store, issuing and checking."""

from .bitstring import MIN_ENTRIES, Bitstring
from .store import (
    Allocation,
    AuditEntry,
    ListSpec,
    PurposeSpec,
    StatusChange,
    StatusList,
    StatusStore,
    open_store,
)

__all__ = [
    "MIN_ENTRIES",
    "Allocation",
    "AuditEntry",
    "Bitstring",
    "ListSpec",
    "PurposeSpec",
    "StatusChange",
    "StatusList",
    "StatusStore",
    "open_store",
]
