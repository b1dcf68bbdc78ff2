"""Safe mode: nothing JSON-LD would silently drop or leave relative gets signed or verified."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import edubadge
from edubadge import keys
from edubadge.errors import UnsafeTermError
from edubadge.jsonld import expand
from edubadge.jsonld.canon import check, rdfc
from edubadge.jsonld.safe import has_duplicates

KEY = keys.from_seed(b"\x01" * 32)
CREDENTIAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:3c1f2b1e-1f6e-4b8e-9a55-0f6a1d3b7c11",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": KEY.controller, "type": ["Profile"], "name": "Example University"},
    "validFrom": "2024-01-01T00:00:00Z",
    "name": "Data Analysis",
    "credentialSubject": {
        "id": "did:example:learner",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.edu/achievements/data-analysis",
            "type": ["Achievement"],
            "name": "Data Analysis",
            "description": "Analyses data with Python.",
            "criteria": {"narrative": "Passed the final project."},
        },
    },
}


def _refused(document: dict[str, Any]) -> UnsafeTermError:
    with pytest.raises(UnsafeTermError) as raised:
        edubadge.sign(document, KEY, suite="eddsa-rdfc-2022")
    with pytest.raises(UnsafeTermError):
        edubadge.sign(document, KEY, suite="eddsa-jcs-2022")
    return raised.value


def test_the_base_credential_is_safe() -> None:
    assert expand(CREDENTIAL)


@pytest.mark.parametrize(
    ("edit", "term", "path"),
    [
        (lambda d: d.update(undefinedTerm="x"), "undefinedTerm", "$.undefinedTerm"),
        (
            lambda d: d["credentialSubject"]["achievement"]["criteria"].update(score=3),
            "score",
            "$.credentialSubject.achievement.criteria.score",
        ),
        (lambda d: d["type"].append("MadeUpCredential"), "MadeUpCredential", "$.type[2]"),
        (
            lambda d: d["credentialSubject"]["achievement"].update(type=["Achievement", "Nope"]),
            "Nope",
            "$.credentialSubject.achievement.type[1]",
        ),
        (lambda d: d["issuer"].update(id="issuers/1"), "issuers/1", "$.issuer.id"),
        (lambda d: d.update(name=None), "name", "$.name"),
        (lambda d: d.update({"@foo": "bar"}), "@foo", "$['@foo']"),
        (
            lambda d: d["credentialSubject"].update({"_:b0": "x"}),
            "_:b0",
            "$.credentialSubject['_:b0']",
        ),
    ],
)
def test_unsafe_documents_are_refused_with_term_and_path(edit: Any, term: str, path: str) -> None:
    document = copy.deepcopy(CREDENTIAL)
    edit(document)
    error = _refused(document)
    assert error.term == term
    assert error.path == path


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ([], "an empty array is dropped"),
        ([["x"]], "an array in an array is flattened"),
        (["x", ["y"]], "an array in an array is flattened"),
        ([[]], "an array in an array is flattened"),
    ],
)
def test_empty_and_nested_arrays_are_refused(value: Any, why: str) -> None:
    """JSON-LD drops an empty array and flattens nested ones, so `"tag": []` states what no
    member states and `[["x"], ["x"]]` what `["x"]` does: a signature over the statements
    would not see the difference. Both routes refuse them."""
    document = copy.deepcopy(CREDENTIAL)
    document["credentialSubject"]["achievement"]["tag"] = value
    error = _refused(document)
    assert (error.term, error.path) == ("tag", "$.credentialSubject.achievement.tag")
    assert why in str(error)
    for route in ("auto", "pyld"):
        with pytest.raises(UnsafeTermError, match=why):
            check(document, route=route)


def test_arrays_added_to_a_signed_credential_do_not_verify() -> None:
    """The attack itself: under an RDFC proof, an added empty array or a value nested in
    arrays left every signed statement as it was; safe mode now names the change."""
    signed = edubadge.sign(CREDENTIAL, KEY, suite="eddsa-rdfc-2022")
    assert edubadge.verify(signed).verified
    for edit in (
        lambda d: d["credentialSubject"]["achievement"].update(tag=[]),
        lambda d: d["credentialSubject"]["achievement"].update(name=[["Data Analysis"]]),
        lambda d: d["credentialSubject"]["achievement"].update(name=[["Data Analysis"]] * 2),
    ):
        edited = copy.deepcopy(signed)
        edit(edited)
        result = edubadge.verify(edited)
        assert not result.verified
        assert "array" in result.check("proof").problems[0].detail


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (lambda a: a["criteria"].update(id="_:x"), "$.credentialSubject.achievement.criteria.id"),
        (lambda a: a.update(image="_:x"), "$.credentialSubject.achievement.image"),
        (lambda a: a.update(id="_:x"), "$.credentialSubject.achievement.id"),
    ],
)
def test_blank_node_labels_are_refused(edit: Any, path: str) -> None:
    """RDFC-1.0 relabels blank nodes: `_:x`, `_:y` and no label at all sign alike. Both
    routes refuse a label, as an id and as the value of an IRI-valued term."""
    document = copy.deepcopy(CREDENTIAL)
    edit(document["credentialSubject"]["achievement"])
    error = _refused(document)
    assert (error.term, error.path) == ("_:x", path)
    assert "blank node label" in str(error)
    for route in ("auto", "pyld"):
        with pytest.raises(UnsafeTermError, match="blank node label"):
            check(document, route=route)


def test_a_blank_node_label_added_to_a_signed_credential_does_not_verify() -> None:
    """The attack: an `id` added to an object that had none left the canonical statements
    as they were, so the old RDFC signature still held."""
    signed = edubadge.sign(CREDENTIAL, KEY, suite="eddsa-rdfc-2022")
    for label in ("_:x", "_:c14n0"):
        edited = copy.deepcopy(signed)
        edited["credentialSubject"]["achievement"]["criteria"]["id"] = label
        result = edubadge.verify(edited)
        assert not result.verified
        assert "blank node label" in result.check("proof").problems[0].detail


def test_list_terms_keep_empty_and_nested_arrays() -> None:
    """Under `@list` an empty array is the empty list and nested arrays are lists of lists:
    both are statements of their own, so safe mode lets them through."""
    url = "https://example.org/lists/v1"
    term = {"@id": "https://example.org/steps", "@container": "@list"}
    loader = edubadge.DocumentLoader({url: {"@context": {"steps": term}}})
    document = copy.deepcopy(CREDENTIAL)
    document["@context"] = [*document["@context"], url]
    statements = set()
    for steps in ([], [["a"], ["b"]], ["a", "b"]):
        document["credentialSubject"]["steps"] = steps
        for route in ("auto", "pyld"):
            check(document, loader, route=route)
        statements.add(rdfc(document, loader))
    assert len(statements) == 3


def test_verification_refuses_an_unsafe_signed_document() -> None:
    """A term added after signing cannot ride along unsigned: verification names it."""
    signed = edubadge.sign(CREDENTIAL, KEY, suite="eddsa-rdfc-2022")
    signed["credentialSubject"]["smuggled"] = "not signed"
    result = edubadge.verify(signed)
    assert not result.verified
    problem = result.check("proof").problems[0]
    assert "smuggled" in problem.detail and problem.type.endswith("PROOF_TRANSFORMATION_ERROR")


def _objects(document: Any, path: str = "$") -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(document, dict):
        found.append((path, document))
        for key, value in document.items():
            if key != "@context":
                found += _objects(value, f"{path}.{key}")
    elif isinstance(document, list):
        for i, value in enumerate(document):
            found += _objects(value, f"{path}[{i}]")
    return found


@given(
    st.data(),
    st.from_regex(r"[a-z][A-Za-z0-9]{2,12}", fullmatch=True)
    | st.sampled_from(["id", "type", "name", "narrative", "description"]),
)
def test_any_undefined_term_anywhere_is_refused(data: st.DataObject, term: str) -> None:
    document = copy.deepcopy(CREDENTIAL)
    path, target = data.draw(st.sampled_from(_objects(document)))
    if term in target:
        return
    # The OB 3.0 context defines many terms; keep only names it does not define.
    target[term] = "sentinel-value-7f3a"
    try:
        expanded = expand(document)
    except UnsafeTermError as error:
        # an undefined key, or (for id/type) the value it was given
        assert error.term in (term, "sentinel-value-7f3a")
        assert error.path == f"{path}.{term}"
    else:
        # The term is defined where it stands: then its value is part of what gets signed.
        assert "sentinel-value-7f3a" in json.dumps(expanded)


def _duplicates_by_whole_nodes(values: list[Any]) -> bool:
    """The repeat test as first written: every identified node compared whole."""
    seen: set[Any] = set()
    for value in values:
        if isinstance(value, dict):
            if not isinstance(value.get("id", value.get("@id")), str):
                continue
            marker: Any = ("node", repr(sorted(value.items(), key=lambda kv: kv[0])))
        elif isinstance(value, list):
            continue
        else:
            marker = (type(value).__name__, value)
        if marker in seen:
            return True
        seen.add(marker)
    return False


_SCALARS = st.one_of(st.sampled_from(["a", "b"]), st.integers(0, 2), st.booleans(), st.none())
_NODES = st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from(["urn:x:1", "urn:x:2", 3]),
        "@id": st.sampled_from(["urn:x:1", "urn:x:3"]),
        "name": _SCALARS,
        "tag": st.lists(_SCALARS, max_size=2),
    },
)


@given(st.lists(st.one_of(_SCALARS, _NODES, st.lists(_SCALARS, max_size=1)), max_size=6))
def test_repeats_compare_whole_nodes_only_when_their_ids_meet(values: list[Any]) -> None:
    assert has_duplicates(values) == _duplicates_by_whole_nodes(values)


@pytest.mark.parametrize("route", ["auto", "pyld"])
@pytest.mark.parametrize("where", [1, 2])
def test_a_context_listed_twice_is_refused(route: str, where: int) -> None:
    """RDFC-1.0 signs a document with and without the repeat alike (JSON-LD applies the
    context again, to the same effect): a signed credential must not take one."""
    document = copy.deepcopy(CREDENTIAL)
    document["@context"].insert(where, document["@context"][where - 1])
    with pytest.raises(UnsafeTermError, match="a context listed twice"):
        check(document, route=route)  # type: ignore[arg-type]
    signed = edubadge.sign(CREDENTIAL, KEY, suite="eddsa-rdfc-2022")
    signed["@context"].insert(where, signed["@context"][where - 1])
    assert not edubadge.verify(signed).verified
