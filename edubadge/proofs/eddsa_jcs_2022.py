"""eddsa-jcs-2022 (W3C VC DI EdDSA): JCS (RFC 8785), SHA-256, Ed25519."""

from __future__ import annotations

from .suite import JcsCryptosuite


class EddsaJcs2022(JcsCryptosuite):
    """eddsa-jcs-2022."""

    name = "eddsa-jcs-2022"
    key_algorithms = ("Ed25519",)
