"""JSON-LD attacks on a verifier: each is refused, and each test shows the attack works
without the defence (so the defence, not luck, is what stops it)."""

from __future__ import annotations

import copy
import importlib
import json
import sys
import time
from typing import Any

import pytest
from pyld import jsonld

import edubadge
from edubadge import keys
from edubadge.errors import InputError, JsonLdError, ResourceLimitError, UnsafeTermError
from edubadge.issuer import Issuer
from edubadge.jsonld import compiled, rdfc
from edubadge.jsonld.canon import check, expand, jcs
from edubadge.jsonld.rdfc import canonical_nquads
from edubadge.model import Organisation, load_microcredential
from edubadge.parsing import MAX_DEPTH, MAX_DOCUMENT_BYTES, parse_json

from .poison import poison_document, poison_statements
from .shared import ROOT

KEY = keys.from_seed(b"\x21" * 32)
PROFILE = Organisation.model_validate(
    {"id": KEY.controller, "name": "Example University", "country": "BE"}
)


def _signed() -> dict[str, Any]:
    record = json.loads((ROOT / "examples" / "microcredential.json").read_text("utf-8"))
    return Issuer(PROFILE, KEY).issue(load_microcredential(record))


def test_injected_context_is_refused() -> None:
    signed = _signed()
    signed["@context"].append("https://attacker.example/context.jsonld")
    result = edubadge.verify(signed)
    assert not result.verified
    assert "unknown context" in result.check("context").problems[0].detail


def test_protected_term_redefinition_is_refused() -> None:
    signed = _signed()
    signed["@context"].append({"OpenBadgeCredential": "https://attacker.example/Other"})
    lenient = edubadge.verify(signed, allow_inline_contexts=True)
    assert not lenient.verified
    assert "protected term redefinition" in lenient.check("proof").problems[0].detail
    assert not edubadge.verify(signed).check("context").passed


def test_renamed_property_with_inline_context_is_refused() -> None:
    """Same quads, different JSON: `name` renamed and mapped back by an inline context."""
    signed = _signed()
    forged = copy.deepcopy(signed)
    forged["@context"] = [*signed["@context"], {"title": "https://schema.org/name"}]
    forged["title"] = forged.pop("name")
    assert edubadge.verify(forged, allow_inline_contexts=True).verified  # the attack works
    result = edubadge.verify(forged)  # the defence
    assert not result.verified
    inline = len(signed["@context"])  # the inline context comes after the signed ones
    assert result.check("context").problems[0].path == f"$['@context'][{inline}]"


def test_relative_id_with_inline_base_is_refused() -> None:
    signed = _signed()
    forged = copy.deepcopy(signed)
    achievement = forged["credentialSubject"]["achievement"]
    base, _, last = achievement["id"].rpartition("/")
    forged["@context"] = [*signed["@context"], {"@base": base + "/"}]
    achievement["id"] = last
    assert edubadge.verify(forged, allow_inline_contexts=True).verified  # the attack works
    assert not edubadge.verify(forged).verified


def test_vocab_trick_is_refused() -> None:
    signed = _signed()
    forged = copy.deepcopy(signed)
    forged["@context"] = [*signed["@context"], {"@vocab": "https://attacker.example/#"}]
    forged["credentialSubject"]["grade"] = "A+"
    assert not edubadge.verify(forged).verified
    assert not edubadge.verify(forged, allow_inline_contexts=True).verified  # new quads


def test_keyword_aliases_are_refused() -> None:
    """`@type` instead of `type`: the same quads, but JSON readers see no type at all."""
    signed = _signed()
    forged = copy.deepcopy(signed)
    subject = forged["credentialSubject"]
    subject["@type"] = subject.pop("type")
    result = edubadge.verify(forged)
    assert result.check("proof").passed  # the attack keeps the signature valid...
    assert not result.verified  # ...and the data-model check stops it
    assert any(
        p.path == "$.credentialSubject['@type']" for p in result.check("data-model").problems
    )


def test_ob3_type_must_be_an_array() -> None:
    signed = _signed()
    forged = copy.deepcopy(signed)
    forged["credentialSubject"]["achievement"]["type"] = "Achievement"
    result = edubadge.verify(forged)
    assert result.check("proof").passed and not result.verified
    assert result.check("data-model").problems[0].path == "$.credentialSubject.achievement.type"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"a": 1, "a": 2}', "duplicate JSON key"),
        (b'{"a": "\xff"}', "not UTF-8"),
        (b'{"a": 1e400}', "out of range"),
        (b'{"a": 12345678901234567890}', "outside"),
        (b'{"a": NaN}', "not JSON"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nested"),
        (b'{"a": "' + b"x" * MAX_DOCUMENT_BYTES + b'"}', "larger than"),
    ],
)
def test_hostile_json_is_refused(raw: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_json(raw)
    result = edubadge.verify(raw)
    assert (
        result.check("parse").outcome == "failed"
        and message.split()[0] in result.problems[0].detail
    )


def test_hostile_values_in_a_dict_are_refused() -> None:
    for value in (2**60, float("inf")):
        assert edubadge.verify({"a": value}).check("parse").outcome == "failed"
    deep: Any = "x"
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    assert edubadge.verify({"a": deep}).check("parse").outcome == "failed"


def test_poison_graph_is_refused_with_a_typed_error() -> None:
    """As JSON-LD it needs blank node labels, which safe mode refuses; as statements reaching
    RDFC-1.0 some other way, the work bound stops it."""
    with pytest.raises(UnsafeTermError, match="blank node label"):
        rdfc(poison_document(12))
    with pytest.raises(ResourceLimitError):
        canonical_nquads(poison_statements(12))


def test_legitimate_blank_nodes_still_canonicalise() -> None:
    document = {
        "@context": {"@vocab": "https://example.org/#"},
        "item": [{"n": i} for i in range(200)],
    }
    assert rdfc(document).count("_:c14n") >= 200


# --- the defences lifted: each attack above works without its defence -------------------------

ATTACKER_CONTEXT = "https://attacker.example/context.jsonld"


def test_injected_context_works_only_where_contexts_are_fetched() -> None:
    """A verifier that loads any context URL lets the attacker say what the terms mean."""
    signed = _signed()
    forged = copy.deepcopy(signed)
    forged["@context"] = [*signed["@context"], ATTACKER_CONTEXT]
    forged["title"] = forged.pop("name")
    hostile = {"@context": {"title": "https://schema.org/name"}}
    fetching = edubadge.DocumentLoader(extra={ATTACKER_CONTEXT: hostile})
    assert edubadge.verify(forged, loader=fetching).verified  # the attack, contexts fetched
    result = edubadge.verify(forged)  # the defence: only bundled or registered contexts
    assert not result.verified
    assert result.check("context").problems[0].path == f"$['@context'][{len(signed['@context'])}]"


def test_duplicate_keys_hide_a_value_from_a_lenient_parser() -> None:
    """Two `name`s: Python keeps the last, another reader may show the first."""
    signed = _signed()
    text = json.dumps(signed)
    forged = text.replace('"name": ', '"name": "Forged Diploma", "name": ', 1).encode()
    lenient = json.loads(forged)
    assert lenient == signed and edubadge.verify(lenient).verified  # what a lax reader verifies
    result = edubadge.verify(forged)  # the defence: the strict parser
    assert not result.verified and "duplicate JSON key 'name'" in result.problems[0].detail


def test_huge_integer_reads_differently_elsewhere() -> None:
    """2**53 + 1 is exact in Python and rounded in JavaScript: two verifiers, two values."""
    text = b'{"credits": 9007199254740993}'
    assert json.loads(text)["credits"] == 2**53 + 1
    assert float(2**53 + 1) == 2**53  # what an IEEE double (JavaScript) reads
    with pytest.raises(InputError, match="outside"):
        parse_json(text)


def test_poison_graph_runs_on_without_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lift the call bound and stretch the time bound: the poison graph is still hashing."""
    bounded = importlib.import_module("edubadge.jsonld.rdfc")  # the module, not the function
    monkeypatch.setattr(bounded, "MAX_NDEGREE_SECONDS", 2.0)
    started = time.monotonic()
    with pytest.raises(ResourceLimitError):
        canonical_nquads(poison_statements(7), max_work=10**9)
    assert time.monotonic() - started >= 2.0  # it did not finish in 2 s of N-degree hashing


# --- deep nesting: the deepest documents the parser lets through never overflow the stack -------

V2 = "https://www.w3.org/ns/credentials/v2"
HEADROOM = 400  # Python frames edubadge needs above its caller, at MAX_DEPTH (docs/security.md)


def _chain(depth: int) -> Any:
    value: Any = "leaf"
    for i in range(depth):
        value = {"id": f"urn:example:{i}", "next": value}
    return value


def _lists(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return {
        "@context": {"@vocab": "https://example.org/#", "p": {"@container": "@list"}},
        "p": value,
    }


def _contexts(depth: int) -> Any:
    value: Any = "leaf"
    for i in range(depth):
        value = {
            "@context": {f"t{i}": f"https://example.org/t{i}"},
            "@id": f"urn:x:{i}",
            f"t{i}": value,
        }
    return {"@context": {"@vocab": "https://example.org/#"}, **value}


def _graphs(depth: int) -> Any:
    value: Any = {"@id": "urn:leaf", "https://example.org/p": "leaf"}
    for i in range(depth):
        value = {"@id": f"urn:g:{i}", "@graph": value}
    return value


def _values(depth: int) -> Any:
    value: Any = {"@value": "leaf", "@language": "en"}
    for i in range(depth):
        value = {"@id": f"urn:x:{i}", "https://example.org/p": [value]}
    return value


CHAIN_CONTEXT = "https://example.org/chain/v1"
CHAIN_LOADER = edubadge.DocumentLoader(
    extra={CHAIN_CONTEXT: {"@context": {"next": "https://example.org/#next"}}}
)


def _credential(depth: int) -> Any:
    return {
        "@context": [V2, CHAIN_CONTEXT],
        "type": ["VerifiableCredential"],
        "issuer": KEY.controller,
        "credentialSubject": _chain(depth),
    }


def _deepest(build: Any) -> Any:
    """The deepest document of this shape that `parse_json` accepts."""
    for depth in range(MAX_DEPTH + 2, 0, -1):
        text = json.dumps(build(depth))
        try:
            return parse_json(text)
        except InputError:
            continue
    raise AssertionError("no depth accepted")


def _frames() -> int:
    frame, count = sys._getframe(), 0
    while frame is not None:
        count, frame = count + 1, frame.f_back
    return count


def _with_headroom(run: Any) -> Any:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(_frames() + HEADROOM)
    try:
        return run()
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize("build", [_chain, _lists, _contexts, _graphs, _values, _credential])
def test_deepest_accepted_documents_need_bounded_stack(build: Any) -> None:
    document = _deepest(build)
    assert json.dumps(document).count("[") + json.dumps(document).count("{") >= MAX_DEPTH - 2
    if build is _chain:
        document = {"@context": {"@vocab": "https://example.org/#"}, **document}
    loader = CHAIN_LOADER
    for run in (
        lambda: expand(document, loader),
        lambda: check(document, loader),
        lambda: rdfc(document, loader),
        lambda: rdfc(document, loader, route="pyld"),
        lambda: jcs(document),
    ):
        try:
            _with_headroom(run)
        except ResourceLimitError as error:
            assert "recursion" not in error.message, error  # a work limit, never the stack
        except JsonLdError as error:
            assert "recursion" not in error.message, error


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_deepest_signed_credential_verifies_with_bounded_stack(suite: str) -> None:
    document = _deepest(_credential)
    signed = edubadge.sign(document, KEY, suite=suite, loader=CHAIN_LOADER)
    depth = json.dumps(document).count("{")
    result = _with_headroom(lambda: edubadge.verify(json.dumps(signed), loader=CHAIN_LOADER))
    assert result.check("proof").passed, (depth, result.to_dict())


def test_long_prefix_chains_are_a_resource_limit_not_a_recursion_error() -> None:
    """A flat context whose terms each expand through the next: pyld recurses once per link."""
    context: dict[str, Any] = {f"t{i}": f"t{i + 1}:x" for i in range(3000)}
    context["t3000"] = "https://example.org/"
    document = {"@context": context, "@id": "urn:a", "t0": "v"}
    for run in (lambda: expand(document), lambda: check(document), lambda: rdfc(document)):
        with pytest.raises(ResourceLimitError, match="recursion limit"):
            run()
    signed = {**_signed(), "@context": [*_signed()["@context"], context]}
    result = edubadge.verify(signed, allow_inline_contexts=True)
    assert not result.verified and "recursion limit" in result.check("proof").problems[0].detail


# --- the fast route's caches stay bounded in a long-running verifier --------------------------


def _hostile_stream(count: int) -> Any:
    """Documents with fresh term names and types each time, as an attacker would send."""
    for i in range(count):
        yield {
            "@context": {"@vocab": "https://example.org/#"},
            "@id": f"urn:doc:{i}",
            "@type": [f"Type{i}a", f"Type{i}b"],
            **{f"term{i}x{j}": j for j in range(8)},
        }


def test_fast_route_term_caches_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiled, "_MAX_REFERENCES", 256)
    loader = edubadge.DocumentLoader()
    for document in _hostile_stream(200):
        rdfc(document, loader)
    sizes = compiled.cache_sizes(loader)
    assert sizes["terms"] <= 256 and sizes["types"] <= 256
    # without the bound the same stream keeps everything it was sent
    monkeypatch.setattr(compiled, "_MAX_REFERENCES", 10**9)
    unbounded = edubadge.DocumentLoader()
    for document in _hostile_stream(200):
        rdfc(document, unbounded)
    grown = compiled.cache_sizes(unbounded)
    assert grown["terms"] > 256 * 3 and grown["types"] > 256


def test_fast_route_context_tree_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each document brings its own embedded context: the tree restarts once full."""
    monkeypatch.setattr(compiled, "MAX_CACHED_CONTEXTS", 32)
    loader = edubadge.DocumentLoader()
    for i in range(100):
        document = {"@context": {"@vocab": f"https://example.org/{i}#"}, "@id": "urn:a", "p": 1}
        assert "example.org/" + str(i) in rdfc(document, loader)
        assert compiled.cache_sizes(loader)["contexts"] <= 33
    # and the answers stay the pyld route's
    document = {"@context": {"@vocab": "https://example.org/5#"}, "@id": "urn:a", "p": 1}
    assert rdfc(document, loader) == rdfc(document, loader, route="pyld")


# --- one statement, two JSON spellings: refused, since the signature would fix neither ---------


def _plain_pyld_nquads(document: dict[str, Any]) -> str:
    """Canonical N-Quads from pyld without safe mode: what a verifier without it signs."""
    options = {
        **compiled.pyld_options(edubadge.DocumentLoader()),
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
    }
    return str(jsonld.normalize(copy.deepcopy(document), options))


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        # xsd:boolean coercion: the JSON string "false" (truthy in most languages) for false
        (lambda d: d["credentialSubject"]["identifier"][0].update(hashed="true"), "hashed"),
        # a keyword that only means something in a context, here dropped by expansion
        (lambda d: d["credentialSubject"]["achievement"].update({"@vocab": "x"}), "@vocab"),
        (lambda d: d["credentialSubject"].update({"@base": "https://x.example/"}), "@base"),
        # a value object that the plain string says the same as
        (lambda d: d.update(name={"@value": d["name"]}), "name"),
    ],
)
def test_a_second_json_spelling_of_the_same_statements_is_refused(edit: Any, path: str) -> None:
    signed = _signed()
    forged = copy.deepcopy(signed)
    edit(forged)
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    forged_unsigned = {k: v for k, v in forged.items() if k != "proof"}
    assert forged != signed
    assert _plain_pyld_nquads(forged_unsigned) == _plain_pyld_nquads(unsigned)  # attack works
    result = edubadge.verify(forged)  # the defence: safe mode, on both routes
    assert not result.verified
    assert path in result.check("proof").problems[0].detail
    with pytest.raises(UnsafeTermError):
        check(forged_unsigned)
    with pytest.raises(UnsafeTermError):
        check(forged_unsigned, route="pyld")


def test_numbers_and_strings_under_a_datatype_are_refused_on_both_routes() -> None:
    loader = edubadge.DocumentLoader()
    context = {"@vocab": "https://example.org/#", "xsd": "http://www.w3.org/2001/XMLSchema#"}
    terms = {
        "count": {"@id": "https://example.org/#count", "@type": "xsd:integer"},
        "label": {"@id": "https://example.org/#label", "@type": "xsd:string"},
    }
    ok = {"@context": {**context, **terms}, "@id": "urn:a", "count": 5, "label": "5"}
    rdfc(ok, loader)
    for forged, same in (
        ({**ok, "count": "5"}, ok),
        ({**ok, "label": 5}, ok),
        ({**ok, "label": True}, {**ok, "label": "true"}),
    ):
        rdfc(same, loader)
        assert _plain_pyld_nquads(forged) == _plain_pyld_nquads(same)
        for route in ("auto", "pyld"):
            with pytest.raises(UnsafeTermError, match="where the context makes the value"):
                rdfc(forged, loader, route=route)  # type: ignore[arg-type]


def test_value_objects_that_say_more_than_the_plain_value_still_pass() -> None:
    """A language, or a datatype the term does not give, is why value objects exist."""
    signed = _signed()
    for value in (
        {"@value": signed["name"], "@language": "en"},
        {"@value": "P1Y", "@type": "http://www.w3.org/2001/XMLSchema#duration"},
    ):
        document = {k: v for k, v in signed.items() if k != "proof"}
        resigned = edubadge.sign({**document, "name": value}, KEY, suite="eddsa-rdfc-2022")
        assert edubadge.verify(resigned).check("proof").passed


def _language_maps(value: Any, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every `localized...` language map in a credential (edubadge's OB 3.0 extension)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.startswith("localized") and isinstance(item, dict):
                found.append(item)
            else:
                _language_maps(item, found)
    elif isinstance(value, list):
        for item in value:
            _language_maps(item, found)
    return found


@pytest.mark.parametrize("entry", [None, [None], ["same", "same"], [], [["text"]]])
def test_nulls_repeats_and_empty_arrays_in_a_language_map_are_refused(entry: Any) -> None:
    """Found by the mutation figures: `"extra": null` added to a language map verified, since
    JSON-LD drops it (the fast route refused it, the pyld route's safe mode did not look);
    later, once nested arrays were edits too, `"extra": []` (dropped alike)."""
    signed = _signed()
    forged = copy.deepcopy(signed)
    maps = _language_maps(forged, [])
    assert maps, "the credential has a language map"
    maps[0]["zz"] = entry
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    forged_unsigned = {k: v for k, v in forged.items() if k != "proof"}
    if entry in (None, [None], []):  # the attack: the same statements
        assert _plain_pyld_nquads(forged_unsigned) == _plain_pyld_nquads(unsigned)
    result = edubadge.verify(forged)
    assert not result.verified
    assert "map" in result.check("proof").problems[0].detail
