"""ecdsa-sd-2023 (W3C VC DI ECDSA): selective disclosure with ECDSA on P-256.

The issuer signs a base proof: every canonical statement (N-Quad, blank nodes labelled by an
HMAC) that is not mandatory gets its own signature by a one-time key, and the issuer's key
signs the proof options, that one-time key and the mandatory statements. The holder derives
a disclosure: the mandatory statements plus those its JSON pointers select, with their
signatures only. A verifier checks a derived proof; a base proof is refused (it is for the
holder only). The `mandatoryPointers` signing option lists the JSON pointers that every
disclosure must reveal.
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import ProofError
from ..jsonld.loader import DocumentLoader
from ..jsonld.quads import canonical_labels
from ..keys.ecdsa import P256
from ..keys.keypair import KeyPair, from_multikey, generate
from ..keys.multikey import encode_multibase
from ..keys.signer import Signer
from .ecdsa_sd_values import (
    HMAC_KEY_SIZE,
    BaseProofValue,
    DerivedProofValue,
    decode_base,
    decode_derived,
    encode_base,
    encode_derived,
)
from .pointers import parse_pointer, select
from .selective import (
    canonicalize_and_group,
    document_nquads,
    hmac_label_factory,
    label_map_factory,
)
from .suite import RdfcCryptosuite

MANDATORY_POINTERS = "mandatoryPointers"


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _pointers(value: Any, what: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ProofError(f"{what} are a list of JSON pointers")
    pointers = list(value)
    for pointer in pointers:
        parse_pointer(pointer)
    return pointers


class EcdsaSd2023(RdfcCryptosuite):
    """ecdsa-sd-2023.

    `hmac_key` and `proof_key` fix what is otherwise fresh for every proof; they exist to
    reproduce test vectors. Never fix them in production: one HMAC key across credentials
    makes their disclosures linkable.
    """

    name = "ecdsa-sd-2023"
    key_algorithms = (P256.name,)
    option_names = frozenset({MANDATORY_POINTERS})

    def __init__(self, *, hmac_key: bytes | None = None, proof_key: KeyPair | None = None) -> None:
        if hmac_key is not None and len(hmac_key) != HMAC_KEY_SIZE:
            raise ProofError(f"an ecdsa-sd-2023 HMAC key has {HMAC_KEY_SIZE} bytes")
        if proof_key is not None and (proof_key.algorithm != P256.name or not proof_key.has_secret):
            raise ProofError("the proof-scoped key is a P-256 key with its secret")
        self._hmac_key = hmac_key
        self._proof_key = proof_key

    def __repr__(self) -> str:
        return f"EcdsaSd2023(fixed keys={self._hmac_key is not None})"

    # --- issuer ----------------------------------------------------------------------------

    def create_proof_value(
        self,
        document: dict[str, Any],
        proof_config: dict[str, Any],
        signer: Signer,
        loader: DocumentLoader,
        options: Mapping[str, Any],
        *,
        canonical: bytes | None = None,  # never given: signing_copy gives no RDFC bytes
    ) -> str:
        mandatory_pointers = _pointers(options.get(MANDATORY_POINTERS, []), MANDATORY_POINTERS)
        hmac_key = self._hmac_key or os.urandom(HMAC_KEY_SIZE)
        grouping = canonicalize_and_group(
            document, hmac_label_factory(hmac_key), {"mandatory": mandatory_pointers}, loader
        )
        mandatory = grouping.groups["mandatory"]
        proof_hash = _sha256(self.canonicalize(proof_config, loader))
        mandatory_hash = _sha256("".join(mandatory.matching.values()).encode("utf-8"))
        proof_key = self._proof_key or generate(P256.name)
        signatures = [
            proof_key.sign(line.encode("utf-8")) for line in mandatory.non_matching.values()
        ]
        public_key = (P256.public_prefix or b"") + proof_key.public_bytes
        base_signature = signer.sign(proof_hash + public_key + mandatory_hash)
        return encode_base(
            BaseProofValue(base_signature, public_key, hmac_key, signatures, mandatory_pointers)
        )

    # --- holder ----------------------------------------------------------------------------

    def derive(
        self,
        document: dict[str, Any],
        proof: Mapping[str, Any],
        selective_pointers: Sequence[str],
        loader: DocumentLoader,
    ) -> dict[str, Any]:
        base = decode_base(proof.get("proofValue"))  # type: ignore[arg-type]
        selective = _pointers(selective_pointers, "selective pointers")
        combined = [*base.mandatory_pointers, *selective]
        if not combined:
            raise ProofError("nothing to disclose: give at least one JSON pointer")
        grouping = canonicalize_and_group(
            document,
            hmac_label_factory(base.hmac_key),
            {"mandatory": base.mandatory_pointers, "selective": selective, "combined": combined},
            loader,
        )
        groups = grouping.groups
        mandatory, chosen = groups["mandatory"].matching, groups["selective"].matching
        if len(base.signatures) != len(groups["mandatory"].non_matching):
            raise ProofError(
                "the base proof does not fit the document: it was changed after issuing"
            )
        mandatory_indexes = [
            relative
            for relative, absolute in enumerate(groups["combined"].matching)
            if absolute in mandatory
        ]
        signatures = []
        index = 0
        for signature in base.signatures:
            while index in mandatory:
                index += 1
            if index in chosen:
                signatures.append(signature)
            index += 1
        canonical = canonical_labels(groups["combined"].selected_quads)
        verifier_labels = {label: grouping.labels[source] for source, label in canonical.items()}
        reveal = select(document, combined)
        assert reveal is not None
        derived = copy.deepcopy(dict(proof))
        derived["proofValue"] = encode_derived(
            DerivedProofValue(
                base.base_signature, base.public_key, signatures, verifier_labels, mandatory_indexes
            )
        )
        reveal["proof"] = derived
        return reveal

    # --- verifier --------------------------------------------------------------------------

    def verify_proof_value(
        self,
        document: dict[str, Any],
        proof_config: dict[str, Any],
        proof_value: str,
        key: KeyPair,
        loader: DocumentLoader,
    ) -> bool:
        derived = decode_derived(proof_value)
        proof_hash = _sha256(self.canonicalize(proof_config, loader))
        lines = document_nquads(document, label_map_factory(derived.label_map), loader)
        indexes = set(derived.mandatory_indexes)
        if len(indexes) != len(derived.mandatory_indexes) or any(i >= len(lines) for i in indexes):
            raise ProofError("the derived proof's mandatory indexes do not fit the document")
        mandatory = [line for i, line in enumerate(lines) if i in indexes]
        optional = [line for i, line in enumerate(lines) if i not in indexes]
        if len(derived.signatures) != len(optional):
            raise ProofError(
                f"the derived proof signs {len(derived.signatures)} statements, "
                f"the document discloses {len(optional)}"
            )
        mandatory_hash = _sha256("".join(mandatory).encode("utf-8"))
        proof_key = from_multikey(encode_multibase(derived.public_key))
        if not key.verify(proof_hash + derived.public_key + mandatory_hash, derived.base_signature):
            return False
        return all(
            proof_key.verify(line.encode("utf-8"), signature)
            for line, signature in zip(optional, derived.signatures, strict=True)
        )
