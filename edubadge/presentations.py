"""Verifiable presentations secured with Data Integrity: a holder presents, a verifier checks.

The holder signs with the `authentication` purpose, binding the presentation to the
verifier's `challenge` (a fresh nonce) and `domain` (who it is for): a presentation captured
and replayed elsewhere fails. `verify_presentation` runs named checks like `verify()` does
(`parse`, `context`, `data-model`, `proof`, `holder`, `challenge`, `credentials`) and verifies
every credential inside with `verify()`, each with its own result.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from .datamodel import ENVELOPED_CREDENTIAL, VC2_CONTEXT, as_list, presentation_problems, types_of
from .errors import InvalidFieldsError, ProofError
from .issuer import DEFAULT_SUITE
from .jsonld.loader import DocumentLoader, default_loader
from .keys.signer import Signer
from .net.fetcher import Fetcher, memoized
from .problems import Check
from .proofs.data_integrity import add_proof, proofs_of
from .status.check import StatusResolver
from .verifier import (
    Pipeline,
    VerificationResult,
    _context,
    _envelope,
    _parse,
    _proof,
    _State,
    run_checks,
    status_resolver,
    verify,
)

AUTHENTICATION = "authentication"


def present(
    credentials: Sequence[Mapping[str, Any]],
    signer: Signer,
    *,
    challenge: str,
    domain: str,
    suite: str = DEFAULT_SUITE,
    holder: str | None = None,
    id: str | None = None,
    loader: DocumentLoader | None = None,
    options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A presentation of `credentials`, signed by the holder for one verifier's challenge.

    `holder` defaults to the controller of the signer's key (so a verifier can check that the
    holder signed). `options` are further proof options (`created`, `expires`...).
    """
    if not isinstance(challenge, str) or not challenge:
        raise ProofError("a presentation needs the verifier's challenge (a non-empty string)")
    if not isinstance(domain, str) or not domain:
        raise ProofError("a presentation needs the verifier's domain (a non-empty string)")
    presentation: dict[str, Any] = {"@context": [VC2_CONTEXT], "type": ["VerifiablePresentation"]}
    if id is not None:
        presentation["id"] = id
    presentation["holder"] = holder or signer.id.split("#", 1)[0]
    presentation["verifiableCredential"] = [
        copy.deepcopy(dict(c)) if isinstance(c, Mapping) else c for c in credentials
    ]
    problems = presentation_problems(presentation)
    if problems:
        raise InvalidFieldsError("presentation", problems)
    proof_options = {
        **dict(options or {}),
        "proofPurpose": AUTHENTICATION,
        "challenge": challenge,
        "domain": domain,
    }
    return add_proof(presentation, signer, suite=suite, options=proof_options, loader=loader)


@dataclass
class PresentationResult(VerificationResult):
    """The presentation's checks, and each presented credential's own verification result."""

    credentials: list[VerificationResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: verified, checks, problems, warnings, the holder and every credential."""
        data = super().to_dict()
        data.pop("credential", None)
        if self.document is not None:
            holder = self.document.get("holder")
            data["presentation"] = {
                "id": self.document.get("id"),
                "holder": holder.get("id") if isinstance(holder, dict) else holder,
            }
        data["credentials"] = [result.to_dict() for result in self.credentials]
        return data


@dataclass
class _Presentation(_State):
    challenge_optional: bool = False  # check_presentation: None means the verifier gave none
    domain: str | None = None
    credential_results: list[VerificationResult] = field(default_factory=list)


def holder_id(document: Mapping[str, Any]) -> str | None:
    """The presentation's holder (a URL, or an object with an id), or None."""
    holder = document.get("holder")
    value = holder.get("id") if isinstance(holder, dict) else holder
    return value if isinstance(value, str) else None


def _data_model(state: _State, check: Check) -> None:
    assert state.document is not None
    for path, message in presentation_problems(state.document):
        check.fail("MALFORMED_VALUE_ERROR", f"{path} {message}", path)


def _holder(state: _State, check: Check) -> None:
    assert state.document is not None
    holder = holder_id(state.document)
    verified = [o for o in state.proof_outcomes if o.verified]
    if holder is None:
        check.outcome = "skipped"
        check.detail = "the presentation names no holder"
    elif not verified:
        check.outcome = "skipped"
        check.detail = "no proof verified"
    for outcome in verified if holder else []:
        if outcome.controller != holder:
            check.fail(
                "HOLDER_KEY_MISMATCH",
                f"proof {outcome.index} was made with a key controlled by {outcome.controller!r}, "
                f"not by the holder {holder!r}",
                f"$.proof[{outcome.index}].verificationMethod",
            )
    if check.passed:
        check.detail = f"signed by its holder {holder}"


def _challenge(state: _State, check: Check) -> None:
    assert isinstance(state, _Presentation) and state.document is not None
    if state.challenge is None and not state.challenge_optional:
        check.fail("INVALID_CHALLENGE_ERROR", "no challenge given to check the presentation with")
        return
    if state.challenge is None:
        check.outcome = "skipped"
        check.detail = "no challenge given: a replayed presentation is not detected"
        check.warnings.append(
            "the verifier gave no challenge: the holder's proof is checked, not its freshness"
        )
        return
    proofs = proofs_of(state.document)
    if not proofs:
        how = "its JWS carries no Data Integrity proof" if state.envelope else "it has no proof"
        check.fail(
            "INVALID_CHALLENGE_ERROR",
            f"nothing in the presentation answers the challenge: {how}",
            "$.proof",
        )
    for index, proof in enumerate(proofs):
        where = f"$.proof[{index}]"
        if proof.get("challenge") != state.challenge:
            found = proof.get("challenge")
            check.fail(
                "INVALID_CHALLENGE_ERROR",
                f"proof {index} answers challenge {found!r}, not the expected {state.challenge!r}: "
                "a replayed or stale presentation",
                f"{where}.challenge",
            )
        domains = as_list(proof.get("domain"))
        if state.domain is not None and state.domain not in domains:
            check.fail(
                "INVALID_DOMAIN_ERROR",
                f"proof {index} is for domain {proof.get('domain')!r}, not {state.domain!r}: "
                "a presentation made for another verifier",
                f"{where}.domain",
            )
    if check.passed:
        check.detail = f"challenge {state.challenge!r}" + (
            f", domain {state.domain!r}" if state.domain is not None else ""
        )


def _self_asserted(
    result: VerificationResult, credential: Mapping[str, Any], holder: str | None, state: _State
) -> str | None:
    """Why a credential with no proof of its own is not acceptable (None: it is)."""
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if holder is None:
        return "it has no proof and the presentation names no holder to have asserted it"
    if issuer_id != holder:
        return (
            f"it has no proof of its own, so it is secured only by the presentation: "
            f"its issuer {issuer_id!r} must be the holder {holder!r}"
        )
    if not any(o.verified and o.controller == holder for o in state.proof_outcomes):
        return "it is self-asserted, but no proof by its holder verified"
    for check in result.checks:
        if check.id == "proof":
            check.outcome, check.problems = "passed", []
            check.detail = "self-asserted: secured by the holder's proof of the presentation"
        elif check.id == "issuer-key":
            check.outcome, check.detail = "passed", "the issuer is the holder"
    return None


def _enveloped(credential: Mapping[str, Any], state: _State) -> VerificationResult:
    """Verify the credential inside an EnvelopedVerifiableCredential's `data:` URL."""
    _, _, payload = str(credential.get("id", "")).partition(",")
    return verify(
        unquote(payload),
        loader=state.loader,
        now=state.now,
        allow_inline_contexts=state.allow_inline_contexts,
        fetcher=state.fetcher,
        status_lists=state.status,
    )


def _credentials(state: _State, check: Check) -> None:
    assert isinstance(state, _Presentation) and state.document is not None
    holder = holder_id(state.document)
    items = as_list(state.document.get("verifiableCredential"))
    for index, credential in enumerate(items):
        where = f"$.verifiableCredential[{index}]"
        if not isinstance(credential, dict):
            check.fail("CREDENTIAL_NOT_VERIFIED", f"credential {index} is not an object", where)
            continue
        if ENVELOPED_CREDENTIAL in types_of(credential):
            result = _enveloped(credential, state)
        else:
            result = verify(
                credential,
                loader=state.loader,
                now=state.now,
                allow_inline_contexts=state.allow_inline_contexts,
                fetcher=state.fetcher,
                status_lists=state.status,
            )
            if "proof" not in credential:
                reason = _self_asserted(result, credential, holder, state)
                if reason:
                    state.credential_results.append(result)
                    check.fail("CREDENTIAL_NOT_VERIFIED", f"credential {index}: {reason}", where)
                    continue
        state.credential_results.append(result)
        if not result.verified:
            first = result.problems[0].detail if result.problems else "not verified"
            name = str(credential.get("id", f"#{index}"))
            if name.startswith("data:"):
                name = "enveloped " + name.partition(",")[0].removeprefix("data:")
            check.fail("CREDENTIAL_NOT_VERIFIED", f"credential {index} ({name}): {first}", where)
    if check.passed:
        check.detail = f"{len(items)} credential(s), every one verified"


_OWN_CHECKS: Pipeline = (
    ("envelope", _envelope),
    ("context", _context),
    ("data-model", _data_model),
    ("proof", _proof),
    ("holder", _holder),
    ("challenge", _challenge),
)
_PIPELINE: Pipeline = (*_OWN_CHECKS, ("credentials", _credentials))


def verify_presentation(
    presentation: dict[str, Any] | str | bytes | os.PathLike[str],
    *,
    challenge: str,
    domain: str | None,
    loader: DocumentLoader | None = None,
    now: datetime | None = None,
    allow_inline_contexts: bool = False,
    status_lists: Mapping[str, Any] | StatusResolver | None = None,
    fetcher: Fetcher | None = None,
) -> PresentationResult:
    """Verify a presentation for the `challenge` and `domain` this verifier issued.

    The holder's proof must verify for `authentication`, answer exactly this `challenge`, and
    name this `domain` (pass None only if you do not bind presentations to a domain). Every
    credential inside is verified with `verify()`; a credential without a proof of its own
    is accepted only as self-asserted: issued by the holder who signed the presentation.
    Each credential's status is checked as `verify()` does, against `status_lists` (and
    lists fetched with `fetcher`). Nothing is fetched unless a `fetcher` is passed (for
    did:web keys and status lists). Never raises for bad input.
    """
    return _run(
        presentation,
        _PIPELINE,
        challenge=challenge,
        domain=domain,
        loader=loader,
        now=now,
        allow_inline_contexts=allow_inline_contexts,
        status_lists=status_lists,
        fetcher=fetcher,
    )


def check_presentation(
    presentation: dict[str, Any] | str | bytes | os.PathLike[str],
    *,
    challenge: str | None,
    domain: str | None,
    loader: DocumentLoader | None = None,
    now: datetime | None = None,
    allow_inline_contexts: bool = False,
    fetcher: Fetcher | None = None,
) -> PresentationResult:
    """The presentation's own checks (`parse` to `challenge`), not its credentials': what a
    caller that verifies the credentials itself (a stack's components) must know before
    trusting them. `challenge=None` (the verifier gave none) skips the challenge check with a
    warning; the proof and its holder are checked all the same. Never raises for bad input.
    """
    return _run(
        presentation,
        _OWN_CHECKS,
        challenge=challenge,
        domain=domain,
        loader=loader,
        now=now,
        allow_inline_contexts=allow_inline_contexts,
        status_lists=None,
        fetcher=fetcher,
        challenge_optional=True,
    )


def _run(
    presentation: Any,
    pipeline: Pipeline,
    *,
    challenge: str | None,
    domain: str | None,
    loader: DocumentLoader | None,
    now: datetime | None,
    allow_inline_contexts: bool,
    status_lists: Mapping[str, Any] | StatusResolver | None,
    fetcher: Fetcher | None,
    challenge_optional: bool = False,
) -> PresentationResult:
    loader = loader or default_loader()
    fetcher = None if fetcher is None else memoized(fetcher)
    state = _Presentation(
        raw=presentation,
        loader=loader,
        now=now or datetime.now(UTC),
        purpose=AUTHENTICATION,
        issuer_binding=False,
        allow_inline_contexts=allow_inline_contexts,
        what="presentation",
        fetcher=fetcher,
        status=status_resolver(status_lists, fetcher, loader),
        challenge=challenge,
        challenge_optional=challenge_optional,
        domain=domain,
    )
    checks = [Check("parse")]
    _parse(state, checks[0])
    checks += run_checks(state, pipeline)
    return PresentationResult(checks, state.document, credentials=state.credential_results)
