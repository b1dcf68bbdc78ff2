"""The fast route from JSON-LD to RDF for the shapes credentials use, with exact fallback.

`quads()` walks a document once and yields its RDF statements as N-Quads terms, using the
active contexts pyld computed (each processed once per loader and kept in `_Active` trees,
with every term's expansion cached). It mirrors pyld's expansion and toRDF for a subset of
JSON-LD: node objects with `@id`, `@type`, properties whose values are strings, numbers,
booleans, node objects or arrays of them; type coercion to `@id`, `@vocab` or a datatype;
default and term languages; embedded, property-scoped and type-scoped contexts.

Anything else (`@graph`, `@list`, value objects, `@reverse`, `@nest`, maps, `@json`...) and
anything safe mode would refuse raises `NotCompiled`: the caller then takes the pyld route,
which gives the exact result or the exact safe-mode error. `check()` is the same walk without
output, used as the safe-mode check of JCS suites.
"""

from __future__ import annotations

import json
import math
import weakref
from collections.abc import Iterator
from functools import _lru_cache_wrapper, lru_cache
from typing import Any

from cachetools import LRUCache
from pyld import jsonld, nquads

from .loader import DocumentLoader
from .safe import JSON_KINDS, RELATIVE_BASE, expected_json_type, has_duplicates

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_BOOLEAN = XSD + "boolean"
XSD_INTEGER = XSD + "integer"
XSD_DOUBLE = XSD + "double"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

_KEYWORD_ID = "@id"
_KEYWORD_TYPE = "@type"
_KEYWORD_CONTEXT = "@context"
_MAX_CHILDREN = 64  # embedded contexts cached per active context (bounded for hostile input)
MAX_CACHED_TERMS = 2048  # terms (and types) cached per active context
MAX_CACHED_CONTEXTS = 512  # active contexts cached per loader; then the tree starts afresh


class NotCompiled(Exception):
    """The document is outside the fast route; `reason` says why (for counting)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Term:
    """What one key means in one active context (computed once)."""

    __slots__ = ("coerce", "expects", "iri", "language", "scoped", "unsupported")

    def __init__(self, active: _Active, key: str) -> None:
        ctx = active.ctx
        iri = _PROCESSOR._expand_iri(ctx, key, vocab=True)
        self.iri: str | None = iri
        self.unsupported: str | None = None
        get = jsonld.JsonLdProcessor.get_context_value
        self.scoped: Any = get(ctx, key, "@context")
        self.coerce: Any = get(ctx, key, "@type")
        self.expects = expected_json_type(self.coerce)
        self.language: Any = get(ctx, key, "@language")
        if self.language is not None and not (isinstance(self.language, str) and self.language):
            self.unsupported = "language"
        if iri is None or not (jsonld._is_keyword(iri) or jsonld._is_absolute_iri(iri)):
            self.unsupported = "undefined term"
        elif iri.startswith("_:"):
            self.unsupported = "blank node property"
        elif jsonld._is_keyword(iri):
            if iri not in (_KEYWORD_ID, _KEYWORD_TYPE, _KEYWORD_CONTEXT):
                self.unsupported = f"keyword {iri}"
        else:
            mapping = ctx["mappings"].get(key) or {}
            container = get(ctx, key, "@container") or []
            if any(c != "@set" for c in container):
                self.unsupported = "container " + ",".join(sorted(container))
            elif mapping.get("reverse") or "@nest" in mapping or "@index" in mapping:
                self.unsupported = "reverse, nest or index term"
            elif self.coerce in ("@json", "@none"):
                self.unsupported = f"type {self.coerce}"
            elif get(ctx, key, "@direction") is not None:
                self.unsupported = "base direction"
            elif self.coerce is not None and not isinstance(self.coerce, str):
                self.unsupported = "type coercion"


class _Tree:
    """One loader's tree of active contexts: how many it holds, and whether it is full."""

    __slots__ = ("full", "size")

    def __init__(self) -> None:
        self.size = 0
        self.full = False


class _Active:
    """One pyld active context with its term cache and its derived contexts.

    Every cache is bounded: keys are strings the document's author chose (terms, types,
    embedded contexts), and a long-running verifier must not grow without limit.
    """

    __slots__ = ("children", "ctx", "previous", "scoped_for_type", "term", "tree", "type_iri")

    def __init__(self, ctx: dict[str, Any], previous: _Active | None, tree: _Tree) -> None:
        self.ctx = ctx
        self.previous = previous
        self.tree = tree
        self.children: LRUCache[Any, tuple[Any, _Active]] = LRUCache(maxsize=_MAX_CHILDREN)
        # functools' C LRU: the fast route looks terms up for every key of every node
        self.term: _lru_cache_wrapper[_Term] = lru_cache(maxsize=MAX_CACHED_TERMS)(self._term)
        self.type_iri: _lru_cache_wrapper[str | None] = lru_cache(maxsize=MAX_CACHED_TERMS)(
            self._type_iri
        )
        self.scoped_for_type: _lru_cache_wrapper[Any] = lru_cache(maxsize=MAX_CACHED_TERMS)(
            self._scoped_for_type
        )

    def _term(self, key: str) -> _Term:
        """What `key` means here (cached as `term`)."""
        return _Term(self, key)

    def _type_iri(self, value: str) -> str | None:
        """A type's IRI as safe mode expands it, None when it is not absolute (`type_iri`)."""
        expanded = _PROCESSOR._expand_iri(self.ctx, value, vocab=True, base=RELATIVE_BASE)
        return str(expanded) if _absolute(expanded) else None

    def _scoped_for_type(self, value: str) -> Any:
        """The type-scoped context of a type (cached as `scoped_for_type`)."""
        return jsonld.JsonLdProcessor.get_context_value(self.ctx, value, "@context")

    def child(
        self, walk: _Walk, local: Any, key: Any, *, propagate: bool, override: bool
    ) -> _Active:
        """The active context after processing `local`, cached under `key`.

        `key` is `local` itself when it is a string or tuple, else its `id()`: the cached entry
        keeps `local` alive and is checked to be it, so an `id()` cannot be reused meanwhile.
        """
        cache_key = (key, propagate, override)
        entry = self.children.get(cache_key)
        if entry is not None and (entry[0] is local or not isinstance(key, int)):
            return entry[1]
        options = walk.options()
        try:
            ctx = _PROCESSOR._process_context(
                self.ctx, local, options, propagate=propagate, override_protected=override
            )
        except Exception as error:
            raise NotCompiled(f"context processing: {type(error).__name__}") from None
        previous_ctx = ctx.get("previousContext")
        if previous_ctx is None:
            previous = None
        elif previous_ctx is self.ctx:
            previous = self
        elif self.previous is not None and previous_ctx is self.previous.ctx:
            previous = self.previous
        else:
            raise NotCompiled("unexpected previous context")
        found = _Active(ctx, previous, self.tree)
        if not self.tree.full:
            self.children[cache_key] = (local, found)
            self.tree.size += 1
            self.tree.full = self.tree.size >= MAX_CACHED_CONTEXTS
        return found

    def embedded(self, walk: _Walk, local: Any) -> _Active:
        """The active context after a document's own `@context`."""
        if isinstance(local, str):
            key: Any = local
        elif isinstance(local, list) and all(isinstance(c, str) for c in local):
            key = tuple(local)
        else:
            key = json.dumps(local, sort_keys=True)
        return self.child(walk, local, ("embedded", key), propagate=True, override=False)


_PROCESSOR = jsonld.JsonLdProcessor()
# One tree of active contexts per loader: a loader's registered documents answer only for it.
_ROOTS: weakref.WeakKeyDictionary[DocumentLoader, _Active] = weakref.WeakKeyDictionary()


def pyld_options(loader: DocumentLoader) -> dict[str, Any]:
    """pyld options for a loader: its own context cache, the reserved relative base."""
    return {
        "documentLoader": loader,
        "contextResolver": jsonld.ContextResolver(loader.context_cache, loader),
        "base": RELATIVE_BASE,
        "processingMode": "json-ld-1.1",
    }


def _root(loader: DocumentLoader) -> _Active:
    """The loader's root active context; a fresh one once the cached tree is full."""
    root = _ROOTS.get(loader)
    if root is None or root.tree.full:
        initial = _PROCESSOR._get_initial_context(pyld_options(loader))
        root = _ROOTS[loader] = _Active(initial, None, _Tree())
    return root


def cache_sizes(loader: DocumentLoader) -> dict[str, int]:
    """How much the fast route holds for `loader`: active contexts, and the largest term and
    type caches among them (each bounded; see `MAX_CACHED_TERMS`, `MAX_CACHED_CONTEXTS`)."""
    root = _ROOTS.get(loader)
    if root is None:
        return {"contexts": 0, "terms": 0, "types": 0}
    nodes, stack = [], [root]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(entry[1] for entry in node.children.values())
    return {
        "contexts": len(nodes),
        "terms": max(n.term.cache_info().currsize for n in nodes),
        "types": max(n.type_iri.cache_info().currsize for n in nodes),
    }


def _absolute(iri: Any) -> bool:
    return (
        isinstance(iri, str)
        and bool(jsonld._is_absolute_iri(iri))
        and not iri.startswith("_:")
        and not iri.startswith(RELATIVE_BASE)
    )


def _escape(text: str) -> str:
    return str(nquads.escape(text))


def literal(value: Any, datatype: str | None, language: str | None) -> str:
    """The N-Quads form of a JSON scalar, exactly as pyld's toRDF writes it."""
    if isinstance(value, bool):
        lexical = "true" if value else "false"
        datatype = datatype or XSD_BOOLEAN
    elif isinstance(value, float) and not value.is_integer():
        if not math.isfinite(value):
            raise NotCompiled("non-finite number")
        lexical = jsonld._canonicalize_double(value)
        datatype = datatype or XSD_DOUBLE
    elif datatype == XSD_DOUBLE:
        raise NotCompiled("xsd:double coercion")
    elif isinstance(value, int | float):
        if abs(value) >= 1e21:
            lexical = jsonld._canonicalize_double(value)
            datatype = datatype or XSD_DOUBLE
        else:
            lexical = str(int(value))
            datatype = datatype or XSD_INTEGER
    elif isinstance(value, str):
        lexical = value
        if datatype is None and language is not None:
            return '"' + _escape(value) + '"@' + language
        datatype = datatype or XSD_STRING
    else:
        raise NotCompiled(f"value of type {type(value).__name__}")
    if datatype == XSD_STRING:
        return '"' + _escape(lexical) + '"'
    return '"' + _escape(lexical) + '"^^<' + datatype + ">"


class _Walk:
    """One walk over one document; `emit=False` checks without building statements."""

    __slots__ = ("blank", "count", "emit", "loader", "out")

    def __init__(self, loader: DocumentLoader, emit: bool) -> None:
        self.loader = loader
        self.emit = emit
        self.out: set[tuple[str, str, str]] = set()
        self.blank: dict[str, str] = {}
        self.count = 0

    def options(self) -> dict[str, Any]:
        return pyld_options(self.loader)

    def label(self, name: str | None) -> str:
        """A fresh blank node label, or ours for one of the document's own labels."""
        if name is not None and name in self.blank:
            return self.blank[name]
        self.count += 1
        label = f"_:n{self.count}"
        if name is not None:
            self.blank[name] = label
        return label

    def node_value(self, term_ctx: _Active, key: str | None, element: dict[str, Any]) -> str:
        """A node object in value position (pyld `_expand` on a map); returns its subject."""
        active = term_ctx
        must_revert = True
        if active.previous is not None and len(element) <= 2 and "@context" not in element:
            for k in element:
                iri = active.term(k).iri
                if iri == "@value":
                    raise NotCompiled("value object")
                if iri == _KEYWORD_ID and len(element) == 1:
                    must_revert = False
        if must_revert and active.previous is not None:
            active = active.previous
        if key is not None:
            scoped = term_ctx.term(key).scoped
            if scoped is not None:
                active = active.child(self, scoped, id(scoped), propagate=True, override=True)
        if "@context" in element:
            active = active.embedded(self, element["@context"])
        type_scoped = active
        type_keys = [k for k in element if active.term(k).iri == _KEYWORD_TYPE]
        if len(type_keys) > 1:
            type_keys.sort()
        for k in type_keys:
            value = element[k]
            types = [value] if isinstance(value, str) else value
            if not isinstance(types, list):
                raise NotCompiled("@type value")
            strings = [t for t in types if isinstance(t, str)]
            if len(strings) > 1:
                strings.sort()
            for t in strings:
                scoped = type_scoped.scoped_for_type(t)
                if scoped is not None and scoped is not False:
                    active = active.child(self, scoped, id(scoped), propagate=False, override=False)
        return self.node(active, type_scoped, element, type_keys)

    def node(
        self, active: _Active, type_scoped: _Active, element: dict[str, Any], type_keys: list[str]
    ) -> str:
        """Statements of one node object (pyld `_expand_object` then toRDF)."""
        subject: str | None = None
        properties = []
        for key, value in element.items():
            if key == "@context":
                continue
            term = active.term(key)
            if term.unsupported is not None:
                raise NotCompiled(term.unsupported)
            iri = term.iri
            if iri == _KEYWORD_ID:
                if subject is not None or not isinstance(value, str):
                    raise NotCompiled("@id value")
                subject = self.reference(active, value, vocab=False)
            elif iri == _KEYWORD_TYPE:
                continue
            elif iri == _KEYWORD_CONTEXT:
                raise NotCompiled("aliased @context")
            else:
                properties.append((key, term, value))
        if subject is None:
            subject = self.label(None)
        emit = self.emit
        out = self.out
        for k in type_keys:
            value = element[k]
            types = [value] if isinstance(value, str) else value
            if any(not isinstance(t, str) for t in types) or has_duplicates(types):
                raise NotCompiled("@type value")
            for t in types:
                iri = type_scoped.type_iri(t)
                if iri is None:
                    raise NotCompiled("undefined type")
                if emit:
                    out.add((subject, RDF_TYPE, "<" + iri + ">"))
        for key, term, value in properties:
            predicate = "<" + term.iri + ">"  # type: ignore[operator]
            term_ctx = active
            if term.scoped is not None:
                term_ctx = active.child(
                    self, term.scoped, id(term.scoped), propagate=True, override=True
                )
                value_term = term_ctx.term(key)
                if value_term.iri != term.iri or value_term.unsupported is not None:
                    raise NotCompiled("term redefined by its own scoped context")
            else:
                value_term = term
            for item in self.items(value):
                if isinstance(item, dict):
                    obj = self.node_value(term_ctx, key, item)
                else:
                    obj = self.scalar(term_ctx, value_term, item)
                if emit:
                    out.add((subject, predicate, obj))
        return subject

    def items(self, value: Any) -> Iterator[Any]:
        if value is None:
            raise NotCompiled("null value")
        if not isinstance(value, list):
            yield value
            return
        if has_duplicates(value):
            raise NotCompiled("repeated value")
        for item in value:
            if isinstance(item, list):
                yield from self.items(item)
            elif item is None:
                raise NotCompiled("null array item")
            else:
                yield item

    def scalar(self, term_ctx: _Active, term: _Term, value: Any) -> str:
        coerce = term.coerce
        if term.expects is not None and JSON_KINDS.get(type(value)) != term.expects:
            raise NotCompiled("JSON type against datatype")  # safe mode's refusal, on pyld
        if coerce == "@id" and isinstance(value, str):
            return self.reference(term_ctx, value, vocab=False)
        if coerce == "@vocab" and isinstance(value, str):
            return self.reference(term_ctx, value, vocab=True)
        if not self.emit:
            if isinstance(value, float) and not math.isfinite(value):
                raise NotCompiled("non-finite number")
            return ""
        datatype = coerce if coerce not in (None, "@id", "@vocab") else None
        language = term.language if datatype is None and isinstance(value, str) else None
        return literal(value, datatype, language)

    def reference(self, active: _Active, value: str, *, vocab: bool) -> str:
        iri = _PROCESSOR._expand_iri(active.ctx, value, vocab=vocab, base=RELATIVE_BASE)
        if isinstance(iri, str) and iri.startswith("_:"):
            return self.label(iri)
        if not _absolute(iri):
            raise NotCompiled("relative IRI")
        return f"<{iri}>"


def _walk(document: Any, loader: DocumentLoader, emit: bool) -> _Walk:
    if not isinstance(document, dict):
        raise NotCompiled("top level is not an object")
    walk = _Walk(loader, emit)
    root = _root(loader)
    walk.node_value(root, None, document)
    return walk


def quads(document: Any, loader: DocumentLoader) -> set[tuple[str, str, str]]:
    """The document's RDF statements as (subject, predicate, object) N-Quads terms.

    Raises `NotCompiled` when the document is outside the fast route (or safe mode would
    refuse it): the pyld route then gives the answer.
    """
    return _walk(document, loader, emit=True).out


def check(document: Any, loader: DocumentLoader) -> None:
    """Safe mode without output: returns when the fast route accepts the document."""
    _walk(document, loader, emit=False)
