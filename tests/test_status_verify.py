"""The status check end to end: issue with status, publish, change, verify; legacy lists."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import edubadge
from edubadge import keys
from edubadge.datamodel import VC1_CONTEXT
from edubadge.formats import ob3
from edubadge.issuer import Issuer
from edubadge.model import Organisation, load_microcredential
from edubadge.status import Bitstring, PurposeSpec, open_store
from edubadge.status.check import StatusResolver
from edubadge.status.credential import list_credential
from edubadge.status.lists import StatusLists

from .fake_web import FakeWeb
from .shared import ROOT

RECORD = load_microcredential(ROOT / "examples" / "microcredential.json")
BASE = "https://uni.example/status"
MESSAGES = (("0x0", "valid"), ("0x1", "under review"), ("0x2", "confirmed"), ("0x3", "withdrawn"))


@dataclass
class World:
    """An issuer with a SQLite status store and a folder its lists are published to."""

    issuer: Issuer
    lists: StatusLists
    out: Path
    published: dict[str, Any] = field(default_factory=dict)

    def publish(self) -> dict[str, Any]:
        self.issuer.publish_status(self.out, actor="test")
        self.published = {
            d["id"]: d for d in (json.loads(p.read_text()) for p in self.out.glob("*.json"))
        }
        return self.published

    def verify(self, credential: dict[str, Any], **options: Any) -> edubadge.VerificationResult:
        options.setdefault("status_lists", self.published)
        return edubadge.verify(credential, **options)


def _world(tmp_path: Path, purposes: tuple[str | PurposeSpec, ...] = ("revocation",)) -> World:
    key = keys.generate()
    profile = Organisation(id=key.controller, name="Example University", country="BE")
    store = open_store(tmp_path / f"status-{len(purposes)}.db")
    lists = StatusLists(store, issuer=profile.id, base_url=BASE, purposes=purposes)
    return World(Issuer(profile, key, status=lists), lists, tmp_path / "lists")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    made = _world(tmp_path, ("revocation", "suspension"))
    yield made
    made.lists.store.close()


def _issue(world: World) -> dict[str, Any]:
    return world.issuer.issue(RECORD.model_copy(update={"id": None}))


def test_revocation_and_suspension_show_in_the_result(world: World) -> None:
    good, revoked, suspended = (_issue(world) for _ in range(3))
    assert [e["statusPurpose"] for e in good["credentialStatus"]] == ["revocation", "suspension"]
    world.publish()
    fine = world.verify(good)
    assert fine.verified, fine.to_dict()
    assert fine.check("status").detail.startswith("revocation: not revoked")
    world.lists.revoke(revoked, actor="registrar", reason="plagiarism")
    world.lists.suspend(suspended["id"], actor="registrar", reason="appeal pending")
    world.publish()
    assert world.verify(good).verified
    result = world.verify(revoked)
    assert not result.verified
    assert [p.kind for p in result.check("status").problems] == ["REVOKED"]
    assert result.statuses[0].revoked and not result.statuses[1].suspended
    assert result.to_dict()["status"][0]["value"] == 1
    held = world.verify(suspended)
    assert [p.kind for p in held.check("status").problems] == ["SUSPENDED"]
    assert held.check("proof").passed  # the credential itself is intact
    world.lists.reinstate(suspended, actor="dean", reason="appeal granted")
    world.publish()
    assert world.verify(suspended).verified


def test_message_statuses(tmp_path: Path) -> None:
    w = _world(tmp_path, (PurposeSpec("message", 2, MESSAGES),))
    credential = _issue(w)
    entry = credential["credentialStatus"]
    assert entry["statusSize"] == 2 and len(entry["statusMessage"]) == 4
    w.lists.set_message(credential, 2, actor="test")
    w.publish()
    result = w.verify(credential)
    assert result.verified, result.to_dict()
    assert result.statuses[0].message == "confirmed"
    assert "confirmed" in result.check("status").detail


def test_without_status_lists_the_check_is_skipped_with_a_warning(world: World) -> None:
    result = edubadge.verify(_issue(world))
    assert result.verified
    assert result.check("status").outcome == "skipped"
    assert "not checked" in result.warnings[0]


def test_a_list_that_cannot_be_had_fails_the_check(world: World) -> None:
    credential = _issue(world)
    result = world.verify(credential, status_lists={})
    assert not result.verified
    assert {p.kind for p in result.problems} == {"STATUS_RETRIEVAL_ERROR"}


def test_list_credentials_are_verified(world: World, tmp_path: Path) -> None:
    credential = _issue(world)
    world.publish()
    url = credential["credentialStatus"][0]["statusListCredential"]

    def kinds(lists: dict[str, Any], **options: Any) -> set[str]:
        return {p.kind for p in world.verify(credential, status_lists=lists, **options).problems}

    tampered = copy.deepcopy(world.published)
    bits = Bitstring.decode(tampered[url]["credentialSubject"]["encodedList"])
    bits.set(5, 1)
    tampered[url]["credentialSubject"]["encodedList"] = bits.encode()
    assert kinds(tampered) == {"STATUS_VERIFICATION_ERROR"}
    # A list signed by someone else does not speak for this issuer.
    stranger = _world(tmp_path / "other", ("revocation", "suspension"))
    stranger.issuer.issue(RECORD.model_copy(update={"id": None}))
    theirs = stranger.publish()[url]  # same base URL and list number, another issuer
    assert kinds({**world.published, url: theirs}) == {"STATUS_VERIFICATION_ERROR"}
    # The suspension entry read against the revocation list: wrong purpose.
    swapped = {**world.published, url.replace("revocation", "suspension"): world.published[url]}
    assert kinds(swapped) == {"STATUS_VERIFICATION_ERROR"}
    # After validUntil the list no longer counts.
    assert kinds(world.published, now=datetime.now(UTC) + timedelta(days=8)) >= {
        "STATUS_VERIFICATION_ERROR"
    }


def _signed_list(issuer: Issuer, url: str, bits: Bitstring, purpose: str = "revocation") -> Any:
    unsigned = list_credential(
        url=url,
        issuer=issuer.profile.id,
        purpose=purpose,
        bits=bits,
        valid_from=datetime.now(UTC) - timedelta(minutes=1),
        validity=None,
        ttl_ms=None,
    )
    return issuer.sign(unsigned)


def _with_status(issuer: Issuer, status: Any, **changes: Any) -> dict[str, Any]:
    credential = ob3.to_credential(RECORD, issuer.profile)
    credential.update(changes)
    credential["credentialStatus"] = status
    return issuer.sign(credential)


def test_short_lists_and_indexes_outside_the_list_are_refused(tmp_path: Path) -> None:
    w = _world(tmp_path)
    url = f"{BASE}/short.json"
    short = _signed_list(w.issuer, url, Bitstring.zeros(100_000))
    full = _signed_list(w.issuer, url, Bitstring.zeros(131_072))
    entry = {
        "id": f"{url}#99",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "99",
        "statusListCredential": url,
    }
    credential = _with_status(w.issuer, entry)
    result = edubadge.verify(credential, status_lists={url: short})
    assert [p.kind for p in result.problems] == ["STATUS_LIST_LENGTH_ERROR"]
    outside = _with_status(w.issuer, {**entry, "statusListIndex": "131072"})
    assert [p.kind for p in edubadge.verify(outside, status_lists={url: full}).problems] == [
        "RANGE_ERROR"
    ]
    bad = _with_status(w.issuer, {**entry, "statusListIndex": "-1"})
    assert [p.kind for p in edubadge.verify(bad, status_lists={url: full}).problems] == [
        "MALFORMED_VALUE_ERROR"
    ]


def test_fetched_lists_are_cached_for_their_ttl(world: World) -> None:
    credential = _issue(world)
    world.publish()
    now = [1000.0]
    fetcher = FakeWeb(world.published)
    resolver = StatusResolver(fetcher=fetcher, clock=lambda: now[0])
    for _ in range(50):
        assert world.verify(credential, status_lists=resolver).verified
    assert len(fetcher.fetched) == 2  # revocation and suspension lists, once each
    now[0] += 3599  # the lists' ttl is an hour
    world.verify(credential, status_lists=resolver)
    assert len(fetcher.fetched) == 2
    now[0] += 2
    world.verify(credential, status_lists=resolver)
    assert len(fetcher.fetched) == 4
    # An HTTP max-age shorter than the ttl wins.
    short = FakeWeb(world.published, max_age=10)
    resolver = StatusResolver(fetcher=short, clock=lambda: now[0])
    world.verify(credential, status_lists=resolver)
    now[0] += 11
    world.verify(credential, status_lists=resolver)
    assert len(short.fetched) == 4
    # A fetch that fails is a retrieval error, never a pass.
    failing = world.verify(credential, status_lists=None, fetcher=FakeWeb({}))
    assert {p.kind for p in failing.problems} == {"STATUS_RETRIEVAL_ERROR"}


def test_an_unsigned_credential_sends_the_fetcher_nowhere(world: World) -> None:
    credential = _issue(world)
    del credential["proof"]
    fetcher = FakeWeb({})
    result = world.verify(credential, fetcher=fetcher, status_lists=None)
    assert result.check("status").detail == "no proof verified"
    assert fetcher.fetched == []


def test_a_cached_check_is_a_lookup_and_a_bit_test(world: World) -> None:
    credentials = [_issue(world) for _ in range(20)]
    world.lists.revoke(credentials[3], actor="t")
    world.publish()
    resolver = StatusResolver(world.published)
    issuer = world.issuer.profile.id
    for n, credential in enumerate(credentials):
        result = resolver.check(credential["credentialStatus"][0], issuer=issuer)
        assert result.revoked is (n == 3)


def test_status_list_2021(tmp_path: Path) -> None:
    w = _world(tmp_path)
    url = "https://uni.example/sl2021/1"
    bits = Bitstring.zeros(131_072)
    bits.set(4242, 1)
    contexts = [
        VC1_CONTEXT,
        "https://w3id.org/vc/status-list/2021/v1",
        "https://w3id.org/security/data-integrity/v2",
    ]
    status_list = w.issuer.sign(
        {
            "@context": contexts,
            "id": url,
            "type": ["VerifiableCredential", "StatusList2021Credential"],
            "issuer": w.issuer.profile.id,
            "issuanceDate": "2025-01-01T00:00:00Z",
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "StatusList2021",
                "statusPurpose": "revocation",
                "encodedList": bits.encode(multibase=False),
            },
        }
    )

    def credential(index: int) -> dict[str, Any]:
        return w.issuer.sign(
            {
                "@context": contexts,
                "id": f"urn:uuid:00000000-0000-0000-0000-{index:012d}",
                "type": ["VerifiableCredential"],
                "issuer": w.issuer.profile.id,
                "issuanceDate": "2025-01-01T00:00:00Z",
                "credentialSubject": {"id": "did:example:learner"},
                "credentialStatus": {
                    "id": f"{url}#{index}",
                    "type": "StatusList2021Entry",
                    "statusPurpose": "revocation",
                    "statusListIndex": str(index),
                    "statusListCredential": url,
                },
            }
        )

    lists = {url: status_list}
    revoked = edubadge.verify(credential(4242), status_lists=lists)
    assert [p.kind for p in revoked.problems] == ["REVOKED"], revoked.to_dict()
    assert revoked.statuses[0].type == "StatusList2021Entry"
    assert edubadge.verify(credential(4243), status_lists=lists).verified


def test_1edtech_revocation_list(tmp_path: Path) -> None:
    w = _world(tmp_path)
    url = "https://uni.example/revocations"
    entry = {"id": url, "type": "1EdTechRevocationList"}
    extensions = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
    credential = ob3.to_credential(RECORD.model_copy(update={"id": None}), w.issuer.profile)
    credential["@context"].append(extensions)
    credential["credentialStatus"] = entry
    signed = w.issuer.sign(credential)
    revoked = {"revokedCredentials": [{"id": signed["id"], "revocationReason": "exam fraud"}]}
    result = edubadge.verify(signed, status_lists={url: revoked})
    assert [p.kind for p in result.problems] == ["REVOKED"]
    assert result.statuses[0].message == "exam fraud"
    lifted = {"revokedCredentials": [{"id": signed["id"], "revoked": False}, {"id": "urn:x"}]}
    assert edubadge.verify(signed, status_lists={url: lifted}).verified
    malformed = edubadge.verify(signed, status_lists={url: {"revoked": []}})
    assert [p.kind for p in malformed.problems] == ["MALFORMED_VALUE_ERROR"]
