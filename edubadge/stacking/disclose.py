"""Selective disclosure of a stack's components: the holder shows a verifier some, not all.

A stack signed with ecdsa-sd-2023 (see `build`) pins each component on its own `evidence`
entry, selectively disclosable; the rest of the stack is mandatory. `disclose` derives the
stack a verifier sees: the mandatory part and the entries of the chosen components only.
The verifier checks those components as usual; the rule's set clauses that the disclosed
components alone do not meet are reported as attested by the issuer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import InputError
from ..jsonld.loader import DocumentLoader
from ..proofs.data_integrity import derive
from .components import Pin, pins_of
from .digest import digest_matches


def _pointer(pin: Pin, stacked: Mapping[str, Any]) -> str:
    """The JSON pointer of a pin's entry, in the document's compacted form (a one-entry
    array of a term without `@set` is a single value there)."""
    member, _, index = pin.path.removeprefix("$.").partition("[")
    entries = stacked.get(member)
    if not index or (isinstance(entries, list) and len(entries) == 1):
        return f"/{member}"
    return f"/{member}/{index.rstrip(']')}"


def _wanted(pins: list[Pin], component: str | Mapping[str, Any]) -> Pin:
    wanted = component if isinstance(component, str) else component.get("id")
    for pin in pins:
        if pin.id != wanted:
            continue
        if isinstance(component, Mapping) and not digest_matches(component, list(pin.digests)):
            raise InputError(f"{wanted} is not the credential the stack pins (digest differs)")
        return pin
    known = ", ".join(p.id for p in pins) or "none"
    raise InputError(f"the stack pins no component {wanted!r}", hint=f"it pins: {known}")


def disclose(
    stacked: Mapping[str, Any],
    components: Sequence[str | Mapping[str, Any]],
    *,
    reveal: Sequence[str] = (),
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """The stack as a verifier sees it: what its issuer made mandatory, the pins of
    `components` (component ids, or the credentials themselves, which must match their
    pins), and any further JSON pointers in `reveal`. Everything else stays hidden.

    `stacked` is the stack with its ecdsa-sd-2023 base proof, as the holder received it.
    """
    pins = pins_of(stacked)
    chosen = [_wanted(pins, c) for c in components]
    pointers = [_pointer(pin, stacked) for pin in chosen]
    return derive(stacked, list(dict.fromkeys([*pointers, *reveal])), loader=loader)
