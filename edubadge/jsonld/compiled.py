"""The fast route from JSON-LD to RDF for the shapes credentials use, with exact fallback.

`quads()` walks a document once and yields its RDF statements as N-Quads terms, using the
active contexts pyld computed (each processed once per loader and kept in `_Active` trees,
with every term's expansion cached). It mirrors pyld's expansion and toRDF for a subset of
JSON-LD: node objects with `@id`, `@type`, properties whose values are strings, numbers,
booleans, node objects or arrays of them; type coercion to `@id`, `@vocab` or a datatype;
default and term languages; language maps; embedded, property-scoped and type-scoped
contexts.

Anything else (`@graph`, `@list`, value objects, `@reverse`, `@nest`, maps, `@json`...) and
anything safe mode would refuse raises `NotCompiled`: the caller then takes the pyld route,
which gives the exact result or the exact safe-mode error. `check()` is the same walk without
output, used as the safe-mode check of JCS suites; it leaves the document's shape
(`shapes.Shape`) in a cache per loader, and `known_shape()` accepts a later document of the
same shape without walking.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from pyld import jsonld, nquads

from . import shapes
from .loader import DocumentLoader, SharedLRU
from .pyld_caches import LoaderContextResolver
from .safe import (
    JSON_KINDS,
    RELATIVE_BASE,
    expected_json_type,
    has_duplicates,
    repeats_a_context,
)

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
_MAX_REFERENCES = 4096  # terms, types, IRI values cached per active context (each cache)
MAX_CACHED_CONTEXTS = 512  # active contexts cached per loader; then the tree starts afresh
_JSON_SCALARS = (str, int, float, bool)
_UNSEEN = object()


class NotCompiled(Exception):
    """The document is outside the fast route; `reason` says why (for counting)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Term:
    """What one key means in one active context (computed once)."""

    __slots__ = (
        "coerce", "expects", "iri", "language", "language_map", "scoped", "unsupported"
    )  # fmt: skip

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
        self.language_map = False
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
            self.language_map = "@language" in container
            if any(c not in ("@set", "@language") for c in container):
                self.unsupported = "container " + ",".join(sorted(container))
            elif mapping.get("reverse") or "@nest" in mapping or "@index" in mapping:
                self.unsupported = "reverse, nest or index term"
            elif self.coerce in ("@json", "@none"):
                self.unsupported = f"type {self.coerce}"
            elif get(ctx, key, "@direction") is not None:
                self.unsupported = "base direction"
            elif self.coerce is not None and not isinstance(self.coerce, str):
                self.unsupported = "type coercion"


class _Active:
    """One pyld active context with its term cache and its derived contexts."""

    __slots__ = (
        "children",
        "ctx",
        "prefixes",
        "previous",
        "references",
        "terms",
        "type_iris",
        "type_scoped",
    )

    def __init__(self, ctx: dict[str, Any], previous: _Active | None) -> None:
        self.ctx = ctx
        self.previous = previous
        self.terms: dict[str, _Term] = {}
        self.type_iris: dict[str, str | None] = {}
        self.type_scoped: dict[str, Any] = {}
        # value -> its IRI (None: refused), one dict per `vocab` (False, True)
        self.references: tuple[dict[str, str | None], dict[str, str | None]] = ({}, {})
        self.prefixes: dict[str, bool] = {}
        self.children = SharedLRU(maxsize=_MAX_CHILDREN)  # (local, key) -> (local, _Active)

    def term(self, key: str) -> _Term:
        term = self.terms.get(key)
        if term is None:
            term = _Term(self, key)
            _keep(self.terms, key, term)
        return term

    def type_iri(self, value: str) -> str | None:
        """A type's IRI as safe mode expands it (None when it is not absolute)."""
        try:
            return self.type_iris[value]
        except KeyError:
            pass
        expanded = _PROCESSOR._expand_iri(self.ctx, value, vocab=True, base=RELATIVE_BASE)
        iri = str(expanded) if _absolute(expanded) else None
        _keep(self.type_iris, value, iri)
        return iri

    def reference(self, value: str, vocab: bool) -> str | None:
        """An IRI value as safe mode expands it: absolute, else None (a blank node label is
        refused: canonicalisation relabels it, so no RDFC signature covers it)."""
        known = self.references[vocab]
        found = known.get(value, _UNSEEN)
        if found is not _UNSEEN:
            return found  # type: ignore[return-value]
        # pyld returns an absolute IRI as it is unless it is a term or its scheme a prefix
        # term (most ids): only the others need pyld.
        colon = value.find(":")
        if (
            colon > 0
            and not (vocab and value in self.ctx["mappings"])
            and self.plain_prefix(value[:colon])
            and _absolute(value)
        ):
            found = value
        else:
            iri = _PROCESSOR._expand_iri(self.ctx, value, vocab=vocab, base=RELATIVE_BASE)
            found = iri if isinstance(iri, str) and _absolute(iri) else None
        _keep(known, value, found)
        return found

    def reference_plan(self, vocab: bool) -> shapes.Reference:
        """What a remembered shape checks of an IRI value expanded in this context."""
        return shapes.Reference(self.reference, self.references, vocab)

    def plain_prefix(self, prefix: str) -> bool:
        """True when `prefix:` does not expand through a prefix term (nor is a blank node)."""
        plain = self.prefixes.get(prefix)
        if plain is None:
            mapping = self.ctx["mappings"].get(prefix)
            plain = prefix != "_" and not (mapping and mapping.get("_prefix"))
            _keep(self.prefixes, prefix, plain)
        return plain

    def scoped_for_type(self, value: str) -> Any:
        try:
            return self.type_scoped[value]
        except KeyError:
            scoped = jsonld.JsonLdProcessor.get_context_value(self.ctx, value, "@context")
            _keep(self.type_scoped, value, scoped)
            return scoped

    def child(
        self, walk: _Walk, local: Any, key: Any, *, propagate: bool, override: bool
    ) -> _Active:
        """The active context after processing `local`, cached under `key`.

        `key` is `local` itself when it is a string or tuple, else its `id()`: the cached entry
        keeps `local` alive and is checked to be it, so an `id()` cannot be reused meanwhile.
        """
        cache_key = (key, propagate, override)
        entry: tuple[Any, _Active] | None = self.children.get(cache_key)
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
        found = _Active(ctx, previous)
        held = walk.loader.compiled
        size = held.get("contexts", 0)
        if size < MAX_CACHED_CONTEXTS:  # past it: answered, not kept; the next walk starts afresh
            held["contexts"] = size + 1
            self.children[cache_key] = (local, found)
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


def _keep(cache: dict[Any, Any], key: Any, value: Any) -> None:
    """Cache a value, emptying the cache when it is full (bounded for hostile input)."""
    if len(cache) >= _MAX_REFERENCES:
        cache.clear()
    cache[key] = value


_PROCESSOR = jsonld.JsonLdProcessor()


def pyld_options(loader: DocumentLoader) -> dict[str, Any]:
    """pyld options for a loader: its own context caches, the reserved relative base."""
    return {
        "documentLoader": loader,
        "contextResolver": LoaderContextResolver(loader),
        "base": RELATIVE_BASE,
        "processingMode": "json-ld-1.1",
    }


def _root(loader: DocumentLoader) -> _Active:
    """The loader's tree of active contexts: its registered documents answer only for it.

    A tree that reached `MAX_CACHED_CONTEXTS` (documents bringing ever new embedded contexts)
    is dropped and grown afresh, so a long-running verifier holds a bounded number of them.
    """
    root: _Active | None = loader.compiled.get("root")
    if root is None or loader.compiled.get("contexts", 0) >= MAX_CACHED_CONTEXTS:
        root = _Active(_PROCESSOR._get_initial_context(pyld_options(loader)), None)
        loader.compiled["root"] = root
        loader.compiled["contexts"] = 0
    return root


def cache_sizes(loader: DocumentLoader) -> dict[str, int]:
    """How much the fast route holds for `loader`: active contexts, and the largest term and
    type caches among them (each bounded; `MAX_CACHED_CONTEXTS`, `_MAX_REFERENCES`)."""
    root = loader.compiled.get("root")
    if root is None:
        return {"contexts": 0, "terms": 0, "types": 0}
    nodes, stack = [], [root]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(entry[1] for entry in list(node.children.values()))
    return {
        "contexts": len(nodes),
        "terms": max(len(n.terms) for n in nodes),
        "types": max(len(n.type_iris) for n in nodes),
    }


# pyld's test for an absolute IRI (`jsonld._is_absolute_iri`), compiled once.
ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")


def _absolute(iri: Any) -> bool:
    return (
        isinstance(iri, str)
        and ABSOLUTE_IRI.match(iri) is not None
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
    """One walk over one document; `emit=False` checks and records the document's shape."""

    __slots__ = ("blank", "count", "emit", "loader", "out", "size")

    def __init__(self, loader: DocumentLoader, emit: bool) -> None:
        self.loader = loader
        self.emit = emit
        self.out: set[tuple[str, str, str]] = set()
        self.count = 0
        self.size = 0  # values seen, to bound the shapes remembered (past the bound: none)

    def options(self) -> dict[str, Any]:
        return pyld_options(self.loader)

    def label(self) -> str:
        """A fresh blank node label (a document's own labels never get here: refused)."""
        self.count += 1
        return f"_:n{self.count}"

    def node_value(
        self, term_ctx: _Active, key: str | None, element: dict[str, Any]
    ) -> tuple[str, shapes.Node | None]:
        """A node object in value position (pyld `_expand` on a map): its subject and plan."""
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
            if repeats_a_context(element["@context"]):
                raise NotCompiled("repeated context")  # the pyld route says why it is unsafe
            active = active.embedded(self, element["@context"])
            context = element["@context"]
            if not isinstance(context, str | list) or not all(isinstance(c, str) for c in context):
                self.size += len(json.dumps(context)) // 32  # remembered whole: count its size
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
    ) -> tuple[str, shapes.Node | None]:
        """Statements of one node object (pyld `_expand_object` then toRDF), and its plan."""
        subject: str | None = None
        properties = []
        plans: list[tuple[str, shapes.Plan]] = []
        self.size += len(element)
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
                if not self.emit:
                    plans.append((key, active.reference_plan(False)))
            elif iri == _KEYWORD_TYPE:
                continue
            elif iri == _KEYWORD_CONTEXT:
                raise NotCompiled("aliased @context")
            else:
                properties.append((key, term, value))
        if subject is None:
            subject = self.label()
        emit = self.emit
        out = self.out
        for k in type_keys:
            value = element[k]
            types = [value] if isinstance(value, str) else value
            if not types or any(not isinstance(t, str) for t in types) or has_duplicates(types):
                raise NotCompiled("@type value")
            self.size += len(types)
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
            if value_term.language_map:
                plan = self.language_map(subject, predicate, term_ctx, key, value)
            else:
                plan = self.value(subject, predicate, term_ctx, key, value_term, value, True)
            if plan is not None:
                plans.append((key, plan))
        if emit:
            return subject, None
        exact = [k for k in element if k == "@context" or k in type_keys]
        return subject, shapes.Node(element, exact, plans)

    def value(
        self,
        subject: str,
        predicate: str,
        term_ctx: _Active,
        key: str,
        term: _Term,
        value: Any,
        top: bool,
        language: str | None = None,
    ) -> shapes.Plan | None:
        """The statements of one property value (an array's items in turn), and its plan.

        With `language`, the value is that language's text(s) in a language map.
        """
        self.size += 1
        if value is None:
            raise NotCompiled("null value" if top else "null array item")
        if isinstance(value, list):
            if not top or not value:
                raise NotCompiled("empty or nested array")  # dropped or flattened: refused
            if has_duplicates(value):
                raise NotCompiled("repeated value")
            plans = [
                self.value(subject, predicate, term_ctx, key, term, item, False, language)
                for item in value
            ]
            return None if self.emit else shapes.Array(plans)  # type: ignore[arg-type]
        plan: shapes.Plan | None
        if language is not None:
            if not isinstance(value, str):
                raise NotCompiled("language map value")
            obj, plan = literal(value, None, language) if self.emit else "", shapes.Scalar(str)
        elif isinstance(value, dict):
            obj, plan = self.node_value(term_ctx, key, value)
        else:
            obj, plan = self.scalar(term_ctx, term, value)
        if self.emit:
            self.out.add((subject, predicate, obj))
            return None
        return plan

    def language_map(
        self, subject: str, predicate: str, term_ctx: _Active, key: str, value: Any
    ) -> shapes.Plan | None:
        """The literals of a language map (pyld `_expand_language_map`), and its plan."""
        if not isinstance(value, dict):
            raise NotCompiled("language map value")
        term = term_ctx.term(key)
        plans: list[tuple[str, shapes.Plan]] = []
        for tag, texts in sorted(value.items()):
            if term_ctx.term(tag).iri == "@none":
                raise NotCompiled("@none language")
            plan = self.value(subject, predicate, term_ctx, key, term, texts, True, tag.lower())
            if plan is not None:
                plans.append((tag, plan))
        return None if self.emit else shapes.Node(value, [], plans)

    def scalar(self, term_ctx: _Active, term: _Term, value: Any) -> tuple[str, shapes.Plan | None]:
        coerce = term.coerce
        if term.expects is not None and JSON_KINDS.get(type(value)) != term.expects:
            raise NotCompiled("JSON type against datatype")  # safe mode's refusal, on pyld
        if coerce in ("@id", "@vocab") and isinstance(value, str):
            vocab = coerce == "@vocab"
            obj = self.reference(term_ctx, value, vocab=vocab)
            return obj, None if self.emit else term_ctx.reference_plan(vocab)
        if not self.emit:
            if isinstance(value, float) and not math.isfinite(value):
                raise NotCompiled("non-finite number")
            if type(value) not in _JSON_SCALARS:
                self.size = shapes.MAX_SHAPE_SIZE + 1  # accepted, but no shape to remember
            return "", shapes.Scalar(type(value))
        datatype = coerce if coerce not in (None, "@id", "@vocab") else None
        language = term.language if datatype is None and isinstance(value, str) else None
        return literal(value, datatype, language), None

    def reference(self, active: _Active, value: str, *, vocab: bool) -> str:
        iri = active.reference(value, vocab)
        if iri is None:
            raise NotCompiled("relative IRI or blank node label")
        return f"<{iri}>"


def _walk(document: Any, loader: DocumentLoader, emit: bool) -> tuple[_Walk, shapes.Node | None]:
    if not isinstance(document, dict):
        raise NotCompiled("top level is not an object")
    walk = _Walk(loader, emit)
    root = _root(loader)
    _, plan = walk.node_value(root, None, document)
    return walk, plan


def quads(document: Any, loader: DocumentLoader) -> set[tuple[str, str, str]]:
    """The document's RDF statements as (subject, predicate, object) N-Quads terms.

    Raises `NotCompiled` when the document is outside the fast route (or safe mode would
    refuse it): the pyld route then gives the answer.
    """
    return _walk(document, loader, emit=True)[0].out


def known_shape(document: Any, loader: DocumentLoader) -> shapes.Shape | None:
    """The remembered shape this document matches (so safe mode accepts it), else None."""
    cache: shapes.ShapeCache | None = loader.compiled.get("shapes")
    return None if cache is None else cache.find(document)


def known_copy(document: Any, loader: DocumentLoader) -> tuple[shapes.Shape, Any] | None:
    """A remembered shape this document matches and the checked deep copy, else None."""
    cache: shapes.ShapeCache | None = loader.compiled.get("shapes")
    return None if cache is None else cache.find_copy(document)


def check(document: Any, loader: DocumentLoader) -> shapes.Shape | None:
    """Safe mode without output: returns (the document's shape, if remembered) when the fast
    route accepts the document, raises `NotCompiled` otherwise."""
    walk, plan = _walk(document, loader, emit=False)
    if plan is None or walk.size > shapes.MAX_SHAPE_SIZE:
        return None
    cache: shapes.ShapeCache | None = loader.compiled.get("shapes")
    if cache is None:
        cache = loader.compiled["shapes"] = shapes.ShapeCache()
    return cache.add(document, plan)
