"""Stacking: component micro-credentials provably linked into a larger credential.

- `stack(components, achievement, rule, issuer, ...)` builds and signs the larger credential;
  it pins each component (VC 2.0 `relatedResource` with `digestMultibase`), links it in OB 3.0
  `evidence[]`, and carries the rule (`StackRule`) on the achievement.
- `unbundle(modules, issuer, part_of=...)` issues module credentials that say which
  programme they are part of.
- `edubadge.verify(stacked, components=[...])` checks a stack as a whole.
- `disclose(stacked, components)` lets a holder show a selectively disclosable stack
  (ecdsa-sd-2023) with only some of its components.
- `component_digest(credential)` recomputes a pin's digest.
"""

from .build import stack, unbundle
from .components import is_stack, pins_of, rule_of, select_components
from .digest import component_digest, digest_matches
from .disclose import disclose
from .rules import Choice, ClauseOutcome, StackRule
from .terms import STACKING_CONTEXT
from .verify import ComponentOutcome, StackReport, check_stack

__all__ = [
    "STACKING_CONTEXT",
    "Choice",
    "ClauseOutcome",
    "ComponentOutcome",
    "StackReport",
    "StackRule",
    "check_stack",
    "component_digest",
    "digest_matches",
    "disclose",
    "is_stack",
    "pins_of",
    "rule_of",
    "select_components",
    "stack",
    "unbundle",
]
