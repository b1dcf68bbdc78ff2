"""Envelopes that secure a whole document from outside: JAdES seals (EDC), compact JWS."""

from .jades import (
    ALGORITHMS,
    JADES_CHECK_IDS,
    SealingMaterial,
    SealVerification,
    is_jades,
    load_sealing_material,
    seal,
    verify_seal,
)

__all__ = [
    "ALGORITHMS",
    "JADES_CHECK_IDS",
    "SealVerification",
    "SealingMaterial",
    "is_jades",
    "load_sealing_material",
    "seal",
    "verify_seal",
]
