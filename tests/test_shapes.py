"""Remembered document shapes give safe mode's exact verdict, and `jcs_checked` exact JCS.

Differential tests: a document primes a loader's shape cache, then a document of the same
skeleton with values changed (ids made relative, nulls, repeats, other types, numbers, NaN)
is checked through the remembered shape and through pyld: the answers (error class and
message, term and JSON path) must be the same, and accepted documents' JCS bytes must be
RFC 8785's.
"""

from __future__ import annotations

import math
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from edubadge import keys
from edubadge.errors import UnsafeTermError
from edubadge.formats import ob3
from edubadge.jsonld import DocumentLoader, check, jcs, jcs_checked, route_counts, shapes
from edubadge.jsonld.canon import jcs_checked_copy
from edubadge.model import Organisation
from edubadge.proofs import verify_proofs
from edubadge.proofs.data_integrity import add_proof

from .strategies import microcredentials
from .test_fast_paths import _same
from .test_fast_route import IDS, NODES, OB3, SCALARS, TYPES, V2, _encodable, _outcome

KEY = keys.from_seed(b"\x09" * 32)
ISSUER = Organisation(id=KEY.controller, name="Example University", country="BE")
LEAVES = st.one_of(
    SCALARS,
    st.sampled_from(TYPES),
    st.sampled_from(IDS),
    st.sampled_from([math.nan, math.inf, 2**60, 5.0, 0.5, 1e-7, 1e17, "\ud800", "\U0001f600"]),
)

SAME_TYPE: dict[type, st.SearchStrategy[Any]] = {
    str: st.one_of(st.sampled_from(IDS), st.sampled_from(TYPES), st.text(max_size=4)),
    float: st.sampled_from([math.nan, -math.inf, 0.5, 1e-7, 1e17, 3.0]),
    int: st.sampled_from([0, -1, 2**53, 2**60]),
}


def _mutated(value: Any, data: st.DataObject, retype: bool) -> Any:
    """`value` with the same skeleton and some leaves replaced, some array items repeated.

    Without `retype` leaves keep their JSON type, so a remembered shape still applies and
    the values alone must decide.
    """
    if isinstance(value, dict):
        return {k: v if k == "@context" else _mutated(v, data, retype) for k, v in value.items()}
    if isinstance(value, list):
        items = [_mutated(v, data, retype) for v in value]
        if len(items) > 1 and data.draw(st.integers(0, 4)) == 0:
            items[-1] = items[0]
        return items
    choice = data.draw(st.integers(0, 15))
    if choice == 0 and retype:
        return data.draw(LEAVES)
    if choice == 1:
        return data.draw(SAME_TYPE.get(type(value), st.just(value)))
    return value


def _fast_shapes() -> int:
    return route_counts().get("fast:shape", 0)


def _remember(document: dict[str, Any], loader: DocumentLoader) -> None:
    """Check the document twice: a shape is remembered the second time it is accepted."""
    for _ in range(2):
        _outcome(check, document, loader)


def _same_answer(primer: dict[str, Any], document: dict[str, Any]) -> None:
    loader = DocumentLoader()
    _remember(primer, loader)
    auto = _outcome(check, document, loader)
    assert auto == _outcome(check, document, loader, route="pyld")
    if auto[0] == "ok" and _encodable(document):
        assert jcs_checked(document, loader) == rfc8785.dumps(document)
    _same_copy(document, loader)


def _containers(value: Any) -> list[Any]:
    """Every object and array in `value`, itself included."""
    if isinstance(value, dict):
        return [value, *(c for v in value.values() for c in _containers(v))]
    if isinstance(value, list):
        return [value, *(c for v in value for c in _containers(v))]
    return []


def _same_copy(document: dict[str, Any], loader: DocumentLoader) -> None:
    """`jcs_checked_copy` answers as `jcs_checked` does, with an exact copy sharing no object
    or array with `document`."""
    answer = _outcome(jcs_checked_copy, document, loader)
    if answer[0] != "ok":
        assert answer == _outcome(jcs_checked, document, loader)
        return
    copied, canonical = answer[1]
    assert ("ok", canonical) == _outcome(jcs_checked, document, loader)
    assert _same(copied, shapes.copy_json(document))
    assert not {id(c) for c in _containers(copied)} & {id(c) for c in _containers(document)}


@given(microcredentials(), st.data())
def test_credentials_with_changed_values_get_pyld_verdict(record: Any, data: st.DataObject) -> None:
    credential = ob3.to_credential(record, ISSUER)
    _same_answer(credential, _mutated(credential, data, data.draw(st.booleans())))


@given(NODES, st.sampled_from([[V2], [V2, OB3]]), st.data())
def test_arbitrary_shapes_with_changed_values_get_pyld_verdict(
    node: dict[str, Any], context: list[Any], data: st.DataObject
) -> None:
    document = {"@context": context, **node}
    _same_answer(document, _mutated(document, data, data.draw(st.booleans())))


@given(microcredentials())
def test_an_alike_credential_is_answered_by_its_remembered_shape(record: Any) -> None:
    loader = DocumentLoader()
    first = ob3.to_credential(record, ISSUER)
    second = {**ob3.to_credential(record, ISSUER), "id": f"urn:uuid:{uuid.uuid4()}"}
    check(first, loader)
    before = _fast_shapes()
    assert jcs_checked(second, loader) == rfc8785.dumps(second)  # the walk, a second time
    assert _fast_shapes() == before
    assert jcs_checked(second, loader) == rfc8785.dumps(second)
    assert _fast_shapes() == before + 1


def _credential() -> dict[str, Any]:
    return {
        "@context": [V2, OB3],
        "id": "urn:uuid:2b1b7f2e-8b53-4a53-9d84-3f1a1f0c9c11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Uni"},
        "validFrom": "2026-01-15T09:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "creditsEarned": 5.0,
            "achievement": {
                "id": "https://example.org/achievements/1",
                "type": ["Achievement"],
                "name": "Data",
                "criteria": {"narrative": "Pass"},
                "tag": ["data", "python"],
                "alignment": [{"type": ["Alignment"], "targetUrl": "https://example.org/a"}],
            },
        },
    }


def _refused_after_priming(change: Any) -> UnsafeTermError | None:
    loader = DocumentLoader()
    _remember(_credential(), loader)
    before = _fast_shapes()
    check(_credential(), loader)
    assert _fast_shapes() == before + 1
    document = _credential()
    change(document)
    before = _fast_shapes()
    try:
        check(document, loader)
    except UnsafeTermError as error:
        assert _fast_shapes() == before  # the remembered shape did not answer
        return error
    return None


def test_a_relative_id_in_a_remembered_shape_is_refused_with_its_path() -> None:
    error = _refused_after_priming(lambda d: d["issuer"].update(id="issuers/1"))
    assert error is not None and error.path == "$.issuer.id"


def test_null_repeated_and_retyped_values_in_a_remembered_shape_are_refused() -> None:
    subject = "credentialSubject"
    for change in (
        lambda d: d.update(validFrom=None),
        lambda d: d[subject]["achievement"].update(tag=["data", "data"]),
        lambda d: d[subject].update(type=["UndefinedType"]),
        lambda d: d[subject]["achievement"].update(id="#fragment"),
    ):
        assert _refused_after_priming(change) is not None


def test_numbers_in_a_remembered_shape_are_written_as_rfc8785_writes_them() -> None:
    loader = DocumentLoader()
    _remember(_credential(), loader)
    for credits in (5.0, 7.5, 1e17, 1e-7, 2**53 - 1, 123456789.125):
        document = _credential()
        document["credentialSubject"]["creditsEarned"] = credits
        assert jcs_checked(document, loader) == rfc8785.dumps(document) == jcs(document)


def test_a_non_finite_number_in_a_remembered_shape_takes_the_pyld_route() -> None:
    loader = DocumentLoader()
    _remember(_credential(), loader)
    document = _credential()
    document["credentialSubject"]["creditsEarned"] = math.nan
    assert _outcome(check, document, loader) == _outcome(check, document, loader, route="pyld")


def test_a_document_too_large_for_a_shape_is_walked_each_time() -> None:
    loader = DocumentLoader()
    document = _credential()
    alignment = document["credentialSubject"]["achievement"]["alignment"]
    alignment[:] = [
        {"type": ["Alignment"], "targetUrl": f"https://example.org/{i}"}
        for i in range(shapes.MAX_SHAPE_SIZE)
    ]
    _remember(document, loader)
    before = _fast_shapes()
    assert jcs_checked(document, loader) == rfc8785.dumps(document)
    assert _fast_shapes() == before


def test_threads_sharing_a_loader_get_the_same_answers() -> None:
    loader = DocumentLoader()
    _remember(_credential(), loader)  # pyld's own caches are not for threads: warmed here
    documents = []
    for n in range(40):
        document = _credential()
        document["id"] = f"urn:uuid:00000000-0000-4000-8000-{n:012d}"
        documents.append(document)
    before = _fast_shapes()

    def answers(_: int) -> list[bytes]:
        return [jcs_checked(document, loader) for document in documents]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(answers, range(8)))
    assert all(r == [rfc8785.dumps(d) for d in documents] for r in results)
    assert _fast_shapes() == before + 8 * 40


def test_a_copy_by_a_remembered_shape_is_exact_and_independent() -> None:
    loader = DocumentLoader()
    _remember(_credential(), loader)
    document = _credential()
    before = _fast_shapes()
    copied, canonical = jcs_checked_copy(document, loader)
    assert _fast_shapes() == before + 1
    assert canonical == rfc8785.dumps(document)
    assert _same(copied, document) and list(copied) == list(document)
    document["issuer"]["name"] = "Changed"
    document["credentialSubject"]["achievement"]["tag"].append("more")
    document["@context"].append("https://example.org/context")
    assert copied == _credential()


def test_what_a_remembered_shape_does_not_copy_is_copied_and_checked_as_before() -> None:
    loader = DocumentLoader()
    _remember(_credential(), loader)
    subject = "credentialSubject"
    for change in (
        lambda d: d[subject].update(creditsEarned=math.nan),
        lambda d: d[subject].update(creditsEarned=2**70),
        lambda d: d[subject]["achievement"].update(tag=("data", "python")),
        lambda d: d[subject]["achievement"].update(criteria=_Object(narrative="Pass")),
        lambda d: d.update(validFrom=None),
        lambda d: d[subject]["achievement"].update(id="#fragment"),
    ):
        document = _credential()
        change(document)
        before = _fast_shapes()
        _same_copy(document, loader)
        assert _fast_shapes() == before  # neither route took the remembered shape


class _Object(dict[str, Any]):
    """A JSON object of another Python type."""


def test_a_document_signed_by_its_remembered_shape_is_an_independent_copy() -> None:
    loader = DocumentLoader()
    for suite in ("eddsa-jcs-2022", "eddsa-rdfc-2022"):
        for _ in range(2):
            add_proof(_credential(), KEY, suite=suite, loader=loader)
        document = _credential()
        before = _fast_shapes()
        secured = add_proof(document, KEY, suite=suite, loader=loader)
        assert _fast_shapes() == before + (suite == "eddsa-jcs-2022")
        assert document == _credential()  # the input is left as it was
        assert list(secured) == [*_credential(), "proof"]
        assert not {id(c) for c in _containers(secured)} & {id(c) for c in _containers(document)}
        document["issuer"]["name"] = "Changed"
        document["@context"].append("https://example.org/context")
        assert {k: v for k, v in secured.items() if k != "proof"} == _credential()
        assert verify_proofs(secured, loader=loader)[0].verified
