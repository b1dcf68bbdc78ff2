"""edubadge: issue and verify EU micro-credentials as W3C Verifiable Credentials 2.0."""

from . import keys
from .errors import EdubadgeError
from .jsonld.loader import DocumentLoader
from .proofs.data_integrity import add_proof as sign
from .verifier import VerificationResult, verify

__version__ = "0.1.0"

__all__ = [
    "DocumentLoader",
    "EdubadgeError",
    "VerificationResult",
    "__version__",
    "keys",
    "sign",
    "verify",
]
