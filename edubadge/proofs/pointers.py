"""JSON Pointers (RFC 6901) and the selection of a compact JSON-LD document by pointers.

`select(document, pointers)` is the VC DI ECDSA `selectJsonLd` algorithm: the selection keeps
`@context`, and the `id` (unless a blank node) and `type` of every object on the way to each
pointed value, so the selected values keep their meaning.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from ..errors import ProofError

_HOLE = object()  # an unselected array position, removed once every pointer is applied


def parse_pointer(pointer: str) -> list[str | int]:
    """The reference tokens of a JSON Pointer (array indexes as ints)."""
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise ProofError(
            f"{pointer!r} is not a JSON pointer to a member",
            hint='pointers start with "/", e.g. "/credentialSubject/name"',
        )
    tokens: list[str | int] = []
    for token in pointer.split("/")[1:]:
        if "~" in token:
            if any(part[:1] not in ("0", "1") for part in token.split("~")[1:]):
                raise ProofError(f"JSON pointer {pointer!r} has an invalid escape in {token!r}")
            tokens.append(token.replace("~1", "/").replace("~0", "~"))
        elif token.isdigit() and (token == "0" or not token.startswith("0")):
            tokens.append(int(token))
        else:
            tokens.append(token)
    return tokens


def _child(value: Any, token: str | int, pointer: str) -> Any:
    if isinstance(value, list) and isinstance(token, int) and token < len(value):
        return value[token]
    if isinstance(value, dict) and str(token) in value:
        return value[str(token)]
    raise ProofError(f"JSON pointer {pointer!r} does not match the document (at {token!r})")


def _get(container: Any, token: str | int) -> Any:
    if isinstance(container, list):
        assert isinstance(token, int)
        return container[token] if token < len(container) else _HOLE
    return container.get(str(token), _HOLE)


def _set(container: Any, token: str | int, value: Any) -> None:
    if isinstance(container, list):
        assert isinstance(token, int)
        container.extend(_HOLE for _ in range(token + 1 - len(container)))
        container[token] = value
    else:
        container[str(token)] = value


def _initial_selection(source: Any) -> dict[str, Any]:
    selection: dict[str, Any] = {}
    if not isinstance(source, dict):
        return selection
    node_id = source.get("id")
    if isinstance(node_id, str) and not node_id.startswith("_:"):
        selection["id"] = node_id
    if "type" in source:
        selection["type"] = copy.deepcopy(source["type"])
    return selection


def _select_path(
    document: dict[str, Any], pointer: str, selection: dict[str, Any], arrays: list[list[Any]]
) -> None:
    tokens = parse_pointer(pointer)
    value: Any = document
    selected_parent: Any = selection
    selected: Any = selection
    for token in tokens:
        selected_parent = selected
        value = _child(value, token, pointer)
        selected = _get(selected_parent, token)
        if selected is _HOLE:
            if isinstance(value, list):
                selected = []
                arrays.append(selected)
            else:
                selected = _initial_selection(value)
            _set(selected_parent, token, selected)
    if isinstance(value, dict):
        selected = {**selected, **copy.deepcopy(value)}
    else:
        selected = copy.deepcopy(value)
    _set(selected_parent, tokens[-1], selected)


def _dense(array: list[Any]) -> None:
    array[:] = [item for item in array if item is not _HOLE]


def select(document: dict[str, Any], pointers: Sequence[str]) -> dict[str, Any] | None:
    """The part of `document` the pointers name (None when there are no pointers)."""
    if not pointers:
        return None
    arrays: list[list[Any]] = []
    selection: dict[str, Any] = {}
    if "@context" in document:
        selection["@context"] = copy.deepcopy(document["@context"])
    selection.update(_initial_selection(document))
    for pointer in pointers:
        _select_path(document, pointer, selection, arrays)
    for array in arrays:
        _dense(array)
    return selection
