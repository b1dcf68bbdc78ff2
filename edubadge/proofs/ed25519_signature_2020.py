"""Ed25519Signature2020: the legacy Ed25519 suite many OB 3.0 wallets still hold.

Same recipe as eddsa-rdfc-2022 (RDFC-1.0, SHA-256, proofHash || docHash signed with
Ed25519); the proof's `type` names the suite and there is no `cryptosuite`. Its terms live
in its own context, which the secured document must carry: signing adds it when missing.
"""

from __future__ import annotations

from .suite import RdfcCryptosuite

ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"


class Ed25519Signature2020(RdfcCryptosuite):
    """Ed25519Signature2020."""

    name = "Ed25519Signature2020"
    proof_type = "Ed25519Signature2020"
    key_algorithms = ("Ed25519",)
    suite_context = ED25519_2020_CONTEXT
