"""eddsa-jcs-2022 (W3C VC DI EdDSA): JCS (RFC 8785), SHA-256, Ed25519."""

from __future__ import annotations

from typing import Any

from ..jsonld.canon import jcs
from ..jsonld.loader import DocumentLoader
from .suite import Cryptosuite


class EddsaJcs2022(Cryptosuite):
    """eddsa-jcs-2022. The host still runs JSON-LD safe mode over the document."""

    name = "eddsa-jcs-2022"
    key_algorithms = ("Ed25519",)
    proof_carries_context = True

    def canonicalize(self, document: dict[str, Any], loader: DocumentLoader) -> bytes:
        return jcs(document)
