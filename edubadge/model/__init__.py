"""The neutral micro-credential model (EU Council Recommendation 2022, Annex I)."""

from .microcredential import (
    MANDATORY_ELEMENTS,
    CreditPoint,
    EscoSkill,
    Identifier,
    Learner,
    LearningOutcome,
    MicroCredential,
    Organisation,
    QualityAssurance,
    Text,
    load_microcredential,
)
from .vocab import Concept

__all__ = [
    "MANDATORY_ELEMENTS",
    "Concept",
    "CreditPoint",
    "EscoSkill",
    "Identifier",
    "Learner",
    "LearningOutcome",
    "MicroCredential",
    "Organisation",
    "QualityAssurance",
    "Text",
    "load_microcredential",
]
