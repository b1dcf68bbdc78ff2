"""edubadge: issue and verify EU micro-credentials as W3C Verifiable Credentials 2.0."""

from . import keys
from .errors import EdubadgeError
from .jsonld.loader import DocumentLoader
from .presentations import PresentationResult, present, verify_presentation
from .proofs.data_integrity import add_proof as sign
from .proofs.data_integrity import derive
from .validation import ValidationReport, validate
from .verifier import VerificationResult, verify

__version__ = "0.1.0"

__all__ = [
    "DocumentLoader",
    "EdubadgeError",
    "PresentationResult",
    "ValidationReport",
    "VerificationResult",
    "__version__",
    "derive",
    "keys",
    "present",
    "sign",
    "validate",
    "verify",
    "verify_presentation",
]
