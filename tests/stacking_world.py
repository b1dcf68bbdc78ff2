"""A fixed little world for the stacking tests: two issuers, a learner, a pool of modules.

Built once per test session (signing is the slow part). Independent of edubadge's stacking
code: the digest and the stack document are also built here by hand, so the tests check
edubadge against the specification, not against itself.

The university and the college keep real status lists in one SQLite store: every module
they issue has a `credentialStatus`. Each module of the pool has a revoked twin (another
credential for the same achievement, `mN-revoked`) that the registrar revokes after the
lists are first published: `lists_before` shows it valid, `lists_after` revoked.
"""

from __future__ import annotations

import atexit
import copy
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import base58
import rfc8785

import edubadge
from edubadge import keys
from edubadge.formats import ob3
from edubadge.issuer import Issuer
from edubadge.model import Organisation, load_microcredential
from edubadge.status import StatusStore, open_store
from edubadge.status.lists import StatusLists

NOW = datetime(2026, 3, 1, tzinfo=UTC)
LISTS_FROM = datetime(2026, 1, 1, tzinfo=UTC)  # published lists are valid from then on
STACKING_CONTEXT = "https://w3id.org/edubadge/stacking/v1"
ACHIEVEMENT = "https://uni.example/achievements/"
CERTIFICATE = ACHIEVEMENT + "certificate"
# (achievement suffix, ECTS, issuer) of each module in the pool
MODULES = (
    ("m1", 5, "uni"),
    ("m2", 5, "uni"),
    ("m3", 3, "college"),
    ("m4", 6, "college"),
    ("m5", 10, "uni"),
)


def key(label: str) -> keys.KeyPair:
    """A deterministic test key."""
    return keys.from_seed(hashlib.sha256(label.encode()).digest())


def description(title: str, achievement: str, ects: float | None, **extra: Any) -> dict[str, Any]:
    """A complete micro-credential description (the model's input format)."""
    data: dict[str, Any] = {
        "title": title,
        "achievement_id": achievement,
        "learning_outcomes": [{"text": f"Outcome of {title}.", "skill_type": "skill"}],
        "eqf_level": 6,
        "assessment_types": ["project work"],
        "participation_modes": ["online"],
        "quality_assurance": [{"type": "institutional quality assurance"}],
        "issued": "2026-01-15T09:00:00Z",
    }
    if ects is not None:
        data["credits"] = [{"points": ects}]
    data.update(extra)
    return data


def digest(credential: dict[str, Any]) -> str:
    """digestMultibase as VC 2.0 defines it, computed here independently: base58btc multihash
    (sha2-384: 0x20, 48 bytes) of the RFC 8785 bytes of the signed credential."""
    raw = hashlib.sha384(rfc8785.dumps(credential)).digest()
    return "z" + base58.b58encode(bytes([0x20, 0x30]) + raw).decode()


@dataclass
class World:
    """Issuers, the learner, and the signed pool."""

    uni: Issuer
    college: Issuer
    outsider: Issuer
    learner: dict[str, Any]
    pool: dict[str, dict[str, Any]]
    other_learner: dict[str, Any]
    store: StatusStore | None = None
    folder: Path | None = None
    lists_before: dict[str, Any] = field(default_factory=dict)
    lists_after: dict[str, Any] = field(default_factory=dict)

    @property
    def trusted(self) -> set[str]:
        """The trust list of the tests: the university and the college."""
        return {self.uni.profile.id, self.college.profile.id}

    def issuer(self, name: str) -> Issuer:
        """An issuer by name."""
        return {"uni": self.uni, "college": self.college, "outsider": self.outsider}[name]

    def module(
        self, name: str, *, issuer: str | None = None, status: bool = True, **changes: Any
    ) -> dict[str, Any]:
        """A signed module credential for the learner (or `learner=...`); `status=False`
        leaves out the issuer's `credentialStatus` (for verifiers without these lists)."""
        suffix, ects, default = next(m for m in MODULES if m[0] == name.split("-")[0])
        data = description(f"Module {name}", ACHIEVEMENT + suffix, ects, learner=self.learner)
        data["id"] = f"urn:example:credential:{name}"
        data.update(changes)
        signer = self.issuer(issuer or default)
        if not status:
            signer = Issuer(signer.profile, signer.signer)
        return signer.issue(load_microcredential(data))

    def publish(self, name: str) -> dict[str, Any]:
        """Sign and write the university's and the college's lists; by URL."""
        assert self.folder is not None
        published = {}
        for issuer in (self.uni, self.college):
            assert issuer.status is not None
            for p in issuer.status.publish(
                self.folder / name,
                issuer.signer,
                suite=issuer.suite,
                actor="registrar",
                now=LISTS_FROM,
                validity=None,
            ):
                published[p.url] = json.loads(p.file.read_text("utf-8"))
        return published

    def stack_document(
        self,
        components: list[dict[str, Any]],
        rule: dict[str, Any],
        *,
        issuer: Issuer | None = None,
        id: str = "urn:example:credential:stack",
    ) -> dict[str, Any]:
        """A signed stack built by hand (no checks at all), as any producer could."""
        issuer = issuer or self.uni
        record = load_microcredential(
            description("Certificate", CERTIFICATE, None, learner={"id": self.learner["id"]}, id=id)
        )
        document = ob3.to_credential(record, issuer.profile, micro_credential=False)
        document["@context"].append(STACKING_CONTEXT)
        document["credentialSubject"]["achievement"]["stackingRule"] = rule
        document["evidence"] = [{"id": c["id"], "type": ["Evidence"]} for c in components]
        document["relatedResource"] = [
            {"id": c["id"], "mediaType": "application/vc", "digestMultibase": digest(c)}
            for c in components
        ]
        return issuer.sign(document)


def _issuer(name: str, label: str, store: StatusStore | None = None) -> Issuer:
    signer = key(label)
    profile = Organisation(id=signer.controller, name=name, country="BE")
    lists = None
    if store is not None:
        base = f"https://{label}.example/status"
        lists = StatusLists(store, issuer=profile.id, base_url=base)
    return Issuer(profile, signer, status=lists)


def _scratch() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="edubadge-stacking-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@cache
def world() -> World:
    """The shared world (built once)."""
    learner = {
        "id": key("learner").controller,
        "given_name": "Lotte",
        "family_name": "Janssens",
        "email": "lotte@student.example",
    }
    other = {"id": key("other learner").controller, "given_name": "Mateo", "family_name": "Ruiz"}
    folder = _scratch()
    store = open_store(folder / "status.db")
    atexit.register(store.close)
    w = World(
        uni=_issuer("University", "uni", store),
        college=_issuer("College", "college", store),
        outsider=_issuer("Diploma Mill", "outsider"),
        learner=learner,
        pool={},
        other_learner=other,
        store=store,
        folder=folder,
    )
    for name, _, _ in MODULES:
        w.pool[name] = w.module(name)
        w.pool[f"{name}-revoked"] = w.module(f"{name}-revoked")
    w.lists_before = w.publish("before")
    for name, _, issuer in MODULES:
        lists = w.issuer(issuer).status
        assert lists is not None
        lists.revoke(w.pool[f"{name}-revoked"], actor="registrar", reason="exam annulled")
    w.lists_after = w.publish("after")
    w.pool["m1-other-learner"] = w.module("m1-other-learner", learner=other)
    w.pool["m3-outsider"] = w.module("m3-outsider", issuer="outsider")
    broken = copy.deepcopy(w.pool["m2"])
    broken["id"] = "urn:example:credential:m2-broken"
    w.pool["m2-broken"] = broken  # signed for another id: its proof no longer holds
    assert not edubadge.verify(broken, now=NOW).verified
    return w
