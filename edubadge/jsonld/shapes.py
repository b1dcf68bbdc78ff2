"""Safe-mode verdicts remembered per document shape, so alike documents are checked fast.

Whether the compiled walk accepts a document depends on its *shape* and on a few values.
The shape is the keys of every object, its `@context` and `@type` values (they decide every
active context, so what each key means), and how values nest: objects, arrays of a given
length, scalars of a given JSON type. The values that matter on their own are strings that
must expand to absolute IRIs (`@id`, and values of terms coerced to `@id` or `@vocab`),
arrays that must not repeat a value, and floats that must be finite.

When the walk accepts a document it records a `Shape` of node plans, compiled into
straight-line Python functions; a later document that matches one (same shape, those values
checked again in the same active contexts) is accepted without walking. Anything that does
not match exactly takes the walk, which gives the verdict and, when it refuses, the pyld
route gives the error: a plan only ever says yes to what the walk would say yes to.

`copy` is `match` that checks a private copy as it makes it (each object and array is copied
first and its copy checked), so what it accepted is what it returns, whatever the caller
does to the original meanwhile.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from ..parsing import orjson_exactly
from .safe import has_duplicates

# Bounded memory, whatever the input: at most 16 x 4 shapes per loader, each of at most
# MAX_SHAPE_SIZE keys and values (a compiled shape takes about 0.4 KB per value).
_MAX_SHAPES_PER_KEYS = 4  # shapes kept per tuple of top-level keys
_MAX_KEY_TUPLES = 16
MAX_SHAPE_SIZE = 512

Path = tuple[str | int, ...]


class Plan:
    """What one value of a document must be for the walk to accept it as before."""

    __slots__ = ()


class Scalar(Plan):
    """A literal: a scalar of exactly this JSON type (a float must be finite)."""

    __slots__ = ("kind",)

    def __init__(self, kind: type) -> None:
        self.kind = kind


class Reference(Plan):
    """A string that must expand, in one active context, to an absolute IRI or a blank node.

    `expand(value, vocab)` gives the IRI or None; `known[vocab]` is its memo of values.
    """

    __slots__ = ("expand", "known", "vocab")

    def __init__(
        self,
        expand: Callable[[str, bool], str | None],
        known: tuple[dict[str, str | None], dict[str, str | None]],
        vocab: bool,
    ) -> None:
        self.expand = expand
        self.known = known[vocab]
        self.vocab = vocab


class Exact(Plan):
    """A value that must be the same JSON (an embedded `@context` that is not only strings)."""

    __slots__ = ("text",)

    def __init__(self, value: Any) -> None:
        self.text = canonical(value)

    def same(self, value: Any) -> bool:
        """True when `value` is the same JSON, key order aside."""
        try:
            return canonical(value) == self.text
        except (TypeError, ValueError):
            return False


class Array(Plan):
    """An array of this length whose items match in order, with no value repeated."""

    __slots__ = ("items",)

    def __init__(self, items: list[Plan]) -> None:
        self.items = tuple(items)


class Node(Plan):
    """A node object: exactly these keys, these `@context`/`@type` values, matching values."""

    __slots__ = ("exact", "keys", "references", "scalars", "values")

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
        self.scalars = tuple((k, plan.kind) for k, plan in values if type(plan) is Scalar)
        self.references = tuple((k, plan) for k, plan in values if type(plan) is Reference)
        self.values = tuple(
            rest + [(k, plan) for k, plan in values if type(plan) not in (Scalar, Reference)]
        )


class _Compiler:
    """Writes one plan as straight-line Python functions: `match(document) -> bool`, and
    `copy(document)`, a checked deep copy or None.

    The source holds only generated names: every key, expected value and function it uses
    is a constant of the function's namespace, so no document text is ever compiled.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {
            "isfinite": math.isfinite,
            "repeats": has_duplicates,
            "copy_json": copy_json,
            **{kind.__name__: kind for kind in (type, dict, list, str, int, float, bool)},
        }
        self.count = 0
        self.signature: list[Any] = []
        self.copying = False
        self.fail = "False"

    def constant(self, value: Any) -> str:
        name = f"c{len(self.constants)}"
        self.constants[name] = value
        self.signature.append(_identity(value))
        return name

    def variable(self) -> str:
        self.count += 1
        return f"v{self.count}"

    def fail_unless(self, condition: str) -> None:
        self.lines.append(f"    if not ({condition}): return {self.fail}")

    def private(self, var: str, kind: type) -> str:
        """`var` itself, or when copying its shallow copy, once it is checked to be a `kind`."""
        if not self.copying:
            return var
        self.fail_unless(f"type({var}) is {kind.__name__}")
        mine = self.variable()
        self.lines.append(f"    {mine} = {var}.copy()")
        return mine

    def is_a(self, var: str, kind: type) -> str:
        """The test that `var` is a `kind` (with `and`), unless `private` made it one."""
        return "" if self.copying else f"type({var}) is {kind.__name__} and "

    def child(self, plan: Plan, parent: str, step: str) -> None:
        """Check `parent[step]` against `plan` (copying: replaced by its checked copy)."""
        child = self.variable()
        self.lines.append(f"    {child} = {parent}[{step}]")
        copied = self.value(plan, child)
        if copied is not None:
            self.lines.append(f"    {parent}[{step}] = {copied}")

    def value(self, plan: Plan, var: str) -> str | None:
        """Check `var` against `plan`; when copying, the variable of its copy if it has one."""
        if isinstance(plan, Node):
            return self.node(plan, var)
        if isinstance(plan, Array):
            mine = self.private(var, list)
            repeats = f" and not repeats({mine})" if _may_repeat(plan) else ""
            self.fail_unless(f"{self.is_a(mine, list)}len({mine}) == {len(plan.items)}{repeats}")
            for index, item in enumerate(plan.items):
                self.child(item, mine, str(index))
            return mine if self.copying else None
        if isinstance(plan, Scalar):
            self.scalar(plan.kind, var)
        elif isinstance(plan, Reference):
            self.reference(plan, var)
        elif isinstance(plan, Exact):
            exact = self.constant(plan)
            self.fail_unless(f"{exact}.same({var})")
            if self.copying:
                mine = self.variable()
                self.lines.append(f"    {mine} = copy_json({var})")
                self.fail_unless(f"{exact}.same({mine})")
                return mine
        return None

    def scalar(self, kind: type, var: str) -> None:
        finite = f" and isfinite({var})" if kind is float else ""
        self.fail_unless(f"type({var}) is {kind.__name__}{finite}")

    def reference(self, plan: Reference, var: str) -> None:
        # A value seen before is in the memo (a dict lookup); None there means refused, and
        # `expand` says so again.
        known, expand = self.constant(plan.known), self.constant(plan.expand)
        self.fail_unless(
            f"type({var}) is str and ({known}.get({var}) is not None"
            f" or {expand}({var}, {plan.vocab}) is not None)"
        )

    def node(self, plan: Node, var: str) -> str | None:
        mine = self.private(var, dict)
        self.fail_unless(f"{self.is_a(mine, dict)}{mine}.keys() == {self.constant(plan.keys)}")
        for key, expected in plan.exact:
            found = f"{mine}[{self.constant(key)}]"
            name, same = type(expected).__name__, self.constant(expected)
            self.fail_unless(f"type({found}) is {name} and {found} == {same}")
            if self.copying and name == "list":
                self.lines.append(f"    {found} = [*{same}]")  # strings equal to these
        for key, kind in plan.scalars:
            self.scalar(kind, f"{mine}[{self.constant(key)}]")
        for key, reference in plan.references:
            child = self.variable()
            self.lines.append(f"    {child} = {mine}[{self.constant(key)}]")
            self.reference(reference, child)
        for key, value in plan.values:
            self.child(value, mine, self.constant(key))
        return mine if self.copying else None

    def source(self, root: Node) -> str:
        names = list(self.constants)
        self.node(root, "v0")
        match, self.lines = self.lines, []
        middle = len(self.constants)
        self.copying, self.fail = True, "None"
        copied = self.node(root, "v0")
        # Constants (and the builtins used) are bound as defaults: local lookups, the fastest.
        # Each function binds its own only: every default is copied at each call.
        every = list(self.constants)
        return "\n".join(
            [
                f"def match(v0, {_bound(names + every[len(names) : middle])}):",
                *match,
                "    return True",
                f"def copy(v0, {_bound(names + every[middle:])}):",
                *self.lines,
                f"    return {copied}",
            ]
        )

    def fingerprint(self, source: str) -> int:
        """One number per shape: the same source with the same constants."""
        return hash((source, *self.signature))

    def functions(self, source: str) -> tuple[Callable[[Any], bool], Callable[[Any], Any]]:
        """`match` and `copy`, compiled."""
        namespace = dict(self.constants)
        exec(compile(source, "<edubadge document shape>", "exec"), namespace)
        return namespace["match"], namespace["copy"]


def _bound(names: list[str]) -> str:
    return ", ".join(f"{name}={name}" for name in names)


def _may_repeat(plan: Array) -> bool:
    """False when `has_duplicates` cannot find a repeat in arrays of this plan: it only
    compares scalars and objects with an `id` (or `@id`), and the plan fixes the keys."""
    return any(
        isinstance(item, Scalar | Reference)
        or (isinstance(item, Node) and ("id" in item.keys or "@id" in item.keys))
        for item in plan.items
    )


def _identity(value: Any) -> Any:
    """A hashable stand-in for a constant: its value, or the object behind a bound method."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, Exact):
        return value.text
    if isinstance(value, str | frozenset):
        return value
    return id(getattr(value, "__self__", value))


def _strings(value: Any) -> bool:
    if type(value) is str:
        return True
    return type(value) is list and all(type(item) is str for item in value)


def copy_json(value: Any) -> Any:
    """A deep copy of a JSON value (much faster than copy.deepcopy on JSON).

    orjson copies at C speed where its copy equals the original (`orjson_exactly`); what
    it would change (NaN, tuples, huge integers) is copied item by item.
    """
    if type(value) is list and all(type(item) is str for item in value):
        return list(value)  # a @context: shorter than a round trip
    exact = orjson_exactly(value)
    return _copy_each(value) if exact is None else exact[1]


def _copy_each(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_each(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_each(v) for v in value]
    return value


def canonical(value: Any) -> str:
    """One text per JSON value, key order aside (how embedded contexts are compared)."""
    return json.dumps(value, sort_keys=True, allow_nan=False)


class Shape:
    """The plan of a whole document, its compiled `match` and `copy` once remembered, and
    where its numbers are (for JCS).

    `ints` are the paths of its integers; `floats` is the tree of the paths of its floats
    (`{key or index: subtree, ...}`, None at a float).
    """

    __slots__ = ("astral_keys", "copy", "floats", "ints", "match")

    def __init__(
        self,
        root: Node,
        functions: tuple[Callable[[Any], bool], Callable[[Any], Any]] | None = None,
    ) -> None:
        self.match: Callable[[Any], bool] | None = None
        self.copy: Callable[[Any], Any] | None = None
        if functions is not None:
            self.match, self.copy = functions
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
    """The shapes one loader's walk accepted, looked up by a document's top-level keys.

    A shape is compiled the second time the walk accepts it (compiling costs several walks;
    a shape seen once may never come back).
    """

    def __init__(self) -> None:
        self._shapes: dict[tuple[str, ...], list[Shape]] = {}
        self._seen: dict[int, None] = {}

    def find(self, document: Any) -> Shape | None:
        """A remembered shape the document matches, or None."""
        if type(document) is not dict:
            return None
        for shape in self._shapes.get(tuple(document), ()):
            if shape.match(document):  # type: ignore[misc]
                return shape
        return None

    def find_copy(self, document: Any) -> tuple[Shape, dict[str, Any]] | None:
        """A remembered shape the document matches and the copy it checked, or None."""
        if type(document) is not dict:
            return None
        for shape in self._shapes.get(tuple(document), ()):
            copied = shape.copy(document)  # type: ignore[misc]
            if copied is not None:
                return shape, copied
        return None

    def add(self, document: dict[str, Any], root: Node) -> Shape:
        """The shape of a document the walk accepted, remembered if seen before."""
        compiler = _Compiler()
        source = compiler.source(root)
        fingerprint = compiler.fingerprint(source)
        if fingerprint not in self._seen:
            if len(self._seen) >= _MAX_KEY_TUPLES * _MAX_SHAPES_PER_KEYS:
                self._seen.clear()  # one step, safe beside other threads' lookups
            self._seen[fingerprint] = None
            return Shape(root)
        shape = Shape(root, compiler.functions(source))
        keys = tuple(document)
        shapes = self._shapes.get(keys, [])
        if not shapes and len(self._shapes) >= _MAX_KEY_TUPLES:
            self._shapes.clear()  # one step, safe beside other threads' lookups
        # A new list, not an edited one: a thread searching the old list is not disturbed.
        self._shapes[keys] = [shape, *shapes[: _MAX_SHAPES_PER_KEYS - 1]]
        return shape
