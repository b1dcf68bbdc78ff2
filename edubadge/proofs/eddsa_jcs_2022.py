"""eddsa-jcs-2022 (W3C VC DI EdDSA): JCS (RFC 8785), SHA-256, Ed25519."""

from __future__ import annotations

from typing import Any

from ..jsonld.canon import jcs, jcs_checked
from ..jsonld.loader import DocumentLoader
from .suite import Cryptosuite


class EddsaJcs2022(Cryptosuite):
    """eddsa-jcs-2022. JSON-LD safe mode still runs over the document (`jcs_checked`)."""

    name = "eddsa-jcs-2022"
    key_algorithms = ("Ed25519",)
    proof_carries_context = True

    def canonicalize(self, document: dict[str, Any], loader: DocumentLoader) -> bytes:
        return jcs(document)

    def canonicalize_document(self, document: dict[str, Any], loader: DocumentLoader) -> bytes:
        """JCS of the document, with JSON-LD safe mode over it in the same step."""
        return jcs_checked(document, loader)
