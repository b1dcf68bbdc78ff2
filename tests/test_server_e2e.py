"""End to end: `edubadge serve` in its own process, driven over HTTP on the loopback."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .server_world import World, description, make_world, require_server_extra, running_server
from .status_support import store_url

require_server_extra()

import httpx  # noqa: E402


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("e2e"))


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[str]:
    with running_server(world.config) as base:
        yield base


CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "credentialSubject": {"id": "did:example:learner"},
}


def _token(base: str, client_id: str, secret: str) -> dict[str, str]:
    answer = httpx.post(
        f"{base}/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _issue(base: str, headers: dict[str, str], **extra: Any) -> httpx.Response:
    return httpx.post(
        f"{base}/micro-credentials/issue",
        json={"microCredential": description(), **extra},
        headers=headers,
        timeout=30,
    )


def _bit(list_credential: dict[str, Any], index: int) -> int:
    """The status bit at `index`, decoded here independently of edubadge's codec."""
    encoded = list_credential["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    data = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    return data[index // 8] >> (7 - index % 8) & 1


def test_issue_with_a_token_refuse_without_and_verify(server: str, world: World) -> None:
    uni = _token(server, world.uni.client_id, world.uni.client_secret)
    answer = _issue(server, uni)
    assert answer.status_code == 201, answer.text
    credential = answer.json()["verifiableCredential"]
    assert credential["issuer"]["id"] == world.uni.issuer_id

    refused = _issue(server, {})
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    other = _token(server, world.other.client_id, world.other.client_secret)
    unsigned = {k: v for k, v in credential.items() if k not in ("proof", "credentialStatus")}
    forbidden = httpx.post(
        f"{server}/credentials/issue", json={"credential": unsigned}, headers=other, timeout=30
    )
    assert forbidden.status_code == 403, forbidden.text

    verified = httpx.post(
        f"{server}/credentials/verify", json={"verifiableCredential": credential}, timeout=30
    )
    assert verified.status_code == 200 and verified.json()["verified"] is True
    credential["credentialSubject"]["creditsEarned"] = 30
    forged = httpx.post(
        f"{server}/credentials/verify", json={"verifiableCredential": credential}, timeout=30
    )
    assert forged.status_code == 400 and forged.json()["verified"] is False


def test_revoke_and_see_the_published_list_change(server: str, world: World) -> None:
    uni = _token(server, world.uni.client_id, world.uni.client_secret)
    credential = _issue(server, uni).json()["verifiableCredential"]
    entries = credential["credentialStatus"]
    entry = next(e for e in (entries if isinstance(entries, list) else [entries])
                 if e["statusPurpose"] == "revocation")  # fmt: skip
    url, index = entry["statusListCredential"], int(entry["statusListIndex"])
    assert url.startswith(f"{server}/status/uni/")
    before = httpx.get(url)
    assert before.status_code == 200
    ttl = before.json()["credentialSubject"]["ttl"]
    assert before.headers["cache-control"] == f"public, max-age={ttl // 1000}"
    assert _bit(before.json(), index) == 0

    body = {
        "credentialId": credential["id"],
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
    }
    assert httpx.post(f"{server}/credentials/status", json=body).status_code == 401
    other = _token(server, world.other.client_id, world.other.client_secret)
    assert httpx.post(f"{server}/credentials/status", json=body, headers=other).status_code in (
        403,
        404,
    )
    revoked = httpx.post(f"{server}/credentials/status", json=body, headers=uni, timeout=30)
    assert revoked.status_code == 200, revoked.text
    after = httpx.get(url)
    assert _bit(after.json(), index) == 1
    assert after.json()["proof"] != before.json()["proof"]  # signed again
    verified = httpx.post(
        f"{server}/credentials/verify", json={"verifiableCredential": credential}, timeout=30
    )
    assert verified.status_code == 400
    status = next(c for c in verified.json()["checks"] if c["id"] == "status")
    assert status["outcome"] == "failed" and "REVOKED" in status["problems"][0]["type"]
    again = {**body, "credentialStatus": {**body["credentialStatus"], "status": False}}
    undo = httpx.post(f"{server}/credentials/status", json=again, headers=uni)
    assert undo.status_code == 409
    assert _bit(httpx.get(url).json(), index) == 1


def test_suspend_and_reinstate_across_two_server_processes(world: World) -> None:
    """Two server processes behind one public URL share the store: what one changes, the
    other publishes at once."""
    public = "https://badges.example"
    config = json.loads(world.config.read_text())
    config["base_url"] = public
    shared = world.config.parent / "behind-a-proxy.json"
    shared.write_text(json.dumps(config))
    with running_server(shared) as first, running_server(shared) as second:
        other = _token(first, world.other.client_id, world.other.client_secret)
        issued = httpx.post(
            f"{first}/credentials/issue", json={"credential": CREDENTIAL}, headers=other, timeout=30
        ).json()["verifiableCredential"]
        entries = {e["statusPurpose"]: e for e in issued["credentialStatus"]}
        suspension = entries["suspension"]
        path = suspension["statusListCredential"].removeprefix(public)
        assert path.startswith("/status/other/suspension-")
        index = int(suspension["statusListIndex"])
        listed = httpx.get(second + path)
        assert listed.headers["cache-control"] == "public, max-age=60"
        assert _bit(listed.json(), index) == 0
        body: dict[str, Any] = {
            "credentialId": issued["id"],
            "credentialStatus": {"statusPurpose": "suspension", "status": True},
            "reason": "under review",
        }
        changed = httpx.post(f"{first}/credentials/status", json=body, headers=other)
        assert changed.status_code == 200
        assert _bit(httpx.get(second + path).json(), index) == 1
        body["credentialStatus"]["status"] = False
        changed = httpx.post(f"{second}/credentials/status", json=body, headers=other)
        assert changed.status_code == 200
        assert _bit(httpx.get(first + path).json(), index) == 0


def test_revocation_on_postgresql_with_two_workers(world: World, tmp_path: Path) -> None:
    """The same flow with the store on PostgreSQL (by configuration: --db) and two worker
    processes answering in turn."""
    with (
        store_url("postgres", tmp_path) as dsn,
        running_server(world.config, db=dsn, workers=2) as base,
    ):
        uni = _token(base, world.uni.client_id, world.uni.client_secret)
        credentials = [_issue(base, uni).json()["verifiableCredential"] for _ in range(4)]
        entries = [c["credentialStatus"] for c in credentials]
        assert len({(e["statusListCredential"], e["statusListIndex"]) for e in entries}) == 4
        target, entry = credentials[2], entries[2]
        index = int(entry["statusListIndex"])
        assert _bit(httpx.get(entry["statusListCredential"]).json(), index) == 0
        body = {"credentialId": target["id"], "credentialStatus": {"statusPurpose": "revocation"}}
        assert httpx.post(f"{base}/credentials/status", json=body, headers=uni).status_code == 200
        for _ in range(4):  # whichever worker answers, the list shows the revocation
            assert _bit(httpx.get(entry["statusListCredential"]).json(), index) == 1
