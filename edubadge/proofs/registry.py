"""The cryptosuite registry: a suite is one module and one entry here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ProofError, UnknownSuiteError
from .ecdsa_jcs_2019 import EcdsaJcs2019
from .ecdsa_rdfc_2019 import EcdsaRdfc2019
from .ecdsa_sd_2023 import EcdsaSd2023
from .ed25519_signature_2020 import Ed25519Signature2020
from .eddsa_jcs_2022 import EddsaJcs2022
from .eddsa_rdfc_2022 import Eddsa2022, EddsaRdfc2022
from .suite import DATA_INTEGRITY_PROOF, Cryptosuite

_SUITES: dict[str, Cryptosuite] = {}


def register(suite: Cryptosuite) -> None:
    """Add a suite (replacing one of the same name)."""
    _SUITES[suite.name] = suite


def get_suite(name: str) -> Cryptosuite:
    """The suite registered under `name`."""
    try:
        return _SUITES[name]
    except (KeyError, TypeError):
        raise UnknownSuiteError(str(name), list(_SUITES)) from None


def suite_for_proof(proof: Mapping[str, Any]) -> Cryptosuite:
    """The suite a proof names: by `cryptosuite` for a DataIntegrityProof, else by its `type`."""
    proof_type = proof.get("type")
    if proof_type == DATA_INTEGRITY_PROOF:
        return get_suite(proof.get("cryptosuite"))  # type: ignore[arg-type]
    for suite in _SUITES.values():
        if suite.cryptosuite is None and suite.proof_type == proof_type:
            return suite
    raise ProofError(f"unsupported proof type {proof_type!r}")


def suite_names() -> list[str]:
    """Names of every suite that signs (legacy names kept only for verifying are left out)."""
    return sorted(name for name, suite in _SUITES.items() if suite.deprecated is None)


for _suite in (
    EddsaRdfc2022(),
    EddsaJcs2022(),
    EcdsaRdfc2019(),
    EcdsaJcs2019(),
    EcdsaSd2023(),
    Ed25519Signature2020(),
    Eddsa2022(),
):
    register(_suite)
