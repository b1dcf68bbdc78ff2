"""`validate(document)`: is a credential well formed for its format?

* Open Badges 3.0: the official OB 3.0 JSON Schema (read from a path the caller gives: the
  schema is 1EdTech's, not edubadge's) and the model's own constraints (the credential must
  read into a valid `MicroCredential`).
* Europass EDC: the ELM SHACL shapes the caller gives (e.g. ``EDC-generic-full.ttl``; files it
  ``owl:imports`` are looked for beside it) over the credential's RDF, built offline with the
  bundled ``edc-ap`` context or the one the caller gives, in safe mode. Needs the
  ``validation`` extra (pyshacl).

Unlike `verify`, this checks structure, not signatures: a valid document may be unsigned.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from .errors import EdubadgeError, InputError
from .formats import edc, ob3
from .jsonld.canon import to_dataset
from .jsonld.loader import DocumentLoader, default_loader

__all__ = ["Issue", "ValidationReport", "detect_format", "validate"]

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class Issue:
    """One thing wrong: where (a JSON path, or an RDF focus node and property) and what."""

    path: str
    message: str
    source: str  # "json-schema", "model", "shacl", "json-ld"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of `validate`: `valid` when no issue was found."""

    format: Literal["ob3", "edc"]
    issues: tuple[Issue, ...] = field(default=())
    checked: tuple[str, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return not self.issues

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "valid": self.valid,
            "checked": list(self.checked),
            "issues": [vars(i) for i in self.issues],
        }


def detect_format(document: Mapping[str, Any]) -> Literal["ob3", "edc"]:
    """``"edc"`` for a European Digital Credential, ``"ob3"`` for an Open Badge."""
    document = edc.unwrap(document)
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    contexts = document.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    if "EuropeanDigitalCredential" in types or any(c in _EDC_CONTEXTS for c in contexts):
        return "edc"
    if {"OpenBadgeCredential", "AchievementCredential"} & set(types):
        return "ob3"
    raise InputError(
        "neither an Open Badges 3.0 credential nor a European Digital Credential",
        path="$.type",
        hint="OB 3.0 is typed OpenBadgeCredential, EDC EuropeanDigitalCredential",
    )


_EDC_CONTEXTS = frozenset(
    {
        "http://data.europa.eu/snb/model/context/edc-ap",
        "https://data.europa.eu/snb/model/context/edc-ap",
    }
)


def validate(
    document: Mapping[str, Any],
    *,
    schema: PathLike | None = None,
    shapes: PathLike | Sequence[PathLike] | None = None,
    context: PathLike | Mapping[str, Any] | None = None,
    loader: DocumentLoader | None = None,
) -> ValidationReport:
    """Validate an OB 3.0 credential (`schema`: the OB 3.0 JSON Schema file) or an EDC
    (`shapes`: SHACL file(s); `context`: the edc-ap context to use instead of the bundled
    one). What is not given is not checked, except the model's constraints (always).
    """
    if not isinstance(document, Mapping):
        raise InputError("a credential is a JSON object")
    kind = detect_format(document)
    if kind == "ob3":
        return _validate_ob3(document, schema)
    return _validate_edc(document, shapes, context, loader)


# --- OB 3.0 ---------------------------------------------------------------------------------


@cache
def _schema_validator(path: str) -> Any:
    import jsonschema

    try:
        schema = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the JSON Schema {path}: {exc}") from None
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _json_path(parts: Sequence[Any]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _validate_ob3(document: Mapping[str, Any], schema: PathLike | None) -> ValidationReport:
    issues: list[Issue] = []
    checked = ["model"]
    if schema is not None:
        try:
            import jsonschema  # noqa: F401
        except ImportError:
            raise InputError(
                "JSON Schema validation needs the jsonschema package",
                hint="pip install 'edubadge[validation]'",
            ) from None
        checked.insert(0, "json-schema")
        validator = _schema_validator(os.fspath(schema))
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.path)):
            issues.append(
                Issue(_json_path(list(error.absolute_path)), error.message, "json-schema")
            )
    try:
        ob3.from_credential(document)
    except EdubadgeError as exc:
        fields = getattr(exc, "fields", None) or [(exc.path or "$", exc.message)]
        issues += [Issue(path, message, "model") for path, message in fields]
    return ValidationReport("ob3", tuple(issues), tuple(checked))


# --- EDC ------------------------------------------------------------------------------------


def _shape_files(shapes: PathLike | Sequence[PathLike]) -> tuple[str, ...]:
    if isinstance(shapes, str | os.PathLike):
        shapes = [shapes]
    return tuple(sorted(os.fspath(p) for p in shapes))


@cache
def _shapes_graph(files: tuple[str, ...]) -> Any:
    """The shapes of `files`, plus the files they owl:import found in the same folders."""
    import rdflib
    from rdflib.namespace import OWL, RDF

    graph = rdflib.Graph()
    loaded: set[str] = set()
    for name in files:
        try:
            graph.parse(name, format="turtle")
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read the SHACL shapes {name}: {exc}") from None
    for name in files:
        for other in sorted(Path(name).parent.glob("*.ttl")):
            if os.fspath(other) in files:
                continue
            header = other.read_text("utf-8", errors="replace")[:4000]
            for ontology in set(graph.objects(None, OWL.imports)):
                if f"<{ontology}>" in header and str(ontology) not in loaded:
                    candidate = rdflib.Graph().parse(other, format="turtle")
                    if (ontology, RDF.type, OWL.Ontology) in candidate:
                        graph += candidate
                        loaded.add(str(ontology))
    return graph


def _with_context(document: Mapping[str, Any], context: PathLike | Mapping[str, Any]) -> Any:
    if isinstance(context, Mapping):
        given = context
    else:
        try:
            given = json.loads(Path(context).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read the JSON-LD context {context}: {exc}") from None
    inline = given.get("@context", given)
    doc = dict(document)
    contexts = doc.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    doc["@context"] = [inline if c in _EDC_CONTEXTS else c for c in contexts]
    return doc


def _validate_edc(
    document: Mapping[str, Any],
    shapes: PathLike | Sequence[PathLike] | None,
    context: PathLike | Mapping[str, Any] | None,
    loader: DocumentLoader | None,
) -> ValidationReport:
    issues: list[Issue] = []
    checked = ["json-ld", "model"]
    document = edc.unwrap(document)
    if context is not None:
        document = _with_context(document, context)
    try:
        dataset = to_dataset(dict(document), loader or default_loader())
    except EdubadgeError as exc:
        return ValidationReport(
            "edc", (Issue(exc.path or "$", exc.message, "json-ld"),), ("json-ld",)
        )
    try:
        edc.from_credential(document)
    except EdubadgeError as exc:
        fields = getattr(exc, "fields", None) or [(exc.path or "$", exc.message)]
        issues += [Issue(path, message, "model") for path, message in fields]
    if shapes is not None:
        checked.insert(1, "shacl")
        issues += _shacl(dataset, _shape_files(shapes))
    return ValidationReport("edc", tuple(issues), tuple(checked))


def _shacl(dataset: Any, files: tuple[str, ...]) -> list[Issue]:
    try:
        import pyshacl
        import rdflib
        from pyld import jsonld
    except ImportError:
        raise InputError(
            "SHACL validation needs pyshacl", hint="pip install 'edubadge[validation]'"
        ) from None
    from rdflib.namespace import SH

    data = rdflib.Graph()
    # a credential is one default graph: its N-Quads are N-Triples
    data.parse(data=jsonld.JsonLdProcessor.to_nquads(dataset), format="nt")
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=_shapes_graph(files), inference="none", allow_warnings=True
    )
    if conforms:
        return []
    issues = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        shape = results.value(result, SH.sourceShape)
        where = f"<{focus}> {data.namespace_manager.normalizeUri(path) if path else ''}".strip()
        text = f"{message} (shape {data.namespace_manager.normalizeUri(shape)})"
        issues.append(Issue(where, text, "shacl"))
    return sorted(issues, key=lambda i: (i.path, i.message))
