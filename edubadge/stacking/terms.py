"""The JSON-LD terms of stacking: context URLs, term names, where they go.

The context `https://w3id.org/edubadge/stacking/v1` (bundled in `contexts/`) defines the
stacking rule (`stackingRule` on the OB 3.0 Achievement, or on the EDC claim's specification)
and the part/whole association (`hasPart`, `isPartOf`, the ELM properties, defined exactly as
the EDC context defines them). The pins themselves are VC 2.0 terms: `relatedResource` entries
with `digestMultibase`. A Europass EDC is a VC 1.1 credential, whose context lacks them:
`https://w3id.org/edubadge/related-resource/v1` defines those three terms with VC 2.0's own
IRIs, so a pin is the same RDF in both formats.
"""

from __future__ import annotations

from typing import Any, Final

from ..datamodel import as_list, contexts_of

STACKING_CONTEXT: Final = "https://w3id.org/edubadge/stacking/v1"
RELATED_RESOURCE_CONTEXT: Final = "https://w3id.org/edubadge/related-resource/v1"
VOCAB: Final = "https://w3id.org/edubadge/stacking#"

# The media type that marks a `relatedResource` entry as a pinned component credential.
COMPONENT_MEDIA_TYPE: Final = "application/vc"

RULE: Final = "stackingRule"
HAS_PART: Final = "hasPart"
IS_PART_OF: Final = "isPartOf"


def with_stacking_context(credential: dict[str, Any], *, pins: bool = False) -> dict[str, Any]:
    """The credential with the stacking context appended to `@context` (once); with `pins`,
    also the related-resource context (a VC 1.1 credential that pins components)."""
    wanted = [STACKING_CONTEXT, *([RELATED_RESOURCE_CONTEXT] if pins else [])]
    contexts = contexts_of(credential)
    missing = [url for url in wanted if url not in contexts]
    if missing:
        credential["@context"] = [*as_list(credential.get("@context")), *missing]
    return credential
