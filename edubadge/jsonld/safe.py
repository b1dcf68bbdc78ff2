"""JSON-LD safe mode on top of pyld: every term must expand to an absolute IRI, nothing dropped.

pyld silently drops what it cannot map (an undefined term, a `null` value, a relative IRI that
toRDF later discards). A signature over the resulting quads then says nothing about the
dropped JSON, so an attacker could change it freely. `SafeProcessor` refuses such documents
with an `UnsafeTermError` naming the term and its JSON path.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from typing import Any

from pyld import jsonld

from ..errors import EdubadgeError, JsonLdError, ResourceLimitError, UnsafeTermError
from .pyld_caches import CachingProcessor

_BLANK_PREFIX = "_:"
XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_HTTPS = "https://www.w3.org/2001/XMLSchema#"
_BOOLEAN = frozenset({XSD + "boolean"})
_NUMERIC = frozenset(
    XSD + name
    for name in (
        "integer", "decimal", "float", "double", "int", "long", "short", "byte",
        "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
        "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
    )
)  # fmt: skip
# Keywords that carry data in node, value, list and set objects. Any other keyword as a key
# outside a context (`@vocab`, `@base`, `@version`, `@protected`...) is dropped by expansion.
_DATA_KEYWORDS = frozenset(
    {
        "@id", "@type", "@graph", "@included", "@reverse", "@index", "@nest",
        "@value", "@language", "@direction", "@list", "@set",
    }
)  # fmt: skip
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


def repeats_a_context(context: Any) -> bool:
    """True for a `@context` array that lists one context twice (JSON-LD applies it again to
    the same effect, so RDFC signs a document with and without the repeat alike)."""
    if not isinstance(context, list):
        return False
    seen = [c if isinstance(c, str) else json.dumps(c, sort_keys=True) for c in context]
    return len(set(seen)) != len(seen)


def has_duplicates(values: list[Any]) -> bool:
    """True when a set holds the same scalar, or the same identified node, twice."""
    seen: set[Any] = set()
    by_id: dict[str, list[dict[str, Any]]] | None = None  # made for the first identified node
    for value in values:
        if isinstance(value, dict):
            node_id = value.get("id", value.get("@id"))
            if not isinstance(node_id, str):
                continue  # two anonymous objects stay two blank nodes
            if by_id is None:
                by_id = {}
            alike = by_id.setdefault(node_id, [])
            # only nodes sharing an id can be the same node: compare whole ones only then
            if alike and _node_marker(value) in map(_node_marker, alike):
                return True
            alike.append(value)
            continue
        if isinstance(value, list):
            continue
        marker = (type(value).__name__, value)
        if marker in seen:
            return True
        seen.add(marker)
    return False


def _node_marker(node: dict[str, Any]) -> str:
    return repr(sorted(node.items(), key=lambda kv: kv[0]))


def _is_absolute(iri: str) -> bool:
    return (
        bool(jsonld._is_absolute_iri(iri))
        and not iri.startswith(_BLANK_PREFIX)
        and not iri.startswith(RELATIVE_BASE)
    )


class SafeProcessor(CachingProcessor):
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
                if repeats_a_context(value):
                    raise UnsafeTermError(
                        key,
                        json_path(where, key),
                        "a context listed twice: the repeat adds nothing that is signed",
                    )
                continue
            expanded = self._expand_iri(active_ctx, key, vocab=True)
            path = json_path(where, key)
            if expanded is None or not (
                jsonld._is_keyword(expanded) or jsonld._is_absolute_iri(expanded)
            ):
                raise UnsafeTermError(key, path, "term is not defined by any context")
            if expanded.startswith(_BLANK_PREFIX):
                raise UnsafeTermError(key, path, "a blank node cannot be a property")
            if jsonld._is_keyword(expanded) and expanded not in _DATA_KEYWORDS:
                raise UnsafeTermError(key, path, "a context keyword here is dropped by JSON-LD")
            if value is None and expanded not in ("@value", "@language", "@direction"):
                raise UnsafeTermError(key, path, "a null value is dropped by JSON-LD")
            container = jsonld.JsonLdProcessor.get_context_value(active_ctx, key, "@container")
            if isinstance(value, dict) and any(
                c in (container or []) for c in ("@language", "@index", "@id", "@type")
            ):
                _check_map(key, value, path)
            if (
                isinstance(value, list)
                and jsonld.JsonLdProcessor.get_context_value(active_ctx, key, "@type") != "@json"
            ):
                if any(v is None for v in value):
                    raise UnsafeTermError(key, path, "a null array item is dropped by JSON-LD")
                ordered = expanded == "@list" or "@list" in (container or [])
                if not ordered and not value:
                    raise UnsafeTermError(key, path, "an empty array is dropped by JSON-LD")
                if not ordered and any(isinstance(v, list) for v in value):
                    # [["a"], ["a"]] and ["a"] are the same statements: a set has no nesting
                    raise UnsafeTermError(key, path, "an array in an array is flattened by JSON-LD")
                if not ordered and has_duplicates(value):
                    raise UnsafeTermError(key, path, "a repeated value is merged by JSON-LD")
            if expanded == "@type":
                # pyld expands @type values with the context from before type-scoped contexts
                self._check_types(type_scoped_ctx or active_ctx, value, path)
            elif not jsonld._is_keyword(expanded):
                self._check_literals(active_ctx, key, value, path, options)
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

    def _check_literals(self, ctx: Any, key: str, value: Any, path: str, options: Any) -> None:
        """Refuse a literal that another JSON spelling signs the same: a scalar whose JSON type
        the context's datatype overrides, or a value object a plain value would say."""
        scoped = jsonld.JsonLdProcessor.get_context_value(ctx, key, "@context")
        if scoped is not None:  # the value is read in the term's own scoped context
            ctx = self._process_context(ctx, scoped, options, override_protected=True)
        coerce = jsonld.JsonLdProcessor.get_context_value(ctx, key, "@type")
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            where = json_path(path, i) if isinstance(value, list) else path
            if isinstance(item, dict):
                self._check_value_object(ctx, key, item, where, options)
                continue
            problem = coercion_problem(coerce, item)
            if problem:
                raise UnsafeTermError(key, where, problem)

    def _check_value_object(
        self, ctx: Any, key: str, item: dict[str, Any], path: str, options: Any
    ) -> None:
        members = {self._expand_iri(ctx, k, vocab=True): v for k, v in item.items()}
        if "@value" not in members or "@direction" in members or "@index" in members:
            return
        lexical, datatype = members["@value"], members.get("@type")
        if isinstance(datatype, str):
            datatype = self._expand_iri(ctx, datatype, vocab=True)
        language = members.get("@language")
        target = literal_form(lexical, datatype, language)
        for plain in native_spellings(lexical, datatype):
            same = self._expand_value(ctx, key, plain, options)
            if isinstance(same, dict) and "@value" in same and "@direction" not in same:
                form = literal_form(same["@value"], same.get("@type"), same.get("@language"))
                if form == target:
                    raise UnsafeTermError(
                        key, path, "a value object that the plain value says the same as"
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


def _check_map(key: str, value: dict[str, Any], path: str) -> None:
    """A language, index, id or type map: JSON-LD drops its nulls and empty arrays, flattens
    its nested arrays and merges its repeats."""
    for entry, items in value.items():
        where = json_path(path, entry)
        listed = items if isinstance(items, list) else [items]
        if any(item is None for item in listed):
            raise UnsafeTermError(key, where, "a null in a map is dropped by JSON-LD")
        if not listed:
            raise UnsafeTermError(key, where, "an empty array in a map is dropped by JSON-LD")
        if any(isinstance(item, list) for item in listed):
            raise UnsafeTermError(key, where, "a nested array in a map is flattened by JSON-LD")
        if has_duplicates(listed):
            raise UnsafeTermError(key, where, "a repeated value in a map is merged by JSON-LD")


def coercion_problem(coerce: Any, value: Any) -> str | None:
    """Why a JSON scalar under a term whose context coerces it to the datatype `coerce` is
    ambiguous (None when it is not): JSON-LD writes `true` and `"true"` under an xsd:boolean
    term as one statement, so the signature would not fix which one the JSON says."""
    expects = expected_json_type(coerce)
    kind = JSON_KINDS.get(type(value))
    if expects is None or kind is None or kind == expects:
        return None
    datatype = _xsd(str(coerce)).replace(XSD, "xsd:")
    return f"a JSON {kind} where the context makes the value an {datatype}"


JSON_KINDS: dict[type, str] = {bool: "boolean", int: "number", float: "number", str: "string"}


def expected_json_type(coerce: Any) -> str | None:
    """The JSON type ("boolean", "number", "string") a term coerced to the datatype `coerce`
    must be written in; None when the term has no datatype (`@id`, `@vocab`, none)."""
    if not isinstance(coerce, str) or coerce.startswith("@"):
        return None
    coerce = _xsd(coerce)
    if coerce in _BOOLEAN:
        return "boolean"
    return "number" if coerce in _NUMERIC else "string"


def _xsd(iri: str) -> str:
    """An XML Schema datatype IRI in its http form (the OB 3.0 contexts write https)."""
    return XSD + iri[len(_XSD_HTTPS) :] if iri.startswith(_XSD_HTTPS) else iri


def native_spellings(lexical: Any, datatype: Any) -> list[Any]:
    """The plain JSON values that could stand for a value object's literal."""
    spellings = [lexical]
    if not isinstance(lexical, str) or not isinstance(datatype, str):
        return spellings
    datatype = _xsd(datatype)
    if datatype in _BOOLEAN and lexical in ("true", "false"):
        spellings.append(lexical == "true")
    elif datatype == XSD + "integer" and re.fullmatch(r"-?(0|[1-9][0-9]*)", lexical):
        spellings.append(int(lexical))
    elif datatype == XSD + "double":
        with contextlib.suppress(ValueError):
            number = float(lexical)
            if math.isfinite(number):
                spellings.append(number)
    return spellings


def literal_form(value: Any, datatype: Any, language: Any) -> tuple[str, str, str]:
    """(lexical form, datatype, language) of a literal as pyld's toRDF writes it."""
    if isinstance(value, bool):
        return ("true" if value else "false", datatype or XSD + "boolean", "")
    if isinstance(value, float) and (not value.is_integer() or datatype == XSD + "double"):
        return (jsonld._canonicalize_double(value), datatype or XSD + "double", "")
    if isinstance(value, (int, float)):
        return (str(int(value)), datatype or XSD + "integer", "")
    return (str(value), str(datatype or ""), str(language or "").lower())


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
        if isinstance(node_id, str) and node_id.startswith(_BLANK_PREFIX):
            # Expansion names no blank node itself: this label is the document's, and RDFC-1.0
            # relabels it, so a signature would cover any label (or none) alike.
            raise UnsafeTermError(
                node_id, find_path(root, node_id), "a blank node label is not signed: use a URL"
            )
        if isinstance(node_id, str) and not _is_absolute(node_id):
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
