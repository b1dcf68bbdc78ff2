"""Reading a credential of either format: which format it is, what it records, who issued it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ..errors import InputError
from ..model import MicroCredential, Organisation
from . import edc, ob3


def detect_format(document: Mapping[str, Any]) -> Literal["ob3", "edc"]:
    """``"edc"`` for a European Digital Credential, ``"ob3"`` for an Open Badge."""
    if edc.is_edc(document):
        return "edc"
    types = edc.unwrap(document).get("type")
    types = types if isinstance(types, list) else [types]
    if {"OpenBadgeCredential", "AchievementCredential"} & set(types):
        return "ob3"
    raise InputError(
        "neither an Open Badges 3.0 credential nor a European Digital Credential",
        path="$.type",
        hint="OB 3.0 is typed OpenBadgeCredential, EDC EuropeanDigitalCredential",
    )


def read_credential(document: Mapping[str, Any]) -> tuple[MicroCredential, Organisation]:
    """The record and the issuer of an OB 3.0 credential or an EDC (also sealed: its payload
    is read, not verified). `InputError` for anything else."""
    if detect_format(document) == "ob3":
        record = ob3.from_credential(document)
        issuer = ob3.organisation_from_profile(document.get("issuer", {}), record.primary_language)
        return record, issuer
    inner = edc.unwrap(document)
    record = edc.from_credential(inner)
    node = inner.get("issuer")
    if not isinstance(node, Mapping):
        raise InputError("the EDC has no issuer object", path="$.issuer")
    return record, edc.organisation_from_agent(node)
