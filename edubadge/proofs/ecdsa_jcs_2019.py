"""ecdsa-jcs-2019 (W3C VC DI ECDSA): JCS, ECDSA on P-256 (SHA-256) or P-384 (SHA-384)."""

from __future__ import annotations

from ..keys.ecdsa import curve_hash
from .suite import JcsCryptosuite


class EcdsaJcs2019(JcsCryptosuite):
    """ecdsa-jcs-2019."""

    name = "ecdsa-jcs-2019"
    key_algorithms = ("P-256", "P-384")

    def hash_for(self, key_algorithm: str | None) -> str:
        return curve_hash(key_algorithm)
