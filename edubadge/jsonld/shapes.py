"""Safe-mode verdicts remembered per document shape, so alike documents are checked fast.

Whether the compiled walk accepts a document depends on its *shape* and on a few values.
The shape is the keys of every object, its `@context` and `@type` values (they decide every
active context, so what each key means), and how values nest: objects, arrays of a given
length, scalars of a given JSON type. The values that matter on their own are strings that
must expand to absolute IRIs (`@id`, and values of terms coerced to `@id` or `@vocab`),
arrays that must not repeat a value, and floats that must be finite.

When the walk accepts a document it records a `Shape` of node plans; a later document that
matches one (same shape, those values checked again in the same active contexts) is
accepted without walking. Anything that does not match exactly takes the walk, which gives
the verdict and, when it refuses, the pyld route gives the error: a plan only ever says yes
to what the walk would say yes to.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from .safe import has_duplicates

_MAX_SHAPES_PER_KEYS = 8  # shapes kept per tuple of top-level keys
_MAX_KEY_TUPLES = 64
MAX_SHAPE_SIZE = 4096  # values in a document whose shape is remembered (bounded memory)

Path = tuple[str | int, ...]


class Plan:
    """What one value of a document must be for the walk to accept it as before."""

    __slots__ = ()

    def match(self, value: Any) -> bool:
        """True when `value` gets the walk's acceptance for the same reasons."""
        raise NotImplementedError


class Scalar(Plan):
    """A literal: a scalar of exactly this JSON type (a float must be finite)."""

    __slots__ = ("kind",)

    def __init__(self, kind: type) -> None:
        self.kind = kind

    def match(self, value: Any) -> bool:
        if type(value) is not self.kind:
            return False
        return self.kind is not float or math.isfinite(value)  # type: ignore[arg-type]


class Reference(Plan):
    """A string that must expand, in one active context, to an absolute IRI or a blank node."""

    __slots__ = ("expand", "vocab")

    def __init__(self, expand: Callable[[str, bool], str | None], vocab: bool) -> None:
        self.expand = expand
        self.vocab = vocab

    def match(self, value: Any) -> bool:
        return type(value) is str and self.expand(value, self.vocab) is not None


class Exact(Plan):
    """A value that must be the same JSON (an embedded `@context` that is not only strings)."""

    __slots__ = ("text",)

    def __init__(self, value: Any) -> None:
        self.text = canonical(value)

    def match(self, value: Any) -> bool:
        try:
            return canonical(value) == self.text
        except (TypeError, ValueError):
            return False


class Array(Plan):
    """An array of this length whose items match in order, with no value repeated."""

    __slots__ = ("items",)

    def __init__(self, items: list[Plan]) -> None:
        self.items = tuple(items)

    def match(self, value: Any) -> bool:
        if type(value) is not list or len(value) != len(self.items) or has_duplicates(value):
            return False
        for plan, item in zip(self.items, value, strict=True):  # noqa: SIM110 (all() is slower)
            if not plan.match(item):
                return False
        return True


class Node(Plan):
    """A node object: exactly these keys, these `@context`/`@type` values, matching values."""

    __slots__ = ("exact", "floats", "keys", "references", "scalars", "values")

    def __init__(self, element: dict[str, Any], exact: list[str], values: list[tuple[str, Plan]]):
        self.keys = frozenset(element)
        same: list[tuple[str, Any]] = []
        rest: list[tuple[str, Plan]] = []
        for key in exact:
            value = element[key]
            if _strings(value):
                same.append((key, list(value) if isinstance(value, list) else value))
            else:
                rest.append((key, Exact(value)))
        self.exact = tuple(same)
        # The commonest plans are checked inline, without a call per value.
        self.scalars = tuple((k, plan.kind) for k, plan in values if type(plan) is Scalar)
        self.floats = tuple(key for key, kind in self.scalars if kind is float)
        self.references = tuple(
            (k, plan.expand, plan.vocab) for k, plan in values if type(plan) is Reference
        )
        self.values = tuple(
            rest + [(k, plan) for k, plan in values if type(plan) not in (Scalar, Reference)]
        )

    def match(self, value: Any) -> bool:
        if type(value) is not dict or value.keys() != self.keys:
            return False
        for key, expected in self.exact:
            found = value[key]
            if type(found) is not type(expected) or found != expected:
                return False
        for key, kind in self.scalars:
            if type(value[key]) is not kind:
                return False
        for key in self.floats:
            if not math.isfinite(value[key]):
                return False
        for key, expand, vocab in self.references:
            found = value[key]
            if type(found) is not str or expand(found, vocab) is None:
                return False
        for key, plan in self.values:  # noqa: SIM110 (all() over a generator is slower)
            if not plan.match(value[key]):
                return False
        return True


def _strings(value: Any) -> bool:
    if type(value) is str:
        return True
    return type(value) is list and all(type(item) is str for item in value)


def canonical(value: Any) -> str:
    """One text per JSON value, key order aside (how embedded contexts are compared)."""
    return json.dumps(value, sort_keys=True, allow_nan=False)


class Shape:
    """The plan of a whole document, and where its numbers are (for JCS).

    `ints` are the paths of its integers; `floats` is the tree of the paths of its floats
    (`{key or index: subtree, ...}`, None at a float).
    """

    __slots__ = ("astral_keys", "floats", "ints", "root")

    def __init__(self, root: Node) -> None:
        self.root = root
        self.ints: list[Path] = []
        self.floats: dict[str | int, Any] = {}
        self.astral_keys = False
        self._index(root, ())

    def _index(self, plan: Plan, path: Path) -> None:
        if isinstance(plan, Node):
            self.astral_keys = self.astral_keys or any(
                not key.isascii() and any(ord(c) > 0xFFFF for c in key) for key in plan.keys
            )
            for key, kind in plan.scalars:
                self._number(kind, (*path, key))
            for key, value in plan.values:
                self._index(value, (*path, key))
        elif isinstance(plan, Array):
            for index, item in enumerate(plan.items):
                self._index(item, (*path, index))
        elif isinstance(plan, Scalar):
            self._number(plan.kind, path)

    def _number(self, kind: type, path: Path) -> None:
        if kind is int:
            self.ints.append(path)
        elif kind is float:
            tree = self.floats
            for step in path[:-1]:
                tree = tree.setdefault(step, {})
            tree[path[-1]] = None


class ShapeCache:
    """The shapes one loader's walk accepted, looked up by a document's top-level keys."""

    def __init__(self) -> None:
        self._shapes: dict[tuple[str, ...], list[Shape]] = {}

    def find(self, document: Any) -> Shape | None:
        """A remembered shape the document matches, or None."""
        if type(document) is not dict:
            return None
        for shape in self._shapes.get(tuple(document), ()):
            if shape.root.match(document):
                return shape
        return None

    def add(self, document: dict[str, Any], shape: Shape) -> None:
        """Remember the shape of a document the walk accepted."""
        keys = tuple(document)
        shapes = self._shapes.get(keys)
        if shapes is None:
            if len(self._shapes) >= _MAX_KEY_TUPLES:
                self._shapes.pop(next(iter(self._shapes)), None)
            shapes = self._shapes[keys] = []
        shapes.insert(0, shape)
        del shapes[_MAX_SHAPES_PER_KEYS:]
