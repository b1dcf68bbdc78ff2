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
STATUS_BASE_URL = "https://www.example-university.eu/status"
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


# --- stacking: three modules from two issuers, stacked into a certificate ---------------------

COLLEGE: dict[str, Any] = {
    "name": "Hogeschool Noord",
    "country": "NL",
    "url": "https://www.hogeschool-noord.example/",
}
_UNI = "https://micro.example-university.eu/achievements/"
_COLLEGE = "https://www.hogeschool-noord.example/achievements/"
MODULES: tuple[dict[str, Any], ...] = (
    {"title": "Python for Data Analysis", "ects": 5, "id": _UNI + "python", "unbundled": True},
    {"title": "Applied Statistics", "ects": 5, "id": _UNI + "statistics", "unbundled": True},
    {"title": "Data Visualisation", "ects": 5, "id": _COLLEGE + "visualisation"},
)
CERTIFICATE: dict[str, Any] = {
    **{k: v for k, v in COURSE.items() if k not in ("credits", "issued", "awarded")},
    "title": "Certificate in Applied Data Science",
    "description": "Awarded for three modules in data analysis, statistics and visualisation.",
    "achievement_id": _UNI + "certificate-applied-data-science",
}
STACK_RULE: dict[str, Any] = {
    "allOf": [_UNI + "python", _UNI + "statistics"],
    "nOf": [{"atLeast": 1, "of": [_COLLEGE + "visualisation", _COLLEGE + "machine-learning"]}],
    "minimumCredits": 15,
}


def module_record(module: dict[str, Any], learner: dict[str, Any]) -> MicroCredential:
    """A module's micro-credential for one learner (the demo course, retitled)."""
    return course_record(
        learner,
        title=module["title"],
        description=f"The module {module['title']}.",
        achievement_id=module["id"],
        credits=[{"framework": "ECTS", "points": module["ects"]}],
    )


# --- a minor the holder can show in part (ecdsa-sd-2023): two of the modules ----------------

MINOR: dict[str, Any] = {
    **CERTIFICATE,
    "title": "Minor in Data Skills",
    "description": "Awarded for two modules of data analysis, statistics or visualisation.",
    "achievement_id": "https://www.example-uas.eu/achievements/minor-data-skills",
}
MINOR_RULE: dict[str, Any] = {
    "nOf": [
        {"atLeast": 2, "of": [_UNI + "python", _UNI + "statistics", _COLLEGE + "visualisation"]}
    ],
    "minimumCredits": 10,
}
