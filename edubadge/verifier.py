"""Verification as a pipeline of named checks; it never raises for bad input.

Each check has a stable id (`parse`, `context`, `data-model`, `proof`, `issuer-key`,
`validity`), and the result lists every check with its outcome and its problems as VC 2.0
ProblemDetails. `verified` is true only when no check failed and the proof check passed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .bake import image_kind, unbake
from .datamodel import (
    VC1_CONTEXT,
    context_problems,
    contexts_of,
    credential_problems,
    inline_contexts,
    parse_datetime_stamp,
    types_of,
)
from .errors import EdubadgeError, InputError, JsonLdError, ProofError, VerificationMethodError
from .jsonld.loader import DocumentLoader, default_loader
from .parsing import MAX_DOCUMENT_BYTES, check_limits, parse_json
from .problems import Check, Problem
from .proofs.data_integrity import ProofOutcome, proofs_of, verify_proofs

CHECK_IDS = ("parse", "context", "data-model", "proof", "issuer-key", "validity")
OB3_CURRENT_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


@dataclass
class VerificationResult:
    """Every check that ran, its outcome and problems; `verified` when all passed."""

    checks: list[Check]
    document: dict[str, Any] | None = None

    @property
    def verified(self) -> bool:
        """True when no check failed and a proof verified (a skipped check is not a failure)."""
        proof = [c for c in self.checks if c.id == "proof"]
        return bool(proof) and proof[0].passed and all(c.outcome != "failed" for c in self.checks)

    @property
    def problems(self) -> list[Problem]:
        """Every problem of every check."""
        return [p for c in self.checks for p in c.problems]

    @property
    def warnings(self) -> list[str]:
        """Every warning of every check (they do not fail verification)."""
        return [w for c in self.checks for w in c.warnings]

    def check(self, check_id: str) -> Check:
        """The check with this id."""
        for c in self.checks:
            if c.id == check_id:
                return c
        raise KeyError(check_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: verified, checks, problems, warnings, and who/what was verified."""
        data: dict[str, Any] = {
            "verified": self.verified,
            "checks": [c.to_dict() for c in self.checks],
            "problems": [p.to_dict() for p in self.problems],
            "warnings": self.warnings,
        }
        if self.document is not None:
            issuer = self.document.get("issuer")
            data["credential"] = {
                "id": self.document.get("id"),
                "type": self.document.get("type"),
                "issuer": issuer.get("id") if isinstance(issuer, dict) else issuer,
            }
        return data


@dataclass
class _State:
    """What the checks share while one verification runs."""

    raw: Any
    loader: DocumentLoader
    now: datetime
    purpose: str
    issuer_binding: bool
    allow_inline_contexts: bool
    what: str = "credential"  # or "presentation": the parse, context and proof checks are shared
    document: dict[str, Any] | None = None
    proof_outcomes: list[ProofOutcome] = field(default_factory=list)


def _parse(state: _State, check: Check) -> None:
    raw = state.raw
    try:
        if isinstance(raw, os.PathLike):
            raw = Path(raw).read_bytes()
        if isinstance(raw, (bytes, bytearray)) and (kind := image_kind(bytes(raw))):
            raw = unbake(bytes(raw))
            check.detail = f"unbaked from a {kind.upper()} image"
        if isinstance(raw, (str, bytes, bytearray)):
            raw = parse_json(bytes(raw) if isinstance(raw, bytearray) else raw, what=state.what)
        elif isinstance(raw, dict):
            check_limits(raw)
            if len(json.dumps(raw).encode("utf-8", "surrogatepass")) > MAX_DOCUMENT_BYTES:
                raise InputError(f"{state.what} is larger than {MAX_DOCUMENT_BYTES} bytes")
        else:
            raise InputError(f"cannot verify a {type(raw).__name__}")
    except (InputError, OSError, TypeError, ValueError) as error:
        message = error.message if isinstance(error, EdubadgeError) else str(error)
        check.fail("PARSING_ERROR", message)
        return
    if not isinstance(raw, dict):
        check.fail("PARSING_ERROR", f"a {state.what} is a JSON object")
        return
    state.document = raw


def _context(state: _State, check: Check) -> None:
    document = state.document
    assert document is not None
    for path, message in context_problems(document):
        check.fail("MALFORMED_VALUE_ERROR", f"@context {message}", path)
    for i, url in enumerate(contexts_of(document)):
        if isinstance(url, str) and url not in state.loader:
            check.fail(
                "MALFORMED_VALUE_ERROR",
                f"unknown context {url!r}: edubadge never fetches contexts; "
                "register it with DocumentLoader(extra=...)",
                f"$['@context'][{i}]",
            )
    if not state.allow_inline_contexts:
        for path in inline_contexts(document):
            check.fail(
                "MALFORMED_VALUE_ERROR",
                f"{path} is an inline context: it can give the signed data a meaning its JSON "
                "does not show; publish it at a URL and register it, or allow inline contexts",
                path,
            )
    contexts = contexts_of(document)
    if contexts[:1] == [VC1_CONTEXT]:
        check.warnings.append("uses the VC Data Model 1.1 context (legacy); VC 2.0 is current")
    for url in contexts:
        if isinstance(url, str) and "/ob/v3p0/context" in url and url != OB3_CURRENT_CONTEXT:
            check.warnings.append(
                f"uses Open Badges context {url}; the current one is {OB3_CURRENT_CONTEXT}"
            )


def _data_model(state: _State, check: Check) -> None:
    assert state.document is not None
    if "VerifiablePresentation" in types_of(state.document):
        check.fail(
            "MALFORMED_VALUE_ERROR",
            "this is a presentation, not a credential: verify it with verify_presentation(), "
            "giving the challenge and domain you expect",
            "$.type",
        )
        return
    for path, message in credential_problems(state.document):
        check.fail("MALFORMED_VALUE_ERROR", f"{path} {message}", path)


def _problem_kind(error: EdubadgeError) -> str:
    if isinstance(error, JsonLdError):
        return "PROOF_TRANSFORMATION_ERROR"
    if isinstance(error, (ProofError, VerificationMethodError)):
        return "PROOF_VERIFICATION_ERROR"
    return "PROOF_VERIFICATION_ERROR"


def _proof(state: _State, check: Check) -> None:
    assert state.document is not None
    try:
        proofs = proofs_of(state.document)
    except ProofError as error:
        check.fail("PROOF_VERIFICATION_ERROR", error.message, error.path)
        return
    if not proofs:
        check.fail("PROOF_VERIFICATION_ERROR", f"the {state.what} has no proof: it is not signed")
        return
    state.proof_outcomes = verify_proofs(
        state.document, loader=state.loader, purpose=state.purpose, now=state.now
    )
    for outcome in state.proof_outcomes:
        check.warnings.extend(outcome.warnings)
        if outcome.error is not None:
            failure = outcome.error
            check.fail(_problem_kind(failure), f"proof {outcome.index}: {failure}", failure.path)
    verified = [o for o in state.proof_outcomes if o.verified]
    if verified and check.passed:
        check.detail = ", ".join(f"{o.cryptosuite} by {o.verification_method}" for o in verified)


def _issuer_key(state: _State, check: Check) -> None:
    assert state.document is not None
    if not state.issuer_binding:
        check.outcome = "skipped"
        check.detail = "not asked (issuer_binding=False)"
        return
    verified = [o for o in state.proof_outcomes if o.verified]
    if not verified:
        check.outcome = "skipped"
        check.detail = "no proof verified"
        return
    issuer = state.document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    for outcome in verified:
        if outcome.controller != issuer_id:
            check.fail(
                "ISSUER_KEY_MISMATCH",
                f"proof {outcome.index} was made with a key controlled by {outcome.controller!r}, "
                f"not by the issuer {issuer_id!r}",
                f"$.proof[{outcome.index}].verificationMethod",
            )


def _validity(state: _State, check: Check) -> None:
    document = state.document
    assert document is not None
    legacy = contexts_of(document)[:1] == [VC1_CONTEXT]
    start_name, end_name = (
        ("issuanceDate", "expirationDate") if legacy else ("validFrom", "validUntil")
    )
    start = parse_datetime_stamp(document.get(start_name))
    end = parse_datetime_stamp(document.get(end_name))
    if start is not None and state.now < start:
        check.fail("NOT_YET_VALID", f"valid only from {document[start_name]}", f"$.{start_name}")
    if end is not None and state.now > end:
        check.fail("EXPIRED", f"expired at {document[end_name]}", f"$.{end_name}")
    if check.passed:
        check.detail = f"valid at {state.now.isoformat()}"


Pipeline = tuple[tuple[str, Callable[[_State, Check], None]], ...]
_PIPELINE: Pipeline = (
    ("context", _context),
    ("data-model", _data_model),
    ("proof", _proof),
    ("issuer-key", _issuer_key),
    ("validity", _validity),
)


def verify(
    credential: dict[str, Any] | str | bytes | os.PathLike[str],
    *,
    loader: DocumentLoader | None = None,
    now: datetime | None = None,
    purpose: str = "assertionMethod",
    issuer_binding: bool = True,
    allow_inline_contexts: bool = False,
) -> VerificationResult:
    """Verify a credential (a dict, JSON text or bytes, or a file path) and report every check.

    `issuer_binding` requires each proof's key to be controlled by the credential's issuer;
    turn it off only to check a proof alone (as the W3C cryptosuite vectors do). Contexts
    given inline (objects in `@context`, or `@context` below the top) are refused unless
    `allow_inline_contexts`: they can change what the signed quads mean without the JSON
    showing it.
    """
    state = _State(
        raw=credential,
        loader=loader or default_loader(),
        now=now or datetime.now(UTC),
        purpose=purpose,
        issuer_binding=issuer_binding,
        allow_inline_contexts=allow_inline_contexts,
    )
    return VerificationResult(run_checks(state, _PIPELINE), state.document)


def run_checks(state: _State, pipeline: Pipeline) -> list[Check]:
    """Parse the input, then run every check of the pipeline (skipped if parsing failed)."""
    checks = [Check("parse")]
    _parse(state, checks[0])
    for check_id, run in pipeline:
        check = Check(check_id)
        checks.append(check)
        if state.document is None:
            check.outcome = "skipped"
            check.detail = "the input could not be parsed"
            continue
        try:
            run(state, check)
        except EdubadgeError as error:  # a check's own guard: report, never raise
            check.fail("MALFORMED_VALUE_ERROR", str(error))
    return checks
