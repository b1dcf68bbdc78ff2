"""The compiled JSON-LD route equals pyld's: same N-Quads, same safe-mode errors, counted.

Differential tests: every JSON-LD document of ../shared/vectors, hypothesis-drawn
micro-credentials through the OB 3.0 mapping, and hypothesis-drawn JSON-LD shapes over the
bundled contexts (including unsafe ones) go through both routes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import rfc8785
from hypothesis import example, given
from hypothesis import strategies as st
from pyld import jsonld

from edubadge import keys
from edubadge.errors import EdubadgeError, ResourceLimitError, UnsafeTermError
from edubadge.formats import ob3
from edubadge.jsonld import DocumentLoader, bundled_urls, check, compiled, jcs, rdfc, route_counts
from edubadge.jsonld.rdfc import canonical_nquads
from edubadge.model import Organisation

from .poison import poison_document, poison_statements
from .shared import require_shared, served_contexts
from .strategies import microcredentials

V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _loader() -> DocumentLoader:
    bundled = bundled_urls()
    return DocumentLoader(extra={u: d for u, d in served_contexts().items() if u not in bundled})


def _outcome(function: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
    """("ok", result) or (error class, message): what a route answered."""
    try:
        return "ok", function(*args, **kwargs)
    except EdubadgeError as error:
        return type(error).__name__, str(error)


def _routes(document: Any, loader: DocumentLoader) -> tuple[tuple[str, str], tuple[str, str]]:
    return (
        _outcome(rdfc, document, loader),
        _outcome(rdfc, document, loader, route="pyld"),
    )


def _fast_runs(document: Any, loader: DocumentLoader) -> bool:
    before = route_counts().get("fast", 0)
    rdfc(document, loader)
    return route_counts().get("fast", 0) == before + 1


def _vector_documents() -> Iterator[tuple[str, dict[str, Any]]]:
    root = require_shared() / "vectors"
    for path in sorted(root.rglob("*.json*")):
        try:
            data = json.loads(path.read_text("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(data, dict) and "@context" in data:
            name = str(path.relative_to(root))
            yield name, data
            if "proof" in data:  # the unsecured document is what suites canonicalise
                yield name + " (unsecured)", {k: v for k, v in data.items() if k != "proof"}


def test_every_vector_gives_the_same_nquads_on_both_routes() -> None:
    loader = _loader()
    compared = fast = 0
    for name, document in _vector_documents():
        auto, reference = _routes(document, loader)
        assert auto == reference, name
        if reference[0] == "ok":
            compared += 1
            fast += _fast_runs(document, loader)
    assert compared >= 50
    assert fast >= compared // 2  # most vectors take the compiled route


def test_every_vector_gets_the_same_safe_mode_verdict_from_check() -> None:
    loader = _loader()
    for name, document in _vector_documents():
        assert (
            _outcome(check, document, loader)[0]
            == _outcome(check, document, loader, route="pyld")[0]
        ), name


KEY = keys.from_seed(b"\x07" * 32)
ISSUER = Organisation(id=KEY.controller, name="Example University", country="BE")


@given(microcredentials())
def test_issued_credentials_take_the_fast_route_and_match_pyld(record: Any) -> None:
    loader = DocumentLoader()
    credential = ob3.to_credential(record, ISSUER)
    auto, reference = _routes(credential, loader)
    assert reference[0] == "ok"
    assert auto == reference
    assert _fast_runs(credential, loader)


# --- arbitrary JSON-LD shapes over the bundled contexts -----------------------------------

TERMS = (
    "id",
    "type",
    "name",
    "description",
    "issuer",
    "validFrom",
    "credentialSubject",
    "achievement",
    "criteria",
    "narrative",
    "alignment",
    "targetUrl",
    "targetName",
    "creditsEarned",
    "hashed",
    "identifier",
    "identityHash",
    "url",
    "image",
    "evidence",
    "result",
    "value",
    "achievementType",
    "inLanguage",
    "awardedDate",
    "notDefined",
    "schema:name",
    "https://example.org/vocab#p",
    "@id",
    "@type",
    "_:blank",
)
TYPES = (
    "VerifiableCredential",
    "OpenBadgeCredential",
    "Achievement",
    "AchievementSubject",
    "Profile",
    "Alignment",
    "Evidence",
    "Result",
    "IdentityObject",
    "https://example.org/Thing",
    "UndefinedType",
    "_:t",
)
IDS = ("urn:uuid:1", "did:example:a", "https://example.org/a", "_:x", "relative/ref", "#frag")
SCALARS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(IDS),
    st.integers(-(10**22), 10**22),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)


def _node(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    value = st.one_of(SCALARS, children, st.lists(st.one_of(SCALARS, children), max_size=3))
    node = st.dictionaries(st.sampled_from(TERMS), value, max_size=5)
    typed = st.tuples(node, st.lists(st.sampled_from(TYPES), max_size=2), st.sampled_from(IDS))
    return st.one_of(
        node,
        typed.map(lambda t: {**t[0], "type": t[1]}),
        typed.map(lambda t: {**t[0], "id": t[2], "type": t[1]}),
        st.just({"@value": "x", "@language": "en"}),
        st.just({"@list": ["a", "b"]}),
    )


NODES = st.recursive(st.just({}), _node, max_leaves=12)


@given(NODES, st.sampled_from([[V2], [V2, OB3], [V2, OB3, {"schema": "https://schema.org/"}]]))
def test_arbitrary_shapes_get_the_same_answer_on_both_routes(
    node: dict[str, Any], context: list[Any]
) -> None:
    loader = DocumentLoader()
    document = {"@context": context, **node}
    auto, reference = _routes(document, loader)
    assert auto == reference
    assert (
        _outcome(check, document, loader)[0] == _outcome(check, document, loader, route="pyld")[0]
    )


# --- fallback, look-alike blank nodes, poison graphs ----------------------------------------


def test_a_shape_outside_the_fast_route_falls_back_and_is_counted() -> None:
    loader = DocumentLoader()
    document = {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "name": {"@value": "Diploma", "@language": "en"},
    }
    before = route_counts()
    auto, reference = _routes(document, loader)
    after = route_counts()
    assert auto == reference and auto[0] == "ok"
    assert after.get("pyld:value object", 0) == before.get("pyld:value object", 0) + 1
    assert after.get("fast", 0) == before.get("fast", 0)


def test_look_alike_blank_nodes_take_n_degree_hashing_and_still_match() -> None:
    loader = DocumentLoader()
    name = 'same \\n "quoted"\t\\\\ \n end'  # escapes survive the N-degree route
    twin = {"type": ["Alignment"], "targetName": name, "targetUrl": "https://example.org/x"}
    document = {
        "@context": [V2, OB3],
        "type": ["Achievement"],
        "id": "https://example.org/achievement",
        "alignment": [twin, dict(twin), {**twin, "targetName": "other"}],
    }
    auto, reference = _routes(document, loader)
    assert auto == reference and auto[0] == "ok"
    assert auto[1].count("_:c14n") >= 3


def test_a_poison_graph_is_refused_with_a_typed_error() -> None:
    with pytest.raises(UnsafeTermError, match="blank node label"):
        rdfc(poison_document(12), DocumentLoader())
    with pytest.raises(ResourceLimitError):
        canonical_nquads(poison_statements(12))


def test_many_distinct_blank_nodes_still_canonicalise() -> None:
    loader = DocumentLoader()
    alignments = [
        {"type": ["Alignment"], "targetName": f"skill {i}", "targetUrl": f"https://example.org/{i}"}
        for i in range(300)
    ]
    document = {"@context": [V2, OB3], "type": ["Achievement"], "alignment": alignments}
    nquads = rdfc(document, loader)
    assert nquads.count("\n") == 301 + 300 * 3
    assert "_:c14n299" in nquads


def test_sha384_inside_rdfc_is_kept_on_the_fast_route() -> None:
    loader = DocumentLoader()
    document = {
        "@context": [V2, OB3],
        "type": ["Achievement"],
        "alignment": [{"type": ["Alignment"], "targetName": n} for n in "abcdefgh"],
    }
    fast = rdfc(document, loader, hash_name="sha384")
    assert fast == rdfc(document, loader, hash_name="sha384", route="pyld")
    # labels follow the order of the hashes: 8 nodes in the same order under both is 1 in 8!
    assert fast != rdfc(document, loader)


JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**60), 2**60),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@given(JSON)
@example(2.0**53)  # integral, past 2**53: json.dumps would write "9007199254740992.0"
@example([2.0**53 - 1, -(2.0**53), 1e16, 1e-4, 9.999e-5, -0.0, 1e21, 5.0])
def test_jcs_equals_the_rfc8785_library(value: Any) -> None:
    expected = ("ok", rfc8785.dumps(value)) if _encodable(value) else None
    try:
        got: tuple[str, Any] = ("ok", jcs(value))
    except EdubadgeError:
        got = ("error", None)
    if expected is None:
        assert got[0] == "error"
    else:
        assert got == expected


def _encodable(value: Any) -> bool:
    try:
        rfc8785.dumps(value)
    except Exception:
        return False
    return True


@given(st.one_of(st.text(max_size=12), st.sampled_from(IDS), st.from_regex(r"[a-z+.,-]{0,4}:\S*")))
def test_the_absolute_iri_test_is_pyld_s(value: str) -> None:
    assert (compiled.ABSOLUTE_IRI.match(value) is not None) == bool(jsonld._is_absolute_iri(value))
