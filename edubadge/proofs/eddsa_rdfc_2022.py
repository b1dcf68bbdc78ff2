"""eddsa-rdfc-2022 (W3C VC DI EdDSA): RDFC-1.0 canonical N-Quads, SHA-256, Ed25519."""

from __future__ import annotations

from .suite import RdfcCryptosuite


class EddsaRdfc2022(RdfcCryptosuite):
    """eddsa-rdfc-2022."""

    name = "eddsa-rdfc-2022"
    key_algorithms = ("Ed25519",)


class Eddsa2022(EddsaRdfc2022):
    """`eddsa-2022`: the draft name of eddsa-rdfc-2022, still found in early OB 3.0 badges.

    The algorithm is the same; the proof names the old suite, so that name is what was signed.
    edubadge verifies such proofs with a deprecation warning and never signs with this name.
    """

    name = "eddsa-2022"
    deprecated = "eddsa-rdfc-2022"
