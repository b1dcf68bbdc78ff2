"""The neutral micro-credential model (EU Council Recommendation 2022, Annex I)."""

from .microcredential import (
    MANDATORY_ELEMENTS,
    CreditPoint,
    Entitlement,
    EscoSkill,
    Grade,
    GradingScheme,
    Identifier,
    Learner,
    LearningOutcome,
    MicroCredential,
    Organisation,
    QualityAssurance,
    RelatedAchievement,
    SkillReference,
    SupplementaryDocument,
    Text,
    load_microcredential,
)
from .vocab import Concept

__all__ = [
    "MANDATORY_ELEMENTS",
    "Concept",
    "CreditPoint",
    "Entitlement",
    "EscoSkill",
    "Grade",
    "GradingScheme",
    "Identifier",
    "Learner",
    "LearningOutcome",
    "MicroCredential",
    "Organisation",
    "QualityAssurance",
    "RelatedAchievement",
    "SkillReference",
    "SupplementaryDocument",
    "Text",
    "load_microcredential",
]
