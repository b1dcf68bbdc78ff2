"""The bundled contexts: complete, pinned, equal to what their URLs serve, and offline only."""

from __future__ import annotations

import hashlib
import json
import socket
from typing import Any

import pytest

import edubadge
from edubadge.errors import JsonLdError, UnknownContextError
from edubadge.jsonld import bundled_urls, canon, rdfc
from edubadge.jsonld.loader import bundled_manifest, contexts_dir

from .shared import load, served_contexts

REQUIRED = {
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/2018/credentials/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://w3id.org/vc/status-list/2021/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://www.w3.org/ns/did/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "http://data.europa.eu/snb/model/context/edc-ap",
    "https://data.europa.eu/snb/model/context/edc-ap",
}


def test_every_required_context_is_bundled() -> None:
    assert bundled_urls() >= REQUIRED


def test_manifest_records_source_and_digest() -> None:
    for entry in bundled_manifest():
        data = (contexts_dir() / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        source = entry["source"]
        registry = source.startswith("npm:") and "@" in source[5:]
        published = source.startswith("https://")  # fetched from its publisher's URL
        assert registry or published or source == "edubadge", entry


@pytest.mark.parametrize("url", sorted(REQUIRED))
def test_bundled_context_equals_served_copy(url: str) -> None:
    served = served_contexts()
    entry = next(e for e in bundled_manifest() if e["url"] == url)
    bundled = json.loads((contexts_dir() / entry["file"]).read_text("utf-8"))
    assert bundled == served[url]


def test_every_bundled_registry_context_has_a_served_copy() -> None:
    served = served_contexts()
    for entry in bundled_manifest():
        if entry["source"] != "edubadge":
            assert entry["url"] in served, entry["url"]


def test_unknown_context_is_a_typed_error_not_a_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    loader = edubadge.DocumentLoader()
    with pytest.raises(UnknownContextError) as raised:
        loader.get("https://example.org/unknown/context")
    assert raised.value.url == "https://example.org/unknown/context"
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://attacker.example/ctx"],
        "type": ["VerifiableCredential"],
    }
    with pytest.raises(UnknownContextError):
        rdfc(document, loader)


def test_extra_documents_are_served_but_cannot_replace_bundled_ones() -> None:
    loader = edubadge.DocumentLoader(
        extra={"https://example.org/ctx": {"@context": {"x": "https://example.org/x"}}}
    )
    assert loader.get("https://example.org/ctx")["@context"]["x"] == "https://example.org/x"
    assert "https://example.org/ctx" in loader
    with pytest.raises(JsonLdError):
        edubadge.DocumentLoader(extra={"https://www.w3.org/ns/credentials/v2": {"@context": {}}})


def test_loaders_do_not_share_registered_contexts() -> None:
    """Each loader has its own context caches: one caller cannot redefine another's terms, on
    the compiled route or on pyld's (whose resolved and processed contexts are per loader)."""
    url = "https://example.org/terms"
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2", url],
        "type": ["VerifiableCredential"],
        "foo": "bar",
        "id": "urn:x:1",
    }
    first = edubadge.DocumentLoader(extra={url: {"@context": {"foo": "https://one.example/foo"}}})
    second = edubadge.DocumentLoader(extra={url: {"@context": {"foo": "https://two.example/foo"}}})
    assert "one.example" in rdfc(document, first)
    assert "two.example" in rdfc(document, second)
    for _ in range(2):
        assert "https://one.example/foo" in canon.expand(document, first)[0]
        assert "https://two.example/foo" in canon.expand(document, second)[0]
    assert len(first.processed_contexts) > 0


def test_loader_returns_copies() -> None:
    loader = edubadge.DocumentLoader()
    first = loader.get("https://www.w3.org/ns/credentials/v2")
    first["@context"]["id"] = "tampered"
    assert loader.get("https://www.w3.org/ns/credentials/v2")["@context"]["id"] == "@id"


def test_shared_index_is_readable() -> None:
    assert "https://www.w3.org/ns/credentials/v2" in load("contexts/INDEX.json")


def test_the_project_extension_context_is_bundled_and_protected() -> None:
    url = "https://w3id.org/edubadge/ob3-extension/v1"
    entry = next(e for e in bundled_manifest() if e["url"] == url)
    assert entry["source"] == "edubadge"
    context = edubadge.DocumentLoader().get(entry["url"])["@context"]
    assert context["@protected"] is True
    for term, definition in context.items():
        if not term.startswith("@") and term not in ("edubadge", "xsd"):
            assert definition["@id"].startswith("edubadge:"), term
    stacking = edubadge.DocumentLoader().get("https://w3id.org/edubadge/stacking/v1")
    assert not (set(stacking["@context"]) - {"@protected"}) & set(context)
