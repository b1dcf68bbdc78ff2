"""ecdsa-rdfc-2019 (W3C VC DI ECDSA): RDFC-1.0, ECDSA on P-256 (SHA-256) or P-384 (SHA-384).

For P-384 keys SHA-384 is used everywhere: inside RDFC-1.0 canonicalisation (it changes the
blank node labels), for both hashes, and in the signature.
"""

from __future__ import annotations

from ..keys.ecdsa import curve_hash
from .suite import RdfcCryptosuite


class EcdsaRdfc2019(RdfcCryptosuite):
    """ecdsa-rdfc-2019."""

    name = "ecdsa-rdfc-2019"
    key_algorithms = ("P-256", "P-384")

    def hash_for(self, key_algorithm: str | None) -> str:
        return curve_hash(key_algorithm)
