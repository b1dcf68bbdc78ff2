"""The service in process: VC-API routes, authentication, problem details, the page's API."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import edubadge
from edubadge import keys
from edubadge.bake import bake
from edubadge.demo.baking import badge_png
from edubadge.errors import InputError, InvalidFieldsError
from edubadge.presentations import present
from edubadge.server.config import ServerConfig, hash_secret, load_config
from edubadge.server.launch import bootstrap, settle

from .server_world import ROOT, World, description, make_world, require_server_extra

require_server_extra()

with warnings.catch_warnings():  # Starlette's notice about httpx versions, not about us
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from edubadge.server.app import create_app  # noqa: E402

BASE = "http://127.0.0.1:8000"
CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "credentialSubject": {"id": "did:example:learner"},
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("server"))


@pytest.fixture(scope="module")
def config(world: World) -> ServerConfig:
    return settle(load_config(world.config), base_url=BASE, db=None)


@pytest.fixture(scope="module")
def client(config: ServerConfig) -> Iterator[TestClient]:
    with TestClient(create_app(config), raise_server_exceptions=False) as test_client:
        yield test_client


def _issue(client: TestClient, headers: dict[str, str], credential: Any = None) -> Any:
    return client.post(
        "/credentials/issue", json={"credential": credential or CREDENTIAL}, headers=headers
    )


def _token(client: TestClient, client_id: str, secret: str) -> str:
    answer = client.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600
    return str(body["access_token"])


# --- issuing and authentication ------------------------------------------------------------


def test_issue_with_an_api_key_verifies(client: TestClient, world: World) -> None:
    answer = _issue(client, world.uni.headers)
    assert answer.status_code == 201
    credential = answer.json()["verifiableCredential"]
    assert credential["issuer"] == world.uni.issuer_id
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert edubadge.verify(credential).verified
    verified = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert verified.status_code == 200 and verified.json()["verified"] is True


@pytest.mark.parametrize(
    ("name", "suite"), [("other", "eddsa-jcs-2022"), ("ecdsa", "ecdsa-rdfc-2019")]
)
def test_each_profile_signs_with_its_own_key_and_suite(
    client: TestClient, world: World, name: str, suite: str
) -> None:
    issuer = getattr(world, name)
    credential = _issue(client, issuer.headers).json()["verifiableCredential"]
    assert credential["issuer"] == issuer.issuer_id
    assert credential["proof"]["cryptosuite"] == suite
    assert edubadge.verify(credential).verified


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer ebs_not-a-key"}, {"Authorization": "Basic dXNlcjpwYXNz"}],
)
def test_issuing_without_valid_credentials_is_401(
    client: TestClient, headers: dict[str, str]
) -> None:
    answer = _issue(client, headers)
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert answer.json()["type"] == "urn:edubadge:problem:unauthorized"


def test_another_issuers_credentials_are_403(client: TestClient, world: World) -> None:
    credential = {**CREDENTIAL, "issuer": world.uni.issuer_id}
    answer = _issue(client, world.other.headers, credential)
    assert answer.status_code == 403
    assert world.uni.issuer_id in answer.json()["detail"]
    token = _token(client, world.other.client_id, world.other.client_secret)
    answer = _issue(client, {"Authorization": f"Bearer {token}"}, credential)
    assert answer.status_code == 403


def test_oauth2_client_credentials(client: TestClient, world: World) -> None:
    token = _token(client, world.uni.client_id, world.uni.client_secret)
    answer = _issue(client, {"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201
    basic = base64.b64encode(f"{world.uni.client_id}:{world.uni.client_secret}".encode())
    answer = client.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic.decode()}"},
    )
    assert answer.status_code == 200
    for form in (
        {"grant_type": "client_credentials", "client_id": world.uni.client_id},
        {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"},
        {
            "grant_type": "client_credentials",
            "client_id": world.uni.client_id,
            "client_secret": world.other.client_secret,
        },
    ):
        refused = client.post("/oauth2/token", data=form)
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    wrong_grant = client.post("/oauth2/token", data={"grant_type": "password"})
    assert wrong_grant.json()["error"] == "unsupported_grant_type"


def test_tokens_need_no_shared_memory(config: ServerConfig, world: World) -> None:
    """A token granted by one application instance is honoured by another (another process
    in production) that shares only the configuration and its secret."""
    with TestClient(create_app(config)) as first, TestClient(create_app(config)) as second:
        token = _token(first, world.uni.client_id, world.uni.client_secret)
        assert _issue(second, {"Authorization": f"Bearer {token}"}).status_code == 201


def test_forged_altered_and_expired_tokens_are_401(
    client: TestClient, config: ServerConfig, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token(client, world.uni.client_id, world.uni.client_secret)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["profile"] = "other"
    altered = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert (
        _issue(client, {"Authorization": f"Bearer {header}.{altered}.{signature}"}).status_code
        == 401
    )
    monkeypatch.setenv("EDUBADGE_TOKEN_SECRET", "f" * 48)  # another service's secret
    with TestClient(create_app(config)) as elsewhere:
        forged = _token(elsewhere, world.uni.client_id, world.uni.client_secret)
    assert _issue(client, {"Authorization": f"Bearer {forged}"}).status_code == 401
    monkeypatch.delenv("EDUBADGE_TOKEN_SECRET")
    later = time.time() + 600 + 61  # past the lifetime and the 60 s leeway for clock skew
    monkeypatch.setattr(time, "time", lambda: later)
    answer = _issue(client, {"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401 and "expired" in answer.json()["detail"]


def test_a_micro_credential_description_is_issued(client: TestClient, world: World) -> None:
    answer = client.post(
        "/micro-credentials/issue",
        json={"microCredential": description()},
        headers=world.uni.headers,
    )
    assert answer.status_code == 201, answer.text
    credential = answer.json()["verifiableCredential"]
    assert credential["credentialSubject"]["achievement"]["achievementType"] == "MicroCredential"
    assert credential["issuer"]["id"] == world.uni.issuer_id
    assert edubadge.verify(credential).verified


def test_an_incomplete_micro_credential_is_422_naming_what_is_missing(
    client: TestClient, world: World
) -> None:
    incomplete = description()
    del incomplete["learning_outcomes"]
    answer = client.post(
        "/micro-credentials/issue", json={"microCredential": incomplete}, headers=world.uni.headers
    )
    assert answer.status_code == 422 and "learning outcomes" in answer.json()["detail"]
    plain = client.post(
        "/micro-credentials/issue",
        json={"microCredential": incomplete, "options": {"plainBadge": True}},
        headers=world.uni.headers,
    )
    assert plain.status_code == 201
    wrong = {**description(), "credits": [{"framework": "ECTS", "points": "lots"}]}
    answer = client.post(
        "/micro-credentials/issue", json={"microCredential": wrong}, headers=world.uni.headers
    )
    assert answer.status_code == 422
    assert any(e["path"].startswith("credits[0]") for e in answer.json()["errors"])


def test_a_jwt_profile_issues_enveloped_credentials(client: TestClient, world: World) -> None:
    credential = _issue(client, world.jwt.headers).json()["verifiableCredential"]
    assert credential["type"] == "EnvelopedVerifiableCredential"
    assert credential["id"].startswith("data:application/vc+jwt,eyJ")
    answer = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert answer.status_code == 200, answer.text
    token = credential["id"].split(",", 1)[1]
    assert client.post("/credentials/verify", json={"verifiableCredential": token}).json()[
        "verified"
    ]


# --- verifying -------------------------------------------------------------------------------


def test_a_changed_credential_is_400_with_every_check(client: TestClient, world: World) -> None:
    credential = _issue(client, world.uni.headers).json()["verifiableCredential"]
    credential["credentialSubject"]["id"] = "did:example:mallory"
    answer = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["verified"] is False and body["detail"] == "not verified: proof failed"
    assert {c["id"]: c["outcome"] for c in body["checks"]}["proof"] == "failed"


def test_the_page_api_takes_a_baked_png_and_describes_it(client: TestClient, world: World) -> None:
    issued = client.post(
        "/micro-credentials/issue",
        json={"microCredential": description()},
        headers=world.uni.headers,
    ).json()["verifiableCredential"]
    image = bake(badge_png(16), json.dumps(issued))
    answer = client.post("/verify", json={"credential": {"file": base64.b64encode(image).decode()}})
    assert answer.status_code == 200
    result, summary = answer.json()["result"], answer.json()["summary"]
    assert result["verified"] and result["checks"][0]["detail"] == "unbaked from a PNG image"
    assert summary["title"] == "Data Analysis with Python"
    assert summary["issuer"]["name"] == "Uni University"
    assert summary["ects"] == 5 and summary["eqfLevel"] == "6"
    assert len(summary["learningOutcomes"]) == len(description()["learning_outcomes"])
    garbage = client.post("/verify", json={"credential": {"text": "not a credential"}})
    assert garbage.status_code == 200 and not garbage.json()["result"]["verified"]
    bad = client.post("/verify", json={"credential": {"file": "@@@"}})
    assert bad.status_code == 422


def test_presentations_are_verified_for_the_verifiers_challenge(
    client: TestClient, world: World
) -> None:
    holder = keys.generate()
    credential = _issue(client, world.uni.headers).json()["verifiableCredential"]
    presentation = present(
        [credential], holder, challenge="nonce-123", domain="https://verifier.example"
    )

    def check(options: dict[str, Any]) -> Any:
        body = {"verifiablePresentation": presentation, "options": options}
        return client.post("/presentations/verify", json=body)

    answer = check({"challenge": "nonce-123", "domain": "https://verifier.example"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["presentation"]["holder"] == holder.controller
    assert [c["verified"] for c in answer.json()["credentials"]] == [True]
    replayed = check({"challenge": "nonce-456", "domain": "https://verifier.example"})
    assert replayed.status_code == 400 and "challenge failed" in replayed.json()["detail"]
    unbound = check({"domain": "https://verifier.example"})
    assert (
        unbound.status_code == 422 and unbound.json()["errors"][0]["path"] == "$.options.challenge"
    )


# --- problems -------------------------------------------------------------------------------


def test_bad_requests_are_problem_details(client: TestClient, world: World) -> None:
    answer = client.post(
        "/credentials/issue",
        content=b"{nope",
        headers={**world.uni.headers, "Content-Type": "application/json"},
    )
    assert answer.status_code == 400 and answer.json()["type"].endswith("invalid-json")
    answer = client.post("/credentials/issue", json={"cred": {}}, headers=world.uni.headers)
    assert answer.status_code == 422
    paths = {e["path"] for e in answer.json()["errors"]}
    assert paths == {"$.credential", "$.cred"}
    answer = _issue(client, world.uni.headers, {"type": ["VerifiableCredential"]})
    assert answer.status_code == 422
    assert "$.credentialSubject" in {e["path"] for e in answer.json()["errors"]}
    unsafe = {**CREDENTIAL, "credentialSubject": {"id": "did:example:x", "undefinedTerm": 1}}
    answer = _issue(client, world.uni.headers, unsafe)
    assert answer.status_code == 422 and "undefinedTerm" in answer.json()["detail"]
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and missing.json()["status"] == 404
    assert client.get("/credentials/issue").status_code == 405
    too_big = client.post("/verify", content=b"x", headers={"Content-Length": str(10**9)})
    assert too_big.status_code == 413


def test_no_stack_trace_reaches_a_client(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = client.app.state.service  # type: ignore[attr-defined]

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("internal detail /etc/secret-path")

    monkeypatch.setattr(service, "verify", crash)
    answer = client.post("/credentials/verify", json={"verifiableCredential": CREDENTIAL})
    assert answer.status_code == 500
    assert answer.json()["detail"] == "the service failed; the error is in its log"
    assert "secret-path" not in answer.text and "Traceback" not in answer.text


def test_openapi_schema_is_published(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in (
        "/credentials/issue",
        "/credentials/verify",
        "/presentations/verify",
        "/credentials/status",
        "/status/{profile}/{name}",
        "/micro-credentials/issue",
        "/oauth2/token",
    ):
        assert path in schema["paths"], path
    body = schema["components"]["schemas"]["IssueRequest"]
    assert body["required"] == ["credential"]


def test_the_page_is_served_with_a_strict_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src" not in page.headers["content-security-policy"]  # 'self' by default
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<label for="credential-text">' in page.text
    assert client.get("/page/verifier.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/page/../app.py").status_code == 404


# --- configuration ----------------------------------------------------------------------------


def test_only_hashes_of_secrets_are_configured(world: World, tmp_path: Path) -> None:
    text = world.config.read_text()
    assert world.uni.api_key not in text and world.uni.client_secret not in text
    assert hash_secret(world.uni.api_key) in text
    data = json.loads(text)
    data["profiles"][0]["api_key_hashes"] = [world.uni.api_key]  # a secret, not its hash
    (tmp_path / "bad.json").write_text(json.dumps(data))
    with pytest.raises(InvalidFieldsError, match="sha256"):
        load_config(tmp_path / "bad.json")
    (tmp_path / "bad.toml").write_text("profiles = 3\n")
    with pytest.raises(InvalidFieldsError, match="profiles"):
        load_config(tmp_path / "bad.toml")


def test_oauth_clients_need_a_token_secret(world: World) -> None:
    data = json.loads(world.config.read_text())
    del data["token_secret_file"]
    (world.config.parent / "no-secret.json").write_text(json.dumps(data))
    config = load_config(world.config.parent / "no-secret.json")
    with pytest.raises(InputError, match="token secret"):
        create_app(config)


def test_dev_bootstrap_prints_a_key_once(tmp_path: Path) -> None:
    path, api_key = bootstrap(tmp_path / "data")
    assert api_key is not None and api_key.startswith("ebs_")
    assert api_key not in path.read_text()
    assert (tmp_path / "data/dev-issuer.key").stat().st_mode & 0o077 == 0
    assert bootstrap(tmp_path / "data") == (path, None)
    config = settle(load_config(path), base_url="http://127.0.0.1:9999", db=None)
    assert config.base_url == "http://127.0.0.1:9999"
    assert config.db == f"sqlite:///{tmp_path / 'data' / 'status.db'}"
    with TestClient(create_app(config)) as dev:
        answer = dev.post(
            "/micro-credentials/issue",
            json={"microCredential": description()},
            headers={"Authorization": f"Bearer {api_key}"},
        )
        assert answer.status_code == 201


def test_the_core_imports_without_the_server_extra() -> None:
    code = (
        "import sys; sys.modules['fastapi'] = None; sys.modules['uvicorn'] = None\n"
        "import edubadge, edubadge.cli, edubadge.server, edubadge.server.launch\n"
        "from edubadge.cli import main\n"
        "print(main(['serve', '--new-secret']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip().endswith("0") and "sha256:" in done.stdout


# --- found with the W3C suites (docs/conformance.md) -------------------------------------------


def test_a_vc_1_1_credential_gets_the_data_integrity_context(
    client: TestClient, world: World
) -> None:
    legacy = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuanceDate": "2020-03-16T22:37:26Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    answer = _issue(client, world.uni.headers, legacy)
    assert answer.status_code == 201, answer.text
    credential = answer.json()["verifiableCredential"]
    assert credential["@context"] == [
        "https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/security/data-integrity/v2",
    ]
    assert edubadge.verify(credential).verified


@pytest.mark.parametrize(
    "contexts", [None, ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]]
)
def test_a_credential_without_the_base_context_is_refused(
    client: TestClient, world: World, contexts: list[str] | None
) -> None:
    credential = {k: v for k, v in CREDENTIAL.items() if k != "@context"}
    if contexts:
        credential["@context"] = contexts
    answer = _issue(client, world.uni.headers, credential)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["path"].startswith("$['@context']")


def test_json_text_in_a_string_is_not_a_credential(client: TestClient, world: World) -> None:
    credential = _issue(client, world.uni.headers).json()["verifiableCredential"]
    answer = client.post(
        "/credentials/verify", json={"verifiableCredential": json.dumps(credential)}
    )
    assert answer.status_code == 400 and "JSON object" in answer.json()["detail"]


def test_configured_contexts_are_used_for_issuing_and_verifying(
    client: TestClient, world: World
) -> None:
    url = "https://example.org/contexts/course/v1"
    (world.config.parent / "course.jsonld").write_text(
        json.dumps({"@context": {"course": "https://example.org/vocab#course"}})
    )
    data = json.loads(world.config.read_text())
    data["contexts"] = {url: "course.jsonld"}
    (world.config.parent / "with-contexts.json").write_text(json.dumps(data))
    config = settle(load_config(world.config.parent / "with-contexts.json"), base_url=BASE, db=None)
    credential = {
        **CREDENTIAL,
        "@context": [*CREDENTIAL["@context"], url],
        "credentialSubject": {"id": "did:example:learner", "course": "Statistics"},
    }
    with TestClient(create_app(config)) as with_contexts:
        issued = _issue(with_contexts, world.uni.headers, credential)
        assert issued.status_code == 201, issued.text
        signed = issued.json()["verifiableCredential"]
        verified = with_contexts.post("/credentials/verify", json={"verifiableCredential": signed})
        assert verified.status_code == 200
    assert _issue(client, world.uni.headers, credential).status_code == 422  # not configured


# --- status ------------------------------------------------------------------------------------


def _status(client: TestClient, headers: dict[str, str], credential_id: str, **update: Any) -> Any:
    body = {"credentialId": credential_id, "credentialStatus": update}
    return client.post("/credentials/status", json=body, headers=headers)


def test_status_changes_touch_only_the_callers_credentials(
    client: TestClient, world: World
) -> None:
    """The same credential id issued by two profiles: each revokes only its own."""
    same = {**CREDENTIAL, "id": "urn:uuid:5e1f8a43-0000-4000-8000-000000000001"}
    mine = _issue(client, world.uni.headers, same).json()["verifiableCredential"]
    theirs = _issue(client, world.other.headers, same).json()["verifiableCredential"]
    assert _status(client, world.uni.headers, same["id"], statusPurpose="revocation").json() == {
        "credentialId": same["id"],
        "updated": True,
    }
    assert (
        client.post("/credentials/verify", json={"verifiableCredential": mine}).status_code == 400
    )
    answer = client.post("/credentials/verify", json={"verifiableCredential": theirs})
    assert answer.status_code == 200, answer.text
    assert [s["purpose"] for s in answer.json()["statuses"]] == ["revocation", "suspension"]
    unknown = _status(client, world.uni.headers, "urn:uuid:nobody", statusPurpose="revocation")
    assert unknown.status_code == 404


def test_status_rules_are_409(client: TestClient, world: World) -> None:
    credential = _issue(client, world.uni.headers).json()["verifiableCredential"]
    no_suspension = _status(client, world.uni.headers, credential["id"], statusPurpose="suspension")
    assert no_suspension.status_code == 409
    assert "without a suspension status entry" in no_suspension.json()["detail"]
    undo = _status(
        client, world.uni.headers, credential["id"], statusPurpose="revocation", status=False
    )
    assert undo.status_code == 409


def test_status_lists_are_public_and_named_exactly(client: TestClient, world: World) -> None:
    credential = _issue(client, world.uni.headers).json()["verifiableCredential"]
    url = credential["credentialStatus"]["statusListCredential"]
    path = url.removeprefix(BASE)
    listed = client.get(path)
    assert listed.status_code == 200 and listed.headers["content-type"] == "application/vc"
    assert listed.headers["cache-control"] == "public, max-age=3600"
    as_json_ld = client.get(path, headers={"Accept": "application/ld+json, application/json"})
    assert as_json_ld.headers["content-type"] == "application/ld+json"
    assert as_json_ld.content == listed.content
    document = listed.json()
    assert document["id"] == url and document["issuer"] == world.uni.issuer_id
    assert edubadge.verify(document).verified
    list_id = path.rsplit("-", 1)[1]
    for wrong in (
        f"/status/other/revocation-{list_id}",  # another profile's name for the same list
        f"/status/uni/suspension-{list_id}",  # a purpose the list does not have
        "/status/uni/revocation-999999.json",
        "/status/uni/..%2Fserver.json",
        "/status/nobody/revocation-1.json",
    ):
        assert client.get(wrong).status_code == 404, wrong
    publish = client.post(f"{path}/publish", headers=world.uni.headers)
    assert publish.status_code == 204
    assert client.post(f"{path}/publish").status_code == 401
    assert client.post(f"{path}/publish", headers=world.other.headers).status_code == 403


def test_a_list_signed_again_is_valid_for_a_verification_begun_just_before(
    client: TestClient, world: World
) -> None:
    """Found under load: a revocation makes the next read sign the list again; a verification
    that began a moment earlier must not find that list "not yet valid"."""
    service = client.app.state.service  # type: ignore[attr-defined]
    kept = _issue(client, world.uni.headers).json()["verifiableCredential"]
    gone = _issue(client, world.uni.headers).json()["verifiableCredential"]
    begun = datetime.now(UTC) - timedelta(seconds=30)
    assert (
        _status(client, world.uni.headers, gone["id"], statusPurpose="revocation").status_code
        == 200
    )
    result = edubadge.verify(
        kept, loader=service.loader, status_lists=service.status_lists, now=begun
    )
    assert result.verified, result.to_dict()
