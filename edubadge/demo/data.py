"""The demo's institutions, course and learners."""

from __future__ import annotations

import copy
from typing import Any

from ..model import MicroCredential, load_microcredential

COURSE: dict[str, Any] = {
    "primary_language": "en",
    "title": {"en": "Data Analysis with Python", "nl": "Data-analyse met Python"},
    "description": {
        "en": "Cleaning, exploring, modelling and reporting tabular data with Python and pandas.",
        "nl": "Tabelgegevens opschonen, verkennen, modelleren en rapporteren met Python en pandas.",
    },
    "achievement_id": "https://micro.example-university.eu/achievements/data-analysis-python",
    "learning_outcomes": [
        {
            "text": "Clean, reshape and combine tabular data sets with pandas.",
            "skill_type": "skill",
        },
        {
            "text": "Explain the assumptions and limits of linear regression.",
            "skill_type": "knowledge",
        },
    ],
    "credits": [{"framework": "ECTS", "points": 5}],
    "volume_of_learning": "PT140H",
    "eqf_level": 6,
    "assessment_types": ["project work"],
    "participation_modes": ["blended"],
    "quality_assurance": [
        {
            "type": "institutional quality assurance",
            "body": {
                "id": "https://www.nvao.net/",
                "name": "NVAO (Accreditation Organisation of the Netherlands and Flanders)",
                "country": "NL",
            },
        }
    ],
    "issued": "2026-01-15T09:00:00Z",
    "awarded": "2026-01-10",
}
LEARNERS: tuple[dict[str, Any], ...] = (
    {"given_name": "Lotte", "family_name": "Janssens", "email": "lotte@student.example.eu"},
    {"given_name": "Mateo", "family_name": "García", "email": "mateo@student.example.eu"},
    {"given_name": "Ines", "family_name": "Kowalska", "email": "ines@student.example.eu"},
)
SHORT_COURSE: dict[str, Any] = {
    "title": "Lunchtime Workshop: Git Basics",
    "description": "A two-hour introduction to version control with git.",
    "learner": LEARNERS[0],
    "issued": "2026-02-01T12:00:00Z",
}
UNIVERSITY: dict[str, Any] = {
    "name": "Example University",
    "country": "BE",
    "url": "https://www.example-university.eu/",
}


def course_record(learner: dict[str, Any], **changes: Any) -> MicroCredential:
    """The demo course's micro-credential for one learner."""
    data = copy.deepcopy(COURSE)
    data["learner"] = learner
    data.update(changes)
    return load_microcredential(data)
