"""Keys: generate and import key pairs, did:key, key files, and the `Signer` protocol."""

from .algorithms import KeyAlgorithm, algorithm_names, register_algorithm
from .did import controller_document, controller_document_of, did_key, resolve_did_key
from .keyfile import load_key, save_key
from .keypair import KeyPair, from_jwk, from_multikey, from_pem, from_seed, generate
from .resolve import VerificationMethod, resolve_verification_method
from .signer import Signer

__all__ = [
    "KeyAlgorithm",
    "KeyPair",
    "Signer",
    "VerificationMethod",
    "algorithm_names",
    "controller_document",
    "controller_document_of",
    "did_key",
    "from_jwk",
    "from_multikey",
    "from_pem",
    "from_seed",
    "generate",
    "load_key",
    "register_algorithm",
    "resolve_did_key",
    "resolve_verification_method",
    "save_key",
]
