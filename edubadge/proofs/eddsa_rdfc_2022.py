"""eddsa-rdfc-2022 (W3C VC DI EdDSA): RDFC-1.0 canonical N-Quads, SHA-256, Ed25519."""

from __future__ import annotations

from typing import Any

from ..jsonld.canon import rdfc
from ..jsonld.loader import DocumentLoader
from .suite import Cryptosuite


class EddsaRdfc2022(Cryptosuite):
    """eddsa-rdfc-2022."""

    name = "eddsa-rdfc-2022"
    key_algorithms = ("Ed25519",)

    def check_terms(self, document: dict[str, Any], loader: DocumentLoader) -> None:
        """Safe mode runs inside `canonicalize` (RDFC-1.0 expands the document anyway)."""

    def canonicalize(self, document: dict[str, Any], loader: DocumentLoader) -> bytes:
        return rdfc(document, loader).encode("utf-8")
