"""did:web and https controllers through the opt-in fetcher: URL rules, rotation, relationships,
issuer binding, and nothing fetched unless asked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

import edubadge
from edubadge import keys
from edubadge.envelopes import jose
from edubadge.errors import VerificationMethodError
from edubadge.formats import ob3
from edubadge.issuer import Issuer
from edubadge.keys.did_web import did_web_url
from edubadge.model import Organisation, load_microcredential

from .fake_web import FakeWeb
from .shared import ROOT
from .tls_servers import PUBLIC_ADDRESS, LocalServer, Pki, Route, RoutedFetcher, make_pki, resolver

DID = "did:web:issuer.example"
NOW = datetime(2030, 1, 1, tzinfo=UTC)
RECORD = load_microcredential(ROOT / "examples" / "microcredential.json")


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
        ("did:web:example.com%3A3000:u:a", "https://example.com:3000/u/a/did.json"),
        ("did:web:Example.COM#key-1", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:caf%C3%A9", "https://example.com/caf%C3%A9/did.json"),
    ],
)
def test_did_web_urls(did: str, url: str) -> None:
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:web:",
        "did:web:127.0.0.1",
        "did:web:[::1]",
        "did:web:exa_mple.com",
        "did:web:-example.com",
        "did:web:example.com%3A99999",
        "did:web:example.com%3Ahttp",
        "did:web:example.com::a",
        "did:web:example.com:..:secret",
        "did:web:example.com:a%2Fb",
        "did:web:example.com:%2e%2e",
        "did:web:example.com:a/b",
        "did:web:user@example.com",
    ],
)
def test_malformed_did_web_is_refused(did: str) -> None:
    with pytest.raises(VerificationMethodError):
        did_web_url(did)


def _key(name: str, controller: str = DID) -> keys.KeyPair:
    return keys.generate(id=f"{controller}#{name}")


def _credential(key: keys.KeyPair, issuer: str = DID, suite: str = "eddsa-rdfc-2022") -> Any:
    profile = Organisation(id=issuer, name="Example University", country="BE")
    return edubadge.sign(ob3.to_credential(RECORD, profile), key, suite=suite)


def _web(document: dict[str, Any]) -> FakeWeb:
    return FakeWeb({did_web_url(document["id"]): document})


def test_nothing_is_fetched_without_a_fetcher() -> None:
    key = _key("key-1")
    credential = _credential(key)
    web = _web(keys.controller_document(key))
    result = edubadge.verify(credential, now=NOW)
    assert not result.verified
    assert "pass a fetcher" in result.check("proof").problems[0].detail
    assert web.fetched == []
    result = edubadge.verify(credential, now=NOW, fetcher=web)
    assert result.verified, result.to_dict()
    assert web.fetched == ["https://issuer.example/.well-known/did.json"]


def test_jwt_with_did_web_kid() -> None:
    key = _key("key-1")
    credential = Issuer(Organisation(id=DID, name="U", country="BE"), key).credential(RECORD)
    token = jose.sign(credential, key, profile="ob3")
    web = _web(keys.controller_document(key))
    assert not edubadge.verify(token, now=NOW).verified
    assert edubadge.verify(token, now=NOW, fetcher=web).verified


def test_rotation_old_key_verifies_until_it_leaves_assertion_method() -> None:
    old, new = _key("2024"), _key("2025")
    old_credential, new_credential = _credential(old), _credential(new, suite="eddsa-jcs-2022")
    both = _web(keys.controller_document_of([new, old]))
    assert edubadge.verify(old_credential, now=NOW, fetcher=both).verified
    assert edubadge.verify(new_credential, now=NOW, fetcher=both).verified
    rotated = _web(keys.controller_document_of([new], retired=(old,)))
    result = edubadge.verify(old_credential, now=NOW, fetcher=rotated)
    assert not result.verified
    assert "not listed under 'assertionMethod'" in result.check("proof").problems[0].detail
    assert edubadge.verify(new_credential, now=NOW, fetcher=rotated).verified


def test_a_proof_set_fetches_the_document_once() -> None:
    old, new = _key("2024"), _key("2025")
    credential = edubadge.sign(_credential(old), new, suite="eddsa-rdfc-2022")
    web = _web(keys.controller_document_of([new, old]))
    assert edubadge.verify(credential, now=NOW, fetcher=web).verified
    assert len(web.fetched) == 1


def test_a_key_not_under_assertion_method_cannot_assert() -> None:
    key = _key("login")
    web = _web(keys.controller_document(key, relationships=("authentication",)))
    result = edubadge.verify(_credential(key), now=NOW, fetcher=web)
    assert not result.verified
    assert "not listed under 'assertionMethod'" in result.check("proof").problems[0].detail


def test_the_key_controller_must_be_the_issuer() -> None:
    other = _key("key-1", controller="did:web:other.example")
    credential = _credential(other)  # issuer did:web:issuer.example, key of other.example
    web = _web(keys.controller_document(other))
    result = edubadge.verify(credential, now=NOW, fetcher=web)
    assert result.check("proof").passed and not result.verified
    assert result.check("issuer-key").problems[0].kind == "ISSUER_KEY_MISMATCH"


def test_a_document_for_another_did_is_refused() -> None:
    key = _key("key-1")
    document = keys.controller_document(key)
    web = FakeWeb({did_web_url(DID): {**document, "id": "did:web:attacker.example"}})
    result = edubadge.verify(_credential(key), now=NOW, fetcher=web)
    assert "not 'did:web:issuer.example'" in result.check("proof").problems[0].detail


def test_https_controller_document_is_fetched_at_its_url() -> None:
    controller = "https://issuer.example/profile"
    key = _key("key-1", controller=controller)
    web = FakeWeb({controller: keys.controller_document(key)})
    result = edubadge.verify(_credential(key, issuer=controller), now=NOW, fetcher=web)
    assert result.verified, result.to_dict()
    assert web.fetched == [controller]
    wrong_id = FakeWeb({controller: {**keys.controller_document(key), "id": "https://x.example"}})
    assert not edubadge.verify(_credential(key, issuer=controller), fetcher=wrong_id).verified


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def did_server(pki: Pki) -> Iterator[tuple[LocalServer, keys.KeyPair]]:
    key = _key("key-1", controller="did:web:issuer.test")
    body = json.dumps(keys.controller_document(key)).encode()
    route = Route(body, content_type="application/did+json")
    with LocalServer({"/.well-known/did.json": route}, pki) as server:
        yield server, key


def test_did_web_over_real_tls_with_every_defence_on(
    pki: Pki, did_server: tuple[LocalServer, keys.KeyPair]
) -> None:
    server, key = did_server
    fetcher = RoutedFetcher(
        {PUBLIC_ADDRESS: server.port},
        ca_file=str(pki.ca_file),
        resolver=resolver({"issuer.test": [[PUBLIC_ADDRESS]]}),
    )
    credential = _credential(key, issuer="did:web:issuer.test")
    result = edubadge.verify(credential, now=NOW, fetcher=fetcher)
    assert result.verified, result.to_dict()
    assert server.requests == [("issuer.test", "/.well-known/did.json")]
    # the same name answering a loopback address is refused, and the proof cannot verify
    local = RoutedFetcher(
        {}, ca_file=str(pki.ca_file), resolver=resolver({"issuer.test": [["127.0.0.1"]]})
    )
    refused = edubadge.verify(credential, now=NOW, fetcher=local)
    assert not refused.verified
    assert "loopback" in refused.check("proof").problems[0].detail
