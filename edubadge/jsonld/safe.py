"""JSON-LD safe mode on top of pyld: every term must expand to an absolute IRI, nothing dropped.

pyld silently drops what it cannot map (an undefined term, a `null` value, a relative IRI that
toRDF later discards). A signature over the resulting quads then says nothing about the
dropped JSON, so an attacker could change it freely. `SafeProcessor` refuses such documents
with an `UnsafeTermError` naming the term and its JSON path.
"""

from __future__ import annotations

from typing import Any

from pyld import jsonld

from ..errors import EdubadgeError, JsonLdError, ResourceLimitError, UnsafeTermError

_BLANK_PREFIX = "_:"
# pyld resolves relative IRIs against a base (a made-up one when none is given), which hides
# them. Expanding against this reserved, never-real base makes every relative IRI visible.
RELATIVE_BASE = "https://relative-iri.edubadge.invalid/"


def json_path(parent: str, key: str | int) -> str:
    """Extend a JSON path (`$`, `$.a`, `$.a[0]`) by one key or index."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if key.isidentifier():
        return f"{parent}.{key}"
    return f"{parent}[{key!r}]"


def _index_paths(root: Any) -> dict[int, str]:
    """Map id() of every JSON object in `root` to its JSON path."""
    paths: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(root, "$")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            paths[id(value)] = path
            stack.extend((v, json_path(path, k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, json_path(path, i)) for i, v in enumerate(value))
    return paths


def find_path(root: Any, needle: str) -> str:
    """The JSON path of the first string equal to `needle` (or a key named so), else `$`."""
    stack: list[tuple[Any, str]] = [(root, "$")]
    while stack:
        value, path = stack.pop(0)
        if value == needle:
            return path
        if isinstance(value, dict):
            for k, v in value.items():
                if k == needle:
                    return json_path(path, k)
                stack.append((v, json_path(path, k)))
        elif isinstance(value, list):
            stack.extend((v, json_path(path, i)) for i, v in enumerate(value))
    return "$"


def has_duplicates(values: list[Any]) -> bool:
    """True when a set holds the same scalar, or the same identified node, twice."""
    seen: set[Any] = set()
    for value in values:
        if isinstance(value, dict):
            if not isinstance(value.get("id", value.get("@id")), str):
                continue  # two anonymous objects stay two blank nodes
            marker: Any = ("node", repr(sorted(value.items(), key=lambda kv: kv[0])))
        elif isinstance(value, list):
            continue
        else:
            marker = (type(value).__name__, value)
        if marker in seen:
            return True
        seen.add(marker)
    return False


def _is_absolute(iri: str) -> bool:
    return (
        bool(jsonld._is_absolute_iri(iri))
        and not iri.startswith(_BLANK_PREFIX)
        and not iri.startswith(RELATIVE_BASE)
    )


class SafeProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """A pyld processor that refuses what JSON-LD would silently lose."""

    def __init__(self) -> None:
        super().__init__()
        self._paths: dict[int, str] | None = None
        self._root: Any = None

    # pyld calls _expand first with the (copied) root document: index its objects' paths then.
    def _expand(
        self, active_ctx: Any, active_property: Any, element: Any, options: Any, *a: Any, **kw: Any
    ) -> Any:
        if self._paths is None:
            self._paths = _index_paths(element)
            self._root = element
        return super()._expand(active_ctx, active_property, element, options, *a, **kw)

    def _expand_object(
        self,
        active_ctx: Any,
        active_property: Any,
        expanded_active_property: Any,
        element: dict[str, Any],
        expanded_parent: Any,
        options: Any,
        inside_list: bool = False,
        type_key: Any = None,
        type_scoped_ctx: Any = None,
    ) -> Any:
        where = (self._paths or {}).get(id(element), "$")
        for key, value in element.items():
            if key == "@context":
                continue
            expanded = self._expand_iri(active_ctx, key, vocab=True)
            path = json_path(where, key)
            if expanded is None or not (
                jsonld._is_keyword(expanded) or jsonld._is_absolute_iri(expanded)
            ):
                raise UnsafeTermError(key, path, "term is not defined by any context")
            if expanded.startswith(_BLANK_PREFIX):
                raise UnsafeTermError(key, path, "a blank node cannot be a property")
            if value is None and expanded not in ("@value", "@language", "@direction"):
                raise UnsafeTermError(key, path, "a null value is dropped by JSON-LD")
            if isinstance(value, list):
                if any(v is None for v in value):
                    raise UnsafeTermError(key, path, "a null array item is dropped by JSON-LD")
                container = jsonld.JsonLdProcessor.get_context_value(active_ctx, key, "@container")
                ordered = expanded == "@list" or "@list" in (container or [])
                if not ordered and has_duplicates(value):
                    raise UnsafeTermError(key, path, "a repeated value is merged by JSON-LD")
            if expanded == "@type":
                # pyld expands @type values with the context from before type-scoped contexts
                self._check_types(type_scoped_ctx or active_ctx, value, path)
        return super()._expand_object(
            active_ctx,
            active_property,
            expanded_active_property,
            element,
            expanded_parent,
            options,
            inside_list=inside_list,
            type_key=type_key,
            type_scoped_ctx=type_scoped_ctx,
        )

    def _check_types(self, ctx: Any, value: Any, path: str) -> None:
        # Checked here, before the type's scoped context is missed, so the error names the type.
        values = value if isinstance(value, list) else [value]
        for i, t in enumerate(values):
            if not isinstance(t, str):
                continue
            iri = self._expand_iri(ctx, t, vocab=True, base=RELATIVE_BASE)
            if iri is None or not (jsonld._is_keyword(iri) or _is_absolute(iri)):
                where = json_path(path, i) if isinstance(value, list) else path
                raise UnsafeTermError(t, where, "type is not defined by any context")

    def expand(self, input_: Any, options: Any) -> Any:
        self._paths = None
        expanded = super().expand(input_, options)
        _check_expanded(expanded, self._root)
        return expanded


def _check_expanded(expanded: Any, root: Any) -> None:
    """Refuse relative IRIs left in the expanded form: toRDF would drop them silently."""
    stack = [expanded]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not isinstance(value, dict):
            continue
        node_id = value.get("@id")
        if isinstance(node_id, str) and not (
            node_id.startswith(_BLANK_PREFIX) or _is_absolute(node_id)
        ):
            original = node_id.removeprefix(RELATIVE_BASE)
            raise UnsafeTermError(original, find_path(root, original), "relative IRI reference")
        types = value.get("@type", [])
        for t in types if isinstance(types, list) else [types]:
            if isinstance(t, str) and not _is_absolute(t) and not t.startswith("@"):
                original = t.removeprefix(RELATIVE_BASE)
                raise UnsafeTermError(
                    original, find_path(root, original), "type is not defined by any context"
                )
        for key, item in value.items():
            if key in ("@value", "@id", "@type", "@language", "@direction", "@index"):
                continue
            stack.append(item)


def too_deep() -> ResourceLimitError:
    """The error for processing that ran out of Python stack (never a bare RecursionError)."""
    return ResourceLimitError(
        "JSON-LD processing went deeper than the recursion limit",
        hint="a context whose terms are defined through a very long chain of prefixes, "
        "or nesting far beyond what credentials use",
    )


def unwrap(error: BaseException) -> EdubadgeError:
    """Turn a pyld error into ours: our own error if one caused it, else the innermost cause."""
    innermost = error
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, EdubadgeError):
            return cause
        if isinstance(cause, RecursionError):
            return too_deep()
        innermost = cause
        cause = cause.__cause__ or cause.__context__
    message = innermost.args[0] if innermost.args else type(innermost).__name__
    code = getattr(innermost, "code", None)
    suffix = f" ({code})" if code else ""
    return JsonLdError(f"JSON-LD processing failed: {str(message).rstrip('.')}{suffix}")
