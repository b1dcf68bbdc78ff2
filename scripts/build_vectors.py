#!/usr/bin/env python3
"""Regenerate edubadge's own conformance vectors in `vectors/` from their inputs.

Inputs (authored, kept): `vectors/microcredential/input.json` (a micro-credential description
with its `issuer` section) and `vectors/microcredential/settings.json` (identity salt, proof
options); for stacking, `vectors/stacking/component-N.input.json`, `achievement.json`,
`rule.json` and `settings.json`. Everything else is derived here, deterministically, with
fixed test keys. (An ecdsa-sd-2023 base proof draws fresh HMAC and proof keys, so for the
selectively disclosable stack only the unsigned document and its mandatory pointers are
vectors.)

    python scripts/build_vectors.py            # rewrite the derived files
    python scripts/build_vectors.py --check    # exit 1 if any derived file differs
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generated_files import write_or_check  # noqa: E402

from edubadge import keys, sign  # noqa: E402
from edubadge.formats import ob3  # noqa: E402
from edubadge.issuer import Issuer  # noqa: E402
from edubadge.jsonld.loader import default_loader  # noqa: E402
from edubadge.keys.algorithms import get_algorithm  # noqa: E402
from edubadge.model import Organisation, load_microcredential  # noqa: E402
from edubadge.proofs import get_suite  # noqa: E402
from edubadge.proofs.ecdsa_sd_values import decode_base  # noqa: E402
from edubadge.stacking import component_digest, stack, unbundle  # noqa: E402
from edubadge.stacking.digest import MULTIHASHES, canonical_bytes, multihash  # noqa: E402

VECTORS = ROOT / "vectors"
MC = VECTORS / "microcredential"
KEY_SEED_LABEL = b"edubadge conformance vectors: issuer key 1"
KEY_2_SEED_LABEL = b"edubadge conformance vectors: issuer key 2"
KEY_3_SEED_LABEL = b"edubadge conformance vectors: issuer key 3 (P-256)"
STACKING = VECTORS / "stacking"


def dump(value: Any) -> bytes:
    """The layout of every JSON file written here."""
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def test_key(label: bytes = KEY_SEED_LABEL) -> keys.KeyPair:
    """A fixed vector key: seed = SHA-256 of a published label. TEST ONLY."""
    return keys.from_seed(hashlib.sha256(label).digest())


def p256_test_key(label: bytes) -> keys.KeyPair:
    """A fixed P-256 vector key: secret scalar = SHA-256 of a published label. TEST ONLY."""
    secret = get_algorithm("P-256").secret_from_raw(hashlib.sha256(label).digest(), None)
    return keys.KeyPair("P-256", secret.public_key(), secret)


def key_files(name: str, label: bytes, key: keys.KeyPair | None = None) -> dict[str, bytes]:
    """The key file and did:key document of one vector key."""
    key = key or test_key(label)
    what = "secret scalar" if key.algorithm == "P-256" else "seed"
    return {
        f"keys/{name}.key.json": dump(
            {
                "comment": f"TEST KEY ONLY. {what} = sha256('" + label.decode() + "')",
                **key.to_multikey(include_secret=True),
            }
        ),
        f"keys/{name}.did.json": dump(keys.resolve_did_key(key.controller)),
    }


def read(path: Path) -> Any:
    """An authored JSON input."""
    return json.loads(path.read_text("utf-8"))


def build_stacking() -> dict[str, bytes]:
    """The stacking vectors: three components from two issuers, their digests, the stack."""
    vector_keys = {"issuer-1": test_key(KEY_SEED_LABEL), "issuer-2": test_key(KEY_2_SEED_LABEL)}
    settings = read(STACKING / "settings.json")
    files = key_files("issuer-2", KEY_2_SEED_LABEL)
    components, digests = [], []
    for n, key_name in enumerate(settings["component_keys"], start=1):
        request = read(STACKING / f"component-{n}.input.json")
        key = vector_keys[key_name]
        profile = Organisation.model_validate({"id": key.controller, **request.pop("issuer")})
        issuer, record = Issuer(profile, key), load_microcredential(request)
        salt, options = (
            settings["identity_salts"][n - 1],
            settings["component_proof_options"][n - 1],
        )
        part_of = settings["component_part_of"][n - 1]
        if part_of:  # a module unbundled from the certificate's programme
            signed = unbundle([record], issuer, part_of=part_of, salt=salt, options=options)[0]
        else:
            signed = issuer.sign(ob3.to_credential(record, profile, salt=salt), options=options)
        components.append(signed)
        canonical = canonical_bytes(signed)
        algorithm = settings["digest_algorithm"]
        files[f"stacking/component-{n}.json"] = dump(signed)
        files[f"stacking/component-{n}.canonical.json"] = canonical
        digests.append(
            {
                "id": signed["id"],
                "canonicalForm": f"component-{n}.canonical.json",
                "algorithm": algorithm,
                "digestHex": hashlib.new(MULTIHASHES[algorithm][1], canonical).hexdigest(),
                "multihashHex": multihash(canonical, algorithm).hex(),
                "digestMultibase": component_digest(signed, algorithm),
            }
        )
    files["stacking/digests.json"] = dump(digests)
    request = read(STACKING / "achievement.json")
    issuer_section = request.pop("issuer")

    def stack_with(key: keys.KeyPair, suite: str) -> dict[str, Any]:
        profile = Organisation.model_validate({"id": key.controller, **issuer_section})
        return stack(
            components,
            request,
            read(STACKING / "rule.json"),
            Issuer(profile, key, suite=suite),
            trusted_issuers={vector_keys[k].controller for k in settings["trusted_issuers"]},
            salt=settings["identity_salts"][-1],
            now=datetime.fromisoformat(settings["now"]),
            options=settings["stack_proof_options"],
            digest_algorithm=settings["digest_algorithm"],
        )

    stacked = stack_with(vector_keys[settings["stack_key"]], "eddsa-rdfc-2022")
    files["stacking/stack-unsigned.json"] = dump({k: v for k, v in stacked.items() if k != "proof"})
    files["stacking/stack-signed.json"] = dump(stacked)
    sd_key = p256_test_key(KEY_3_SEED_LABEL)
    files |= key_files("issuer-3-p256", KEY_3_SEED_LABEL, sd_key)
    selective = stack_with(sd_key, "ecdsa-sd-2023")
    pointers = decode_base(selective["proof"]["proofValue"]).mandatory_pointers
    files["stacking/stack-sd-unsigned.json"] = dump(
        {k: v for k, v in selective.items() if k != "proof"}
    )
    files["stacking/stack-sd-mandatory-pointers.json"] = dump(pointers)
    return files


def build() -> dict[str, bytes]:
    """Every derived file, by path relative to vectors/."""
    key = test_key()
    files: dict[str, bytes] = key_files("issuer-1", KEY_SEED_LABEL)
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
    return write_or_check(build() | build_stacking(), VECTORS, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
