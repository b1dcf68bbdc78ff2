"""Demo step: the certificate as a Europass EDC too, stacked from a sealed EDC module and the
two Open Badges modules: ELM's own `hasPart`/`isPartOf`, the same pins, one seal."""

from __future__ import annotations

import copy

from ..cli.verify import describe
from ..model import RelatedAchievement, load_microcredential
from ..stacking import StackRule, stack, unbundle
from ..verifier import verify
from .core import DemoRun
from .data import CERTIFICATE, LEARNERS, MODULES, STACK_RULE, module_record
from .stacking import EDC_CERTIFICATE, EDC_COMPONENTS, EDC_MODULE, indent


def stack_in_europass(run: DemoRun) -> None:
    """Lotte's Python module again, as a sealed EDC part of the programme; the university
    stacks it with the two Open Badges modules into the certificate as a sealed EDC."""
    run.heading("The same certificate as a Europass EDC: one EDC module, two Open Badges")
    university = run.edc_issuers["university"]
    learner = {**LEARNERS[0], "id": run.holder("lotte")}
    programme = RelatedAchievement(id=CERTIFICATE["achievement_id"], title=CERTIFICATE["title"])
    [module] = unbundle([module_record(MODULES[0], learner)], university, part_of=programme)
    run.write(EDC_MODULE, module, role="credential", format="edc", suite="RS256", expect="verified")
    run.say(f"   {EDC_MODULE}: {MODULES[0]['title']} as a sealed EDC; its qualification")
    run.say("   isPartOf the certificate's programme (ELM's own term)")
    trusted = {run.issuers["university"].profile.id, run.issuers["college"].profile.id}
    components = [run.read(name) for name in EDC_COMPONENTS]
    certificate = stack(
        components,
        load_microcredential(copy.deepcopy(CERTIFICATE)),
        StackRule.from_json(STACK_RULE),
        university,
        trusted_issuers=trusted,
        trust_anchors=run.trust_anchors,
        status_lists=run.snapshots["award"],
    )
    run.write(
        EDC_CERTIFICATE, certificate, role="stack", format="edc", suite="RS256", expect="verified"
    )
    run.say(f"   {EDC_CERTIFICATE}: sealed; its LearningAchievement hasPart, each isPartOf it:")
    for name in EDC_COMPONENTS:
        run.say(f"     {name}")
    run.say("   the pins are the Open Badges certificate's (relatedResource, SHA2-384 over JCS);")
    run.say("   the rule sits on the claim's qualification (stackingRule)")
    result = verify(
        certificate,
        components=components,
        trusted_issuers=trusted,
        trust_anchors=run.trust_anchors,
        loader=run.loader,
        status_lists=run.snapshots["award"],
    )
    run.say(indent(describe(result)))
