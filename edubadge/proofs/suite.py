"""What a Data Integrity cryptosuite declares: its proof type, canonical form, hash and signature.

A suite is one module with one subclass; the host (`data_integrity`) does everything the
suites share. Most suites only say how a document becomes bytes (`canonicalize`); suites
whose proof value is more than one signature (selective disclosure) override
`create_proof_value` and `verify_proof_value`, and may offer `derive`.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import ProofError
from ..jsonld.canon import check, jcs, jcs_checked, jcs_checked_copy, rdfc
from ..jsonld.loader import DocumentLoader
from ..jsonld.shapes import copy_json
from ..keys.keypair import KeyPair
from ..keys.multikey import decode_multibase, encode_multibase
from ..keys.signer import Signer

_HASHES = {"sha256": hashlib.sha256, "sha384": hashlib.sha384}
_MAX_CONFIG_HASHES = 64  # per loader: the proof configurations of the last seconds
DATA_INTEGRITY_PROOF = "DataIntegrityProof"
# Contexts that define DataIntegrityProof: VC 2.0 includes it; VC 1.1 documents need one of these.
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
DATA_INTEGRITY_CONTEXTS = (
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/data-integrity/v1",
)


class Cryptosuite(ABC):
    """One cryptosuite: a declaration of the spec's steps.

    `proof_type` is the proof's `type`: `DataIntegrityProof` (the suite is then named by the
    proof's `cryptosuite`), or a legacy type that names the suite itself
    (`Ed25519Signature2020`). `key_algorithms` are the key types it signs with.
    """

    name: str
    proof_type: str = DATA_INTEGRITY_PROOF
    key_algorithms: tuple[str, ...]
    # JCS suites carry the document's @context inside the proof; RDFC suites do not.
    proof_carries_context: bool = False
    hash_name: str = "sha256"
    # A context the secured document must use (legacy suites define their terms in their own).
    suite_context: str | None = None
    # Options the suite consumes when signing; unlike proof options they are not in the proof.
    option_names: frozenset[str] = frozenset()
    # A legacy name kept for verifying old proofs only: what to sign with instead.
    deprecated: str | None = None

    @property
    def cryptosuite(self) -> str | None:
        """The proof's `cryptosuite` value (None when the proof type names the suite)."""
        return self.name if self.proof_type == DATA_INTEGRITY_PROOF else None

    def missing_context(self, contexts: Sequence[Any]) -> str | None:
        """The context a document with these contexts lacks to define this suite's proof terms.

        A DataIntegrityProof needs VC 2.0 or a Data Integrity context (VC 1.1 documents lack
        both); a legacy suite needs its own context.
        """
        if self.suite_context is not None:
            return None if self.suite_context in contexts else self.suite_context
        if CREDENTIALS_V2 in contexts or any(c in contexts for c in DATA_INTEGRITY_CONTEXTS):
            return None
        return DATA_INTEGRITY_CONTEXTS[0]

    def hash_for(self, key_algorithm: str | None) -> str:
        """The hash used with a key type (ECDSA on P-384 uses SHA-384)."""
        return self.hash_name

    def check_terms(self, document: dict[str, Any], loader: DocumentLoader) -> None:
        """JSON-LD safe mode over the document (an `UnsafeTermError` for anything unsafe).

        Suites whose canonical form is JSON-LD's own (RDFC) get this from `canonicalize`.
        """
        check(document, loader)

    @abstractmethod
    def canonicalize(
        self, document: dict[str, Any], loader: DocumentLoader, *, hash_name: str = "sha256"
    ) -> bytes:
        """The canonical bytes of a document (the unsecured document or the proof config).

        `hash_name` is the hash RDFC-1.0 uses inside canonicalisation (JCS ignores it).
        """

    def canonicalize_document(
        self, document: dict[str, Any], loader: DocumentLoader, *, hash_name: str = "sha256"
    ) -> bytes:
        """The canonical bytes of the unsecured document, after safe mode (`check_terms`)."""
        self.check_terms(document, loader)
        return self.canonicalize(document, loader, hash_name=hash_name)

    def signing_copy(
        self, document: dict[str, Any], loader: DocumentLoader
    ) -> tuple[dict[str, Any], bytes | None]:
        """A deep copy of the unsecured document, to sign and to return, and its canonical
        bytes when they come with it (`create_proof_value` then takes them as `canonical`)."""
        return copy_json(document), None

    def hash(self, data: bytes, hash_name: str | None = None) -> bytes:
        """The suite's hash (or the named one)."""
        name = hash_name or self.hash_name
        constructor = _HASHES.get(name)
        return (hashlib.new(name, data) if constructor is None else constructor(data)).digest()

    def hash_data(
        self,
        document: dict[str, Any],
        proof_config: dict[str, Any],
        loader: DocumentLoader,
        *,
        key_algorithm: str | None = None,
        canonical: bytes | None = None,
        signing: bool = False,
    ) -> bytes:
        """hash(canonical proof config) || hash(canonical document): the bytes that are signed.

        The document goes first: safe mode over it (`canonicalize_document`, unless its
        `canonical` bytes are given: `signing_copy` checked it), then the config (`signing`:
        through `signing_config_hash`).
        """
        name = self.hash_for(key_algorithm)
        if canonical is None:
            canonical = self.canonicalize_document(document, loader, hash_name=name)
        document_hash = self.hash(canonical, name)
        if signing:
            return self.signing_config_hash(proof_config, loader, name) + document_hash
        config = self.canonicalize(proof_config, loader, hash_name=name)
        return self.hash(config, name) + document_hash

    def signing_config_hash(
        self, proof_config: dict[str, Any], loader: DocumentLoader, hash_name: str
    ) -> bytes:
        """hash(canonical proof config) for a new proof, kept per loader when the config holds
        only strings: every proof a signer makes in the same second has the same config."""
        key = _strings_key(proof_config)
        kept = loader.proof_config_hashes
        digest = None if key is None else kept.get((type(self), hash_name, key))
        if digest is None:
            config = self.canonicalize(proof_config, loader, hash_name=hash_name)
            digest = self.hash(config, hash_name)
            if key is not None:
                if len(kept) >= _MAX_CONFIG_HASHES:
                    kept.clear()
                kept[type(self), hash_name, key] = digest
        return digest

    def sign(self, data: bytes, signer: Signer) -> str:
        """The proofValue for hash data: multibase base58btc of the raw signature."""
        return encode_multibase(signer.sign(data))

    def verify(self, data: bytes, proof_value: str, key: KeyPair) -> bool:
        """True when proof_value is a valid signature over data."""
        return key.verify(data, decode_multibase(proof_value, what="proofValue"))

    def create_proof_value(
        self,
        document: dict[str, Any],
        proof_config: dict[str, Any],
        signer: Signer,
        loader: DocumentLoader,
        options: Mapping[str, Any],
        *,
        canonical: bytes | None = None,
    ) -> str:
        """The proofValue securing `document` under `proof_config` (`options`: suite options;
        `canonical`: the document's bytes from `signing_copy`)."""
        data = self.hash_data(
            document,
            proof_config,
            loader,
            key_algorithm=signer.algorithm,
            canonical=canonical,
            signing=True,
        )
        return self.sign(data, signer)

    def verify_proof_value(
        self,
        document: dict[str, Any],
        proof_config: dict[str, Any],
        proof_value: str,
        key: KeyPair,
        loader: DocumentLoader,
    ) -> bool:
        """True when `proof_value` secures `document` under `proof_config` with `key`."""
        data = self.hash_data(document, proof_config, loader, key_algorithm=key.algorithm)
        return self.verify(data, proof_value, key)

    def derive(
        self,
        document: dict[str, Any],
        proof: Mapping[str, Any],
        selective_pointers: Sequence[str],
        loader: DocumentLoader,
    ) -> dict[str, Any]:
        """A selectively disclosed copy of `document` with a derived proof (if the suite can)."""
        raise ProofError(f"{self.name} proofs cannot be derived: it has no selective disclosure")

    @property
    def derivable(self) -> bool:
        """True when the suite supports selective disclosure (`derive`)."""
        return type(self).derive is not Cryptosuite.derive


def _strings_key(value: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """A hashable key of an object whose values are strings or arrays of strings, else None."""
    key: list[tuple[str, Any]] = []
    for name, item in value.items():
        if type(item) is str:
            key.append((name, item))
        elif type(item) is list and all(type(element) is str for element in item):
            key.append((name, tuple(item)))
        else:
            return None
    return tuple(key)


class RdfcCryptosuite(Cryptosuite):
    """A suite over RDFC-1.0 canonical N-Quads (safe mode runs inside canonicalisation)."""

    def check_terms(self, document: dict[str, Any], loader: DocumentLoader) -> None:
        """Nothing to add: RDFC-1.0 expands the document in safe mode anyway."""

    def canonicalize(
        self, document: dict[str, Any], loader: DocumentLoader, *, hash_name: str = "sha256"
    ) -> bytes:
        return rdfc(document, loader, hash_name=hash_name).encode("utf-8")


class JcsCryptosuite(Cryptosuite):
    """A suite over JCS (RFC 8785); JSON-LD safe mode still runs over the document."""

    proof_carries_context = True

    def canonicalize(
        self, document: dict[str, Any], loader: DocumentLoader, *, hash_name: str = "sha256"
    ) -> bytes:
        return jcs(document)

    def canonicalize_document(
        self, document: dict[str, Any], loader: DocumentLoader, *, hash_name: str = "sha256"
    ) -> bytes:
        """JCS of the document and safe mode over it in one step (`jcs_checked`)."""
        return jcs_checked(document, loader)

    def signing_copy(
        self, document: dict[str, Any], loader: DocumentLoader
    ) -> tuple[dict[str, Any], bytes | None]:
        """The copy and its JCS bytes, safe mode over it in the same step (`jcs_checked_copy`)."""
        return jcs_checked_copy(document, loader)
