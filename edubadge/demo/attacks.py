"""Demo step: forgeries that keep the signature valid on lax verifiers, each refused here."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .. import sign
from .core import DemoRun

SOURCE = "credential-1-eddsa-rdfc-2022.json"


def _retyped_boolean(credential: dict[str, Any]) -> None:
    """`"hashed": "false"`-style type confusion: the string for the boolean, same quads."""
    for identity in credential["credentialSubject"].get("identifier", []):
        if isinstance(identity.get("hashed"), bool):
            identity["hashed"] = str(identity["hashed"]).lower()
            return


def _spaced_proof_value(credential: dict[str, Any]) -> None:
    """A second spelling of the same signature (base58 decoders that forgive whitespace)."""
    credential["proof"]["proofValue"] += " "


def _dropped_keyword(credential: dict[str, Any]) -> None:
    """A context keyword as a node's key: JSON-LD drops it, so it is unsigned text."""
    credential["credentialSubject"]["@vocab"] = "https://attacker.example/#"


_FORGERIES: tuple[tuple[str, str, Callable[[dict[str, Any]], None]], ...] = (
    ("attack-boolean-as-string.json", "a boolean written as a string", _retyped_boolean),
    ("attack-proof-value-respelled.json", "the proofValue spelt another way", _spaced_proof_value),
    ("attack-dropped-keyword.json", "a keyword JSON-LD would drop", _dropped_keyword),
)


def refuse_attacks(run: DemoRun) -> None:
    """Signed-looking forgeries and misused proofs: every one must be refused."""
    run.heading("Forgeries that fool lax verifiers (docs/security.md): each is refused")
    original = run.read(SOURCE)
    for name, what, forge in _FORGERIES:
        forged = copy.deepcopy(original)
        forge(forged)
        run.write(name, forged, role="credential", format="ob3", suite="eddsa-rdfc-2022",
                  expect="invalid")  # fmt: skip
        run.say(f"   {name}: {what}")
    issuer = run.issuers["university"]
    unsigned = {k: v for k, v in original.items() if k != "proof"}
    misuse = {
        "attack-proof-for-login.json": ({"proofPurpose": "authentication"}, "made to log in"),
        "attack-proof-expired.json": ({"expires": "2020-01-01T00:00:00Z"}, "an expired proof"),
    }
    for name, (options, what) in misuse.items():
        signed = sign(unsigned, issuer.signer, suite="eddsa-rdfc-2022", options=options)
        run.write(name, signed, role="credential", format="ob3", suite="eddsa-rdfc-2022",
                  expect="invalid")  # fmt: skip
        run.say(f"   {name}: a valid signature, {what}")
