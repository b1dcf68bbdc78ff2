"""The JSON-LD terms of stacking in Open Badges 3.0: context URL, term names, where they go.

The context `https://w3id.org/edubadge/stacking/v1` (bundled in `contexts/`) defines the
stacking rule (`stackingRule` on the Achievement) and the part/whole association (`hasPart`,
`isPartOf`, the ELM properties, defined exactly as the EDC context defines them). The pins
themselves are VC 2.0 terms: `relatedResource` entries with `digestMultibase`.
"""

from __future__ import annotations

from typing import Any, Final

from ..datamodel import as_list, contexts_of

STACKING_CONTEXT: Final = "https://w3id.org/edubadge/stacking/v1"
VOCAB: Final = "https://w3id.org/edubadge/stacking#"

# The media type that marks a `relatedResource` entry as a pinned component credential.
COMPONENT_MEDIA_TYPE: Final = "application/vc"

RULE: Final = "stackingRule"
HAS_PART: Final = "hasPart"
IS_PART_OF: Final = "isPartOf"


def with_stacking_context(credential: dict[str, Any]) -> dict[str, Any]:
    """The credential with the stacking context appended to `@context` (once)."""
    contexts = contexts_of(credential)
    if STACKING_CONTEXT not in contexts:
        credential["@context"] = [*as_list(credential.get("@context")), STACKING_CONTEXT]
    return credential
