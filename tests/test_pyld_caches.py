"""pyld with its contexts kept per loader (`jsonld.pyld_caches`) answers as plain pyld does.

Differential tests against pyld with no cache of ours (a plain loader function, pyld's own
processor): expansion and compaction of every JSON-LD vector of ../shared/vectors and of
hypothesis-drawn micro-credentials, each twice (the second time from the caches), by one
thread or many. And what the caches are for: a second credential of a kind already seen
processes no context again.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import given, settings
from pyld import jsonld

from edubadge import keys
from edubadge.demo.data import LEARNERS, course_record
from edubadge.errors import EdubadgeError
from edubadge.formats import ob3
from edubadge.issuer import Issuer
from edubadge.jsonld import DocumentLoader, canon
from edubadge.jsonld.safe import RELATIVE_BASE
from edubadge.model import Organisation

from .strategies import microcredentials
from .test_fast_route import _loader, _vector_documents

KEY = keys.from_seed(b"\x09" * 32)
ISSUER = Organisation(id=KEY.controller, name="Example University", country="BE")


def _plain(loader: DocumentLoader) -> dict[str, Any]:
    """pyld options with nothing of ours but the documents: pyld resolves and processes
    every context again at each call (the loader tags none static)."""
    return {
        "documentLoader": lambda url, options=None: loader(url, options),
        "base": RELATIVE_BASE,
        "processingMode": "json-ld-1.1",
    }


def _cached(document: dict[str, Any], loader: DocumentLoader) -> tuple[Any, Any]:
    expanded = canon.expand(document, loader)
    return expanded, canon.compact(expanded, document["@context"], loader)


def _reference(document: dict[str, Any], loader: DocumentLoader) -> tuple[Any, Any]:
    expanded = jsonld.expand(document, _plain(loader))
    compacted = jsonld.compact(
        expanded, {"@context": document["@context"]}, {**_plain(loader), "skipExpansion": True}
    )
    return expanded, compacted


def _answer(function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except Exception as error:  # the kind of error is what is compared
        return type(error).__name__


def test_every_vector_expands_and_compacts_as_plain_pyld_does() -> None:
    loader = _loader()
    compared = 0
    for name, document in _vector_documents():
        safe = _answer(canon.expand, document, loader)
        if not isinstance(safe, list):
            continue  # refused by safe mode: what plain pyld would drop is not compared
        reference = _reference(document, loader)
        assert _cached(document, loader) == reference, name
        assert _cached(document, loader) == reference, f"{name}, from the caches"
        compared += 1
    assert compared >= 50
    assert len(loader.processed_contexts) > 0


@settings(max_examples=40)
@given(microcredentials())
def test_credentials_expand_and_compact_as_plain_pyld_does(record: Any) -> None:
    loader = DocumentLoader()
    credential = ob3.to_credential(record, ISSUER)
    reference = _reference(credential, loader)
    for _ in range(2):
        assert _cached(credential, loader) == reference


def test_threads_sharing_a_loader_get_what_plain_pyld_gets() -> None:
    """Each round starts with an empty loader: its threads fill its caches, and pyld's
    process-wide inverse contexts, at once (a bare pyld processor fails this within a few
    rounds: "OrderedDict mutated during iteration")."""
    issuer = Issuer(ISSUER, KEY)
    documents = [issuer.credential(course_record(learner)) for learner in LEARNERS]
    references = [_reference(document, DocumentLoader()) for document in documents]
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch often: races show
    try:
        for _ in range(30):
            loader = DocumentLoader()

            def run(seed: int, loader: DocumentLoader = loader) -> bool:
                index = seed % len(documents)
                return _cached(documents[index], loader) == references[index]

            with ThreadPoolExecutor(max_workers=8) as pool:
                assert all(pool.map(run, range(16)))
    finally:
        sys.setswitchinterval(switching)


def test_a_second_credential_of_a_kind_seen_processes_no_context(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Plain pyld defines hundreds of terms again for each selective-disclosure proof."""
    key = keys.generate("P-256")
    profile = Organisation(id=key.controller, name="Example University", country="BE")
    issuer = Issuer(profile, key, suite="ecdsa-sd-2023")
    record = course_record(LEARNERS[0])
    issuer.sign(issuer.credential(record))
    definitions = 0
    define = jsonld.JsonLdProcessor._create_term_definition

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal definitions
        definitions += 1
        return define(self, *args, **kwargs)

    monkeypatch.setattr(jsonld.JsonLdProcessor, "_create_term_definition", counting)
    second = issuer.credential(record)
    second["id"] = "urn:uuid:5b0ff7d8-86a1-4b55-9a3f-0d0b6c1f3e2a"
    issuer.sign(second)
    assert definitions == 0
    jsonld.expand(second, _plain(DocumentLoader()))
    assert definitions > 100  # the same work, uncached


def test_a_context_scoped_to_a_type_and_to_a_property_keeps_both_meanings() -> None:
    """One scoped context under one parent: as a type's it stops at nested nodes, as a
    property's it reaches them (pyld's `propagate`), whichever was processed first."""
    scoped = {"name": "https://example.org/scoped#name"}
    context = {
        "@version": 1.1,
        "Thing": {"@id": "https://example.org/Thing", "@context": scoped},
        "wrapper": {"@id": "https://example.org/wrapper", "@context": scoped},
        "child": "https://example.org/child",
        "name": "https://example.org/base#name",
    }
    by_property = {"@context": context, "wrapper": {"child": {"name": "y"}}}
    by_type = {"@context": context, "@type": "Thing", "child": {"name": "x"}}
    loader = DocumentLoader()
    for document in (by_property, by_type, by_property):
        expanded = canon.expand(document, loader)
        assert expanded == jsonld.expand(document, _plain(loader))
    assert "https://example.org/base#name" in str(canon.expand(by_type, loader))
    assert "https://example.org/scoped#name" in str(canon.expand(by_property, loader))


def test_a_context_that_is_not_exactly_json_is_not_taken_for_the_json_it_resembles() -> None:
    """orjson writes NaN as null and a tuple as a list: such a context is processed (and
    refused) as pyld sees it, never answered by the context it resembles."""
    loader = DocumentLoader()
    base = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}
    unmapped = {**base, "@context": [*base["@context"], {"x": None}]}
    assert canon.expand(unmapped, loader)
    for unlike in ({"x": float("nan")}, {"x": ("https://example.org/x",)}):
        document = {**base, "@context": [*base["@context"], unlike]}
        with pytest.raises(EdubadgeError):
            canon.expand(document, loader)
