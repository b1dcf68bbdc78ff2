"""Data Integrity proofs: the host algorithms and the registered cryptosuites."""

from .data_integrity import (
    ProofOutcome,
    add_proof,
    derive,
    proofs_of,
    verify_proof,
    verify_proofs,
)
from .registry import get_suite, register, suite_for_proof, suite_names
from .suite import Cryptosuite

__all__ = [
    "Cryptosuite",
    "ProofOutcome",
    "add_proof",
    "derive",
    "get_suite",
    "proofs_of",
    "register",
    "suite_for_proof",
    "suite_names",
    "verify_proof",
    "verify_proofs",
]
