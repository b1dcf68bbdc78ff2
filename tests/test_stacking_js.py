"""A stack whose components were signed outside edubadge verifies.

The reference JS stack (Digital Bazaar's `@digitalbazaar/vc` with `eddsa-rdfc-2022`, pinned in
`tests/js/package.json`) signs the components; edubadge stacks and verifies them; the JS stack
verifies edubadge's stack in turn. Needs Node and npm (packages are installed once into a cache
folder); skips without them, except under CI, where that is a failure.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import edubadge
from edubadge import keys
from edubadge.formats import ob3
from edubadge.issuer import Issuer
from edubadge.jsonld import bundled_urls
from edubadge.model import Organisation, load_microcredential
from edubadge.stacking import stack

from .shared import ROOT
from .stacking_world import ACHIEVEMENT, CERTIFICATE, NOW, description, world

JS = ROOT / "tests" / "js"
FILES = ("package.json", "package-lock.json", "issue.mjs")


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def reference_js() -> Path:
    """A folder with the pinned packages installed (npm ci, once per lockfile)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _unavailable("Node.js and npm are needed for the reference JS stack")
    lock = hashlib.sha256(b"".join((JS / f).read_bytes() for f in FILES)).hexdigest()[:16]
    cache = Path(os.environ.get("EDUBADGE_JS_CACHE", Path.home() / ".cache" / "edubadge-js"))
    folder = cache / lock
    if not (folder / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            shutil.copyfile(JS / name, folder / name)
        run = subprocess.run(
            [str(npm), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if run.returncode != 0:
            _unavailable(f"npm ci failed: {run.stderr[-2000:]}")
    return folder


def run_js(folder: Path, request: dict[str, Any]) -> dict[str, Any]:
    """Run the reference stack with every bundled context served offline."""
    loader = edubadge.DocumentLoader()
    request["contexts"] = {url: loader.get(url) for url in bundled_urls()}
    done = subprocess.run(
        ["node", str(folder / "issue.mjs")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def unsigned(name: str, ects: int, issuer: str) -> dict[str, Any]:
    data = description(f"JS {name}", ACHIEVEMENT + name, ects, learner=world().learner)
    data["id"] = f"urn:example:js:{name}"
    profile = Organisation(id="did:example:replaced-by-js", name=issuer, country="BE")
    return ob3.to_credential(load_microcredential(data), profile, salt="js-test")


def test_components_signed_by_the_reference_js_stack_stack_and_verify(reference_js: Path) -> None:
    seeds = [hashlib.sha256(label).digest() for label in (b"js university", b"js college")]
    issued = run_js(
        reference_js,
        {
            "issue": [
                {
                    "seed": seeds[0].hex(),
                    "credentials": [
                        unsigned("m1", 5, "JS University"),
                        unsigned("m2", 5, "JS University"),
                    ],
                },
                {"seed": seeds[1].hex(), "credentials": [unsigned("m3", 3, "JS College")]},
            ]
        },
    )["issued"]
    # the JS key from a seed is the same Ed25519 key as edubadge's
    assert [i["controller"] for i in issued] == [keys.from_seed(s).controller for s in seeds]
    components = [c for i in issued for c in i["credentials"]]
    for component in components:
        assert component["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
        assert edubadge.verify(component).verified

    trusted = {i["controller"] for i in issued}
    rule = {"allOf": [ACHIEVEMENT + "m1", ACHIEVEMENT + "m2", ACHIEVEMENT + "m3"]}
    record = description("Certificate", CERTIFICATE, None, id="urn:example:js:stack")
    # without a credentialStatus, which the JS verifier would need a status checker for
    uni = Issuer(world().uni.profile, world().uni.signer)
    stacked = stack(components, record, rule, uni, trusted_issuers=trusted, now=NOW)
    result = edubadge.verify(stacked, components=components, trusted_issuers=trusted)
    assert result.verified, result.to_dict()
    assert [c.issuer for c in result.components] == [issued[0]["controller"]] * 2 + [
        issued[1]["controller"]
    ]

    # and the reference stack accepts edubadge's stack (our context, relatedResource, rule)
    dids = {d: keys.resolve_did_key(d) for d in (world().uni.profile.id, *trusted)}
    verdicts = run_js(reference_js, {"verify": [stacked, *components], "documents": dids})
    assert verdicts["verified"] == [{"verified": True, "error": None}] * 4
    tampered = json.loads(json.dumps(stacked))
    pins = tampered["relatedResource"]
    pins[0]["digestMultibase"] = pins[1]["digestMultibase"]
    verdicts = run_js(reference_js, {"verify": [tampered], "documents": dids})
    assert verdicts["verified"][0]["verified"] is False
