"""Data Integrity proofs: the host algorithms and the registered cryptosuites."""

from .data_integrity import ProofOutcome, add_proof, proofs_of, verify_proof, verify_proofs
from .registry import get_suite, register, suite_names
from .suite import Cryptosuite

__all__ = [
    "Cryptosuite",
    "ProofOutcome",
    "add_proof",
    "get_suite",
    "proofs_of",
    "register",
    "suite_names",
    "verify_proof",
    "verify_proofs",
]
