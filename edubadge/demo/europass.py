"""Demo step: the same micro-credential as a Europass EDC (ELM 3.2)."""

from __future__ import annotations

from ..formats import edc
from .core import DemoRun
from .data import LEARNERS, course_record


def issue_edc(run: DemoRun) -> None:
    """The first learner's micro-credential as a European Digital Credential.

    An EDC is sealed with JAdES; this step writes it unsealed, so the verifier refuses it as
    it refuses anything unsigned. (Sealing comes with the JAdES module.)
    """
    run.heading("The same micro-credential as a Europass EDC (ELM 3.2, an image per language)")
    profile = run.issuers["university"].profile
    document = edc.to_credential(course_record(LEARNERS[0]), profile)
    name = "credential-1-edc-unsealed.json"
    run.write(name, document, role="credential", format="edc", suite=None, expect="invalid")
    languages = len(document["displayParameter"]["individualDisplay"])
    run.say(f"   {name}: EDC with {languages} rendered displays; unsealed, so refused")
