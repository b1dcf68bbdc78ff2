"""What a Data Integrity cryptosuite declares: its canonical form, hash and signature steps."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from typing import Any

from ..jsonld.canon import check
from ..jsonld.loader import DocumentLoader
from ..keys.keypair import KeyPair
from ..keys.multikey import decode_multibase, encode_multibase
from ..keys.signer import Signer


class Cryptosuite(ABC):
    """One Data Integrity cryptosuite: a declaration of the spec's steps.

    The host (`data_integrity`) does everything the suites share: proof options, proof
    sets and chains, purposes, key resolution. A suite says how a document and a proof
    configuration become bytes (`canonicalize`), how those are hashed, and how the hash
    data is signed and checked.
    """

    name: str
    proof_type: str = "DataIntegrityProof"
    key_algorithms: tuple[str, ...]
    # JCS suites carry the document's @context inside the proof; RDFC suites do not.
    proof_carries_context: bool = False
    hash_name: str = "sha256"

    def check_terms(self, document: dict[str, Any], loader: DocumentLoader) -> None:
        """JSON-LD safe mode over the document (an `UnsafeTermError` for anything unsafe).

        Suites whose canonical form is JSON-LD's own (RDFC) get this from `canonicalize`.
        """
        check(document, loader)

    @abstractmethod
    def canonicalize(self, document: dict[str, Any], loader: DocumentLoader) -> bytes:
        """The canonical bytes of a document (the unsecured document or the proof config)."""

    def hash(self, data: bytes) -> bytes:
        """The suite's hash."""
        return hashlib.new(self.hash_name, data).digest()

    def hash_data(
        self, document: dict[str, Any], proof_config: dict[str, Any], loader: DocumentLoader
    ) -> bytes:
        """hash(canonical proof config) || hash(canonical document): the bytes that are signed."""
        return self.hash(self.canonicalize(proof_config, loader)) + self.hash(
            self.canonicalize(document, loader)
        )

    def sign(self, data: bytes, signer: Signer) -> str:
        """The proofValue for hash data: multibase base58btc of the raw signature."""
        return encode_multibase(signer.sign(data))

    def verify(self, data: bytes, proof_value: str, key: KeyPair) -> bool:
        """True when proof_value is a valid signature over data."""
        return key.verify(data, decode_multibase(proof_value, what="proofValue"))
