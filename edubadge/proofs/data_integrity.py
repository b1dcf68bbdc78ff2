"""The Data Integrity host: add and verify proofs, proof sets and proof chains (VC DI 1.0).

Suites only declare their steps (`suite.Cryptosuite`); everything they share lives here.
The caller's document is never mutated: a proof is added to a copy.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..errors import EdubadgeError, ProofError
from ..jsonld.loader import DocumentLoader, default_loader
from ..jsonld.shapes import copy_json
from ..keys.resolve import VerificationMethod, resolve_verification_method
from ..keys.signer import Signer
from ..net.fetcher import Fetcher
from .registry import get_suite, suite_for_proof
from .suite import Cryptosuite

_DATETIME = re.compile(
    r"^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)"
    r"(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)
# Contexts that define only proof terms: they may follow the contexts a JCS proof signed.
PROOF_CONTEXTS = frozenset(
    {
        "https://w3id.org/security/data-integrity/v1",
        "https://w3id.org/security/data-integrity/v2",
    }
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


_CLOCK: tuple[int, str] = (0, "")  # the last second asked for, written out


def now_utc() -> str:
    """The current time as an XML Schema dateTime in UTC, to the second."""
    global _CLOCK
    second = int(time.time())
    if _CLOCK[0] != second:
        _CLOCK = (second, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second)))
    return _CLOCK[1]


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
    unsecured = _without(document, "proof")
    if chained:
        unsecured["proof"] = list(chained)
    return unsecured


def _without(mapping: Mapping[str, Any], key: str) -> dict[str, Any]:
    """A shallow copy of `mapping` without `key`."""
    copy = dict(mapping)
    copy.pop(key, None)
    return copy


def _proof_config(proof: Mapping[str, Any], unsecured: Mapping[str, Any]) -> dict[str, Any]:
    config = _without(proof, "proofValue")
    if "@context" in unsecured:
        config["@context"] = copy_json(unsecured["@context"])
    return config


def _with_suite_context(document: Mapping[str, Any], suite: Cryptosuite) -> Mapping[str, Any]:
    """The document, its @context extended by the context defining the proof's terms if missing."""
    context = document.get("@context")
    if context is None:
        return document  # nothing to extend: safe mode refuses the undefined terms
    contexts = context if isinstance(context, list) else [context]
    missing = suite.missing_context(contexts)
    return document if missing is None else {**document, "@context": [*contexts, missing]}


def _apply_options(
    proof: dict[str, Any], options: Mapping[str, Any], cryptosuite: Cryptosuite
) -> dict[str, Any]:
    """Checks the proof options and writes them into `proof`; returns the suite's own options."""
    options = dict(options)
    unknown = set(options) - _OPTION_NAMES - cryptosuite.option_names
    if unknown:
        raise ProofError(f"unknown proof options: {', '.join(sorted(unknown))}")
    suite_options = {k: options.pop(k) for k in cryptosuite.option_names if k in options}
    proof_type, suite_name = cryptosuite.proof_type, cryptosuite.cryptosuite
    if options.get("type", proof_type) != proof_type:
        raise ProofError(f"proof option type must be {proof_type!r}")
    if options.get("cryptosuite", suite_name) != suite_name:
        raise ProofError(
            f"proof option cryptosuite must be {suite_name!r}"
            if suite_name
            else f"a {proof_type} proof has no cryptosuite"
        )
    for name in ("created", "expires"):
        if name in options:
            parse_datetime(options[name], what=f"proof option {name}")
    proof.update(options)
    return suite_options


def add_proof(
    document: Mapping[str, Any],
    signer: Signer,
    *,
    suite: str | Cryptosuite,
    options: Mapping[str, Any] | None = None,
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """A copy of `document` with a new Data Integrity proof (added to a proof set if one exists).

    `suite` is a registered name (or a `Cryptosuite` instance). `options` are the proof
    options: `created` (default now), `verificationMethod` (default the signer's id),
    `proofPurpose` (default "assertionMethod"), `previousProof`, `id`, `expires`,
    `challenge`, `domain`, `nonce`; plus the suite's own options, which shape the proof but
    are not written into it (ecdsa-sd-2023: `mandatoryPointers`). When the document's
    contexts do not define the proof's terms, the defining context is appended to the copy's
    `@context`: Data Integrity v2 for a VC 1.1 document, a legacy suite's own context.
    """
    if not isinstance(document, Mapping):
        raise ProofError("only a JSON object can be signed")
    cryptosuite = suite if isinstance(suite, Cryptosuite) else get_suite(suite)
    if cryptosuite.deprecated:
        raise ProofError(
            f"{cryptosuite.name} is a deprecated name, kept for verifying old proofs",
            hint=f"sign with {cryptosuite.deprecated}",
        )
    if signer.algorithm not in cryptosuite.key_algorithms:
        raise ProofError(
            f"a {signer.algorithm} key cannot sign with {cryptosuite.name}",
            hint=f"{cryptosuite.name} takes {', '.join(cryptosuite.key_algorithms)} keys",
        )
    proof: dict[str, Any] = {"type": cryptosuite.proof_type}
    if cryptosuite.cryptosuite:
        proof["cryptosuite"] = cryptosuite.cryptosuite
    proof["created"] = now_utc()
    proof["verificationMethod"] = signer.id
    proof["proofPurpose"] = "assertionMethod"
    suite_options = _apply_options(proof, options, cryptosuite) if options else {}
    loader = loader or default_loader()
    document = _with_suite_context(document, cryptosuite)
    existing = proofs_of(document)
    chained = _previous(proof, existing)
    # What is signed is a private copy, and is what is returned (so the caller's document
    # itself may go in when there is nothing to take out of it).
    if type(document) is dict and not chained and "proof" not in document:
        view = document
    else:
        view = _unsecured(document, chained)
    unsecured, canonical = cryptosuite.signing_copy(view, loader)
    config = _proof_config(proof, unsecured)
    if cryptosuite.proof_carries_context and "@context" in config:
        proof["@context"] = config["@context"]
    proof["proofValue"] = cryptosuite.create_proof_value(
        unsecured, config, signer, loader, suite_options, canonical=canonical
    )
    secured = _without(unsecured, "proof") if "proof" in unsecured else unsecured
    secured["proof"] = [*copy_json(existing), proof] if existing else proof
    return secured


@dataclass(frozen=True)
class ProofOutcome:
    """What verifying one proof of a set found."""

    index: int
    cryptosuite: str | None
    verification_method: str | None
    controller: str | None
    error: EdubadgeError | None
    warnings: tuple[str, ...] = ()

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
    fetcher: Fetcher | None = None,
) -> VerificationMethod:
    """Verify one proof of `document`; return its verification method, raise why not otherwise.

    Keys resolve offline (did:key, registered documents) unless a `fetcher` is passed.
    """
    loader = loader or default_loader()
    cryptosuite = suite_for_proof(proof)
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
        # The spec lets the document's context go on past the proof's; what follows is not
        # signed, and a context can change what every unprotected term means. Only contexts
        # that define proof terms alone may follow.
        unsigned = [
            c for c in theirs[len(ours) :] if not (isinstance(c, str) and c in PROOF_CONTEXTS)
        ]
        if unsigned:
            raise ProofError(
                f"the document's @context adds {unsigned[0]!r} after the contexts its proof "
                "signed: the signature does not cover it",
                path="$['@context']",
            )
        unsecured["@context"] = context
    method = resolve_verification_method(
        str(proof.get("verificationMethod")), loader, purpose=purpose, fetcher=fetcher
    )
    if method.key.algorithm not in cryptosuite.key_algorithms:
        raise ProofError(f"a {method.key.algorithm} key cannot verify {cryptosuite.name}")
    config = _proof_config(proof, unsecured)
    if not cryptosuite.verify_proof_value(unsecured, config, proof_value, method.key, loader):
        raise ProofError(
            "the signature does not match the document",
            hint="the credential was changed or signed with another key",
        )
    return method


def _warnings(proof: Mapping[str, Any]) -> tuple[str, ...]:
    try:
        suite = suite_for_proof(proof)
    except EdubadgeError:
        return ()
    if suite.deprecated:
        return (f"cryptosuite {suite.name} is deprecated; it is now {suite.deprecated}",)
    return ()


def verify_proofs(
    document: Mapping[str, Any],
    *,
    loader: DocumentLoader | None = None,
    purpose: str = "assertionMethod",
    now: datetime | None = None,
    fetcher: Fetcher | None = None,
) -> list[ProofOutcome]:
    """Verify every proof of a proof set (and chain); each gets an outcome, none raises."""
    outcomes = []
    for index, proof in enumerate(proofs_of(document)):
        suite_name = proof.get("cryptosuite") or proof.get("type")
        vm = proof.get("verificationMethod")
        warnings = _warnings(proof)
        try:
            method = verify_proof(
                document, proof, loader=loader, purpose=purpose, now=now, fetcher=fetcher
            )
        except EdubadgeError as error:
            outcomes.append(ProofOutcome(index, suite_name, vm, None, error, warnings))
        else:
            outcomes.append(
                ProofOutcome(index, suite_name, method.id, method.controller, None, warnings)
            )
    return outcomes


def derive(
    document: Mapping[str, Any],
    selective_pointers: Sequence[str],
    *,
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """A selective disclosure of `document`: what `selective_pointers` (JSON pointers) name,
    plus what its issuer made mandatory, with a derived proof (ecdsa-sd-2023).

    The document must carry exactly one proof of a suite with selective disclosure.
    """
    if not isinstance(document, Mapping):
        raise ProofError("only a JSON object can be derived from")
    if isinstance(selective_pointers, str) or not all(
        isinstance(p, str) for p in selective_pointers
    ):
        raise ProofError("selective pointers are a list of JSON pointer strings")
    derivable = []
    for proof in proofs_of(document):
        suite = suite_for_proof(proof)
        if suite.derivable:
            derivable.append((proof, suite))
    if len(derivable) != 1:
        raise ProofError(
            f"the document has {len(derivable)} proofs that allow selective disclosure, not 1",
            path="$.proof",
            hint="derive from a credential issued with ecdsa-sd-2023",
        )
    proof, suite = derivable[0]
    unsecured = _unsecured(document, [])
    return suite.derive(unsecured, proof, list(selective_pointers), loader or default_loader())
