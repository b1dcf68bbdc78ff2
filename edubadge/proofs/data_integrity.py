"""The Data Integrity host: add and verify proofs, proof sets and proof chains (VC DI 1.0).

Suites only declare their steps (`suite.Cryptosuite`); everything they share lives here.
The caller's document is never mutated: a proof is added to a copy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..errors import EdubadgeError, ProofError
from ..jsonld.loader import DocumentLoader, default_loader
from ..keys.resolve import VerificationMethod, resolve_verification_method
from ..keys.signer import Signer
from .registry import get_suite
from .suite import Cryptosuite

_DATETIME = re.compile(
    r"^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)"
    r"(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)
_OPTION_NAMES = frozenset(
    {
        "id",
        "type",
        "cryptosuite",
        "created",
        "expires",
        "verificationMethod",
        "proofPurpose",
        "previousProof",
        "challenge",
        "domain",
        "nonce",
    }
)


def now_utc() -> str:
    """The current time as an XML Schema dateTime in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_datetime(value: object, *, what: str) -> datetime:
    """An XML Schema dateTime with a time zone; anything else is a `ProofError`."""
    if not isinstance(value, str) or not _DATETIME.match(value):
        raise ProofError(f"{what} is not an XML Schema dateTime with a time zone: {value!r}")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ProofError(f"{what} is not a valid date and time: {value!r}") from None


def proofs_of(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The document's proofs as a list (a single proof object counts as a set of one)."""
    proof = document.get("proof")
    if proof is None:
        return []
    proofs = proof if isinstance(proof, list) else [proof]
    if not all(isinstance(p, dict) for p in proofs):
        raise ProofError("proof must be an object or an array of objects", path="$.proof")
    return proofs


def _previous(proof: Mapping[str, Any], proofs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The proofs that `proof` chains to through `previousProof` (empty when it chains to none)."""
    reference = proof.get("previousProof")
    if reference is None:
        return []
    ids = [reference] if isinstance(reference, str) else reference
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise ProofError("previousProof must be a proof id or a list of proof ids")
    chained = []
    for proof_id in ids:
        matches = [p for p in proofs if p.get("id") == proof_id and p is not proof]
        if len(matches) != 1:
            raise ProofError(f"previousProof {proof_id!r} does not name exactly one other proof")
        chained.append(matches[0])
    return chained


def _unsecured(document: Mapping[str, Any], chained: list[dict[str, Any]]) -> dict[str, Any]:
    # A view, not a copy: canonicalisation and safe mode only read it, and callers only
    # replace its top-level entries.
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if chained:
        unsecured["proof"] = list(chained)
    return unsecured


def _copy(value: Any) -> Any:
    """A deep copy of a JSON value (much faster than copy.deepcopy on JSON)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _proof_config(proof: Mapping[str, Any], unsecured: Mapping[str, Any]) -> dict[str, Any]:
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in unsecured:
        config["@context"] = _copy(unsecured["@context"])
    return config


def add_proof(
    document: Mapping[str, Any],
    signer: Signer,
    *,
    suite: str,
    options: Mapping[str, Any] | None = None,
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """A copy of `document` with a new Data Integrity proof (added to a proof set if one exists).

    `options` are the proof options: `created` (default now), `verificationMethod` (default
    the signer's id), `proofPurpose` (default "assertionMethod"), `previousProof`, `id`,
    `expires`, `challenge`, `domain`, `nonce`.
    """
    if not isinstance(document, Mapping):
        raise ProofError("only a JSON object can be signed")
    cryptosuite = get_suite(suite)
    loader = loader or default_loader()
    if signer.algorithm not in cryptosuite.key_algorithms:
        raise ProofError(
            f"a {signer.algorithm} key cannot sign with {cryptosuite.name}",
            hint=f"{cryptosuite.name} takes {', '.join(cryptosuite.key_algorithms)} keys",
        )
    options = dict(options or {})
    unknown = set(options) - _OPTION_NAMES
    if unknown:
        raise ProofError(f"unknown proof options: {', '.join(sorted(unknown))}")
    for name, expected in (("type", cryptosuite.proof_type), ("cryptosuite", cryptosuite.name)):
        if options.get(name, expected) != expected:
            raise ProofError(f"proof option {name} must be {expected!r} for {cryptosuite.name}")
    proof: dict[str, Any] = {
        "type": cryptosuite.proof_type,
        "cryptosuite": cryptosuite.name,
        "created": now_utc(),
        "verificationMethod": signer.id,
        "proofPurpose": "assertionMethod",
    }
    proof.update(options)
    for name in ("created", "expires"):
        if name in proof:
            parse_datetime(proof[name], what=f"proof option {name}")
    existing = proofs_of(document)
    unsecured = _unsecured(document, _previous(proof, existing))
    config = _proof_config(proof, unsecured)
    data = _hash_data(cryptosuite, unsecured, config, loader)
    if cryptosuite.proof_carries_context and "@context" in config:
        proof["@context"] = config["@context"]
    proof["proofValue"] = cryptosuite.sign(data, signer)
    secured = {k: _copy(v) for k, v in document.items() if k != "proof"}
    secured["proof"] = [*_copy(existing), proof] if existing else proof
    return secured


def _hash_data(
    suite: Cryptosuite, unsecured: dict[str, Any], config: dict[str, Any], loader: DocumentLoader
) -> bytes:
    suite.check_terms(unsecured, loader)
    return suite.hash_data(unsecured, config, loader)


@dataclass(frozen=True)
class ProofOutcome:
    """What verifying one proof of a set found."""

    index: int
    cryptosuite: str | None
    verification_method: str | None
    controller: str | None
    error: EdubadgeError | None

    @property
    def verified(self) -> bool:
        """True when this proof verified."""
        return self.error is None


def verify_proof(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    *,
    loader: DocumentLoader | None = None,
    purpose: str = "assertionMethod",
    now: datetime | None = None,
) -> VerificationMethod:
    """Verify one proof of `document`; return its verification method, raise why not otherwise."""
    loader = loader or default_loader()
    if proof.get("type") != "DataIntegrityProof":
        raise ProofError(f"unsupported proof type {proof.get('type')!r}")
    cryptosuite = get_suite(proof.get("cryptosuite"))  # type: ignore[arg-type]
    if proof.get("proofPurpose") != purpose:
        raise ProofError(f"proofPurpose is {proof.get('proofPurpose')!r}, expected {purpose!r}")
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str):
        raise ProofError("proof has no proofValue string")
    if "created" in proof:
        parse_datetime(proof["created"], what="proof created")
    if "expires" in proof:
        expires = parse_datetime(proof["expires"], what="proof expires")
        if expires <= (now or datetime.now(UTC)):
            raise ProofError(f"proof expired at {proof['expires']}")
    unsecured = _unsecured(document, _previous(proof, proofs_of(document)))
    if cryptosuite.proof_carries_context and "@context" in unsecured and "@context" not in proof:
        # Every issuer of this suite writes it; a proof without it was edited after signing.
        raise ProofError(f"a {cryptosuite.name} proof must carry the document's @context")
    if "@context" in proof:
        # The proof's context must be the document's, or a prefix of it, in order.
        context = proof["@context"]
        doc_context = unsecured.get("@context")
        ours = context if isinstance(context, list) else [context]
        theirs = doc_context if isinstance(doc_context, list) else [doc_context]
        if theirs[: len(ours)] != ours:
            raise ProofError("the proof's @context does not match the document's @context")
        unsecured["@context"] = context
    method = resolve_verification_method(
        str(proof.get("verificationMethod")), loader, purpose=purpose
    )
    if method.key.algorithm not in cryptosuite.key_algorithms:
        raise ProofError(f"a {method.key.algorithm} key cannot verify {cryptosuite.name}")
    data = _hash_data(cryptosuite, unsecured, _proof_config(proof, unsecured), loader)
    if not cryptosuite.verify(data, proof_value, method.key):
        raise ProofError(
            "the signature does not match the document",
            hint="the credential was changed or signed with another key",
        )
    return method


def verify_proofs(
    document: Mapping[str, Any],
    *,
    loader: DocumentLoader | None = None,
    purpose: str = "assertionMethod",
    now: datetime | None = None,
) -> list[ProofOutcome]:
    """Verify every proof of a proof set (and chain); each gets an outcome, none raises."""
    outcomes = []
    for index, proof in enumerate(proofs_of(document)):
        suite_name = proof.get("cryptosuite")
        vm = proof.get("verificationMethod")
        try:
            method = verify_proof(document, proof, loader=loader, purpose=purpose, now=now)
        except EdubadgeError as error:
            outcomes.append(ProofOutcome(index, suite_name, vm, None, error))
        else:
            outcomes.append(ProofOutcome(index, suite_name, method.id, method.controller, None))
    return outcomes
