"""The Europass side of the stacking world: the same issuers with an eSeal each, and sealed
EDC modules for the learner (`e1`... for the achievements of `m1`...).

Built once per test session on top of `stacking_world.world()`. The hand-built EDC stack
(`edc_stack_document`) adds the pins, the rule and the contexts without edubadge's stacking
code, so the tests check edubadge against the documented shape, not against itself.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from cryptography import x509

from edubadge.envelopes import seal
from edubadge.envelopes.testing import make_test_material
from edubadge.formats import edc
from edubadge.issuer import EdcIssuer, Issuer
from edubadge.model import load_microcredential

from .stacking_world import ACHIEVEMENT, CERTIFICATE, MODULES, World, description, digest, world

SEALED_AT = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)  # when the modules were sealed
# the eSeals are valid from before the modules were sealed until well after today (unbundled
# modules are sealed now)
CERTIFICATES_VALID = (datetime(2025, 6, 1, tzinfo=UTC), datetime(2035, 6, 1, tzinfo=UTC))
RELATED_RESOURCE_CONTEXT = "https://w3id.org/edubadge/related-resource/v1"
STACKING_CONTEXT = "https://w3id.org/edubadge/stacking/v1"
QA_BODY = {"id": "https://www.nvao.net/", "name": "NVAO", "country": "NL"}


def edc_description(
    title: str, achievement: str, ects: float | None, **extra: Any
) -> dict[str, Any]:
    """A micro-credential description complete for EDC (its QA body is named)."""
    data = description(title, achievement, ects, **extra)
    data["quality_assurance"] = [{"type": "institutional quality assurance", "body": QA_BODY}]
    return data


def sealer(issuer: Issuer) -> tuple[EdcIssuer, x509.Certificate]:
    """An `EdcIssuer` for an issuer's profile with a test eSeal, and the eSeal's root CA."""
    name = issuer.profile.name.best("en")
    material, root = make_test_material(
        organisation=name, not_before=CERTIFICATES_VALID[0], not_after=CERTIFICATES_VALID[1]
    )
    return EdcIssuer(issuer.profile, material), root


@dataclass
class EdcWorld:
    """The eSeals (one issuer's root is not among the anchors) and the sealed pool."""

    base: World
    uni: EdcIssuer
    college: EdcIssuer
    outsider: EdcIssuer
    unanchored: EdcIssuer  # the university's name on an eSeal whose root no one trusts
    anchors: list[x509.Certificate]
    pool: dict[str, dict[str, Any]]

    def issuer(self, name: str) -> EdcIssuer:
        """An EDC issuer by name."""
        return {"uni": self.uni, "college": self.college, "outsider": self.outsider}[name]

    def module(self, name: str, *, issuer: EdcIssuer | None = None, **changes: Any) -> Any:
        """A sealed EDC module for the learner (or `learner=...`), named like `e1-...`."""
        suffix, ects, default = next(m for m in MODULES if m[0] == "m" + name.split("-")[0][1:])
        data = edc_description(
            f"Module {name}", ACHIEVEMENT + suffix, ects, learner=self.base.learner
        )
        data["id"] = f"urn:example:credential:{name}"
        data.update(changes)
        sealing = issuer or self.issuer(default)
        return sealing.seal(sealing.credential(load_microcredential(data)), signing_time=SEALED_AT)

    def edc_stack_document(
        self,
        components: list[dict[str, Any]],
        rule: dict[str, Any],
        *,
        id: str = "urn:example:credential:edc-stack",
    ) -> dict[str, Any]:
        """A sealed EDC stack built by hand (no checks at all), as any producer could."""
        document = copy.deepcopy(_unsealed_certificate(id))
        document["@context"] += [STACKING_CONTEXT, RELATED_RESOURCE_CONTEXT]
        document["credentialSubject"]["hasClaim"][0]["specifiedBy"]["stackingRule"] = rule
        document["relatedResource"] = [
            {"id": credential_id(c), "mediaType": "application/vc", "digestMultibase": digest(c)}
            for c in components
        ]
        return seal(document, self.uni.material, signing_time=SEALED_AT)


def credential_id(component: dict[str, Any]) -> str:
    """A component's id: a sealed EDC's is in its payload."""
    return str(edc.unwrap(component)["id"])


@cache
def _unsealed_certificate(id: str) -> dict[str, Any]:
    w = world()
    record = load_microcredential(
        edc_description("Certificate", CERTIFICATE, None, learner={"id": w.learner["id"]}, id=id)
    )
    return edc.to_credential(record, w.uni.profile, micro_credential=False)


@cache
def edc_world() -> EdcWorld:
    """The shared EDC world (built once)."""
    base = world()
    (uni, uni_root), (college, college_root), (outsider, outsider_root) = (
        sealer(base.uni),
        sealer(base.college),
        sealer(base.outsider),
    )
    unanchored, _ = sealer(base.uni)
    w = EdcWorld(
        base,
        uni,
        college,
        outsider,
        unanchored,
        [uni_root, college_root, outsider_root],
        {},
    )
    for name, _, _ in MODULES:
        w.pool["e" + name[1:]] = w.module("e" + name[1:])
    w.pool["e1-other-learner"] = w.module("e1-other-learner", learner=base.other_learner)
    w.pool["e3-outsider"] = w.module("e3-outsider", issuer=outsider)
    w.pool["e4-unanchored"] = w.module("e4-unanchored", issuer=unanchored)
    broken = copy.deepcopy(w.pool["e2"])
    payload = json.loads(broken["payload"])
    payload["id"] = "urn:example:credential:e2-broken"
    broken["payload"] = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    w.pool["e2-broken"] = broken  # sealed for another id: the seal no longer holds
    return w
