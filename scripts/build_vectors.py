#!/usr/bin/env python3
"""Regenerate edubadge's own conformance vectors in `vectors/` from their inputs.

Inputs (authored, kept): `vectors/microcredential/input.json` (a micro-credential description
with its `issuer` section) and `vectors/microcredential/settings.json` (identity salt, proof
options). Everything else is derived here, deterministically, with a fixed test key.

    python scripts/build_vectors.py            # rewrite the derived files
    python scripts/build_vectors.py --check    # exit 1 if any derived file differs
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generated_files import write_or_check  # noqa: E402

from edubadge import keys, sign  # noqa: E402
from edubadge.formats import ob3  # noqa: E402
from edubadge.jsonld.loader import default_loader  # noqa: E402
from edubadge.model import Organisation, load_microcredential  # noqa: E402
from edubadge.proofs import get_suite  # noqa: E402

VECTORS = ROOT / "vectors"
MC = VECTORS / "microcredential"
KEY_SEED_LABEL = b"edubadge conformance vectors: issuer key 1"


def dump(value: Any) -> bytes:
    """The layout of every JSON file written here."""
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def test_key() -> keys.KeyPair:
    """The fixed vector key: seed = SHA-256 of a published label. TEST ONLY."""
    return keys.from_seed(hashlib.sha256(KEY_SEED_LABEL).digest())


def build() -> dict[str, bytes]:
    """Every derived file, by path relative to vectors/."""
    key = test_key()
    files: dict[str, bytes] = {
        "keys/issuer-1.key.json": dump(
            {
                "comment": "TEST KEY ONLY. seed = sha256('" + KEY_SEED_LABEL.decode() + "')",
                **key.to_multikey(include_secret=True),
            }
        ),
        "keys/issuer-1.did.json": dump(keys.resolve_did_key(key.controller)),
    }
    request = json.loads((MC / "input.json").read_text("utf-8"))
    settings = json.loads((MC / "settings.json").read_text("utf-8"))
    issuer_data = {"id": key.controller, **request.pop("issuer")}
    issuer = Organisation.model_validate(issuer_data)
    record = load_microcredential(request)
    unsigned = ob3.to_credential(record, issuer, salt=settings["identity_salt"])
    files["microcredential/ob3-credential.json"] = dump(unsigned)
    loader = default_loader()
    for suite_name, extension in (("eddsa-rdfc-2022", "nq"), ("eddsa-jcs-2022", "json")):
        suite = get_suite(suite_name)
        options = settings["proof_options"]
        signed = sign(unsigned, key, suite=suite_name, options=options, loader=loader)
        proof = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
        config = copy.deepcopy(proof)
        config["@context"] = unsigned["@context"]
        canon_doc = suite.canonicalize(unsigned, loader)
        canon_proof = suite.canonicalize(config, loader)
        data = suite.hash_data(unsigned, config, loader)
        folder = f"microcredential/{suite_name}/"
        files[folder + f"canonical-document.{extension}"] = canon_doc
        files[folder + f"canonical-proof.{extension}"] = canon_proof
        files[folder + "hashes.json"] = dump(
            {
                "documentHashHex": hashlib.sha256(canon_doc).hexdigest(),
                "proofHashHex": hashlib.sha256(canon_proof).hexdigest(),
                "dataToSignHex": data.hex(),
                "signatureHex": key.sign(data).hex(),
                "proofValue": signed["proof"]["proofValue"],
            }
        )
        files[folder + "signed-credential.json"] = dump(signed)
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    return write_or_check(build(), VECTORS, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
