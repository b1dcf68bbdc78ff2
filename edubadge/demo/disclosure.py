"""Demo step: a stack the holder shows in part (ecdsa-sd-2023), undisclosed modules hidden."""

from __future__ import annotations

import copy

from ..cli.verify import describe
from ..errors import StackingError
from ..model import load_microcredential
from ..stacking import StackRule, disclose, stack
from ..verifier import verify
from .checking import published_lists
from .core import DemoRun
from .data import MINOR, MINOR_RULE
from .stacking import COMPONENT_FILES, indent


def disclose_components(run: DemoRun) -> None:
    """The P-256 partner awards a minor on two modules; Lotte shows an employer one of them."""
    run.heading("A minor Lotte can show in part: ecdsa-sd-2023 over the stack")
    partner = run.issuers["partner"]
    trusted = {run.issuers[n].profile.id for n in ("university", "college")}
    lists = published_lists(run)
    rule = StackRule.from_json(MINOR_RULE)
    record = load_microcredential(copy.deepcopy(MINOR))
    modules = {name: run.read(name) for name in COMPONENT_FILES}
    files = {f"component {m['id']}": name for name, m in modules.items()}
    try:
        stack(
            list(modules.values()),
            record,
            rule,
            partner,
            trusted_issuers=trusted,
            status_lists=lists,
        )
    except StackingError as refused:
        run.say("   stacking all three modules is refused, the revoked one named:")
        for what, why in refused.reasons:
            run.say(f"     {files.get(what, what)}: {why.split(' (', 1)[0]}")
    python, visualisation = modules[COMPONENT_FILES[0]], modules[COMPONENT_FILES[2]]
    base = stack(
        [python, visualisation], record, rule, partner, trusted_issuers=trusted, status_lists=lists
    )
    run.write(
        "minor-base.json",
        base,
        role="stack",
        format="ob3",
        suite="ecdsa-sd-2023",
        expect="invalid",
    )
    run.say(
        "   minor-base.json: 2 of the 3 modules, >= 10 ECTS; each pinned on its own evidence "
        "entry, selectively disclosable; the rest mandatory (for Lotte only: base proof)"
    )
    shown = disclose(base, [python], loader=run.loader)
    run.write(
        "minor-disclosed.json",
        shown,
        role="stack",
        format="ob3",
        suite="ecdsa-sd-2023",
        expect="verified",
    )
    hidden = visualisation["id"] not in str(shown)
    run.say(
        "   minor-disclosed.json: Lotte shows the Python module only; the other stays hidden"
        f" ({'not a trace of it' if hidden else 'STILL VISIBLE'})"
    )
    result = verify(
        shown,
        components=[python],
        trusted_issuers=trusted,
        loader=run.loader,
        status_lists=lists,
    )
    run.say(indent(describe(result)))
