"""Verification as a pipeline of named checks; it never raises for bad input.

Each check has a stable id (`parse`, `context`, `data-model`, `proof`, `issuer-key`,
`status`, `validity`), and the result lists every check with its outcome and its problems as VC 2.0
ProblemDetails. A JAdES envelope (a sealed Europass EDC) takes `jades-signature`,
`jades-certificate` and `jades-signing-time` in place of `proof` and `issuer-key`.
`verified` is true only when no check failed and the proof (or the seal's signature) passed.

An enveloped credential (a compact JWS) also gets `envelope` right after `parse`: the JWS
header, key and signature, and its claims against the credential inside.

A stack (a credential that pins component credentials) also gets the checks `components`
(each presented component: its own verification, digest, learner, trust) and `stack-rule`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509

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
from .envelopes import jose
from .envelopes.envelope import Envelope, is_jades, parse_envelope
from .envelopes.seal_checks import (
    JADES_CHECK_IDS,
    check_certificate,
    check_signature,
    check_signing_time,
)
from .errors import (
    EdubadgeError,
    InputError,
    InsecureEnvelopeError,
    JsonLdError,
    ProofError,
    UnknownSuiteError,
    VerificationMethodError,
)
from .jsonld.loader import DocumentLoader, default_loader
from .net.fetcher import Fetcher, memoized
from .parsing import load_document, parse_json
from .problems import Check, CheckResults
from .proofs.data_integrity import ProofOutcome, proofs_of, verify_proofs
from .status.check import StatusResolver, StatusResult, check_credential_status

if TYPE_CHECKING:
    from .stacking.rules import ClauseOutcome
    from .stacking.verify import ComponentOutcome, StackReport

CHECK_IDS = ("parse", "context", "data-model", "proof", "issuer-key", "status", "validity")
ENVELOPE_CHECK_IDS = ("envelope",)  # after `parse`, for an enveloped credential (a compact JWS)
STACK_CHECK_IDS = ("components", "stack-rule")
SEALED_CHECK_IDS = ("parse", *JADES_CHECK_IDS, "context", "data-model", "validity")
SECURING_CHECKS = ("proof", "jades-signature")
OB3_CURRENT_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


@dataclass
class VerificationResult(CheckResults):
    """Every check that ran, its outcome and problems; `verified` when all passed."""

    checks: list[Check]
    document: dict[str, Any] | None = None
    components: list[ComponentOutcome] = field(default_factory=list)
    rule: list[ClauseOutcome] = field(default_factory=list)
    statuses: list[StatusResult] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        """True when no check failed and a proof or seal verified (skipped is not failed)."""
        secured = any(c.id in SECURING_CHECKS and c.passed for c in self.checks)
        return secured and all(c.outcome != "failed" for c in self.checks)

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
        if self.statuses:
            data["status"] = [
                {k: v for k, v in vars(s).items() if v is not None} for s in self.statuses
            ]
        if self.components:
            data["components"] = [c.to_dict() for c in self.components]
        if self.rule:
            data["rule"] = [c.to_dict() for c in self.rule]
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
    what: str = "credential"  # or "presentation": parse, context and proof are shared
    components: Sequence[Any] | None = None
    trusted_issuers: Collection[str] | None = None
    learner: Mapping[str, str] | None = None
    challenge: str | None = None  # for presentations holding a stack's components
    domain: str | None = None
    trust_anchors: Sequence[x509.Certificate] = ()
    fetcher: Fetcher | None = None
    status: StatusResolver | None = None
    document: dict[str, Any] | None = None
    seal: Envelope | None = None
    envelope: jose.Jws | None = None
    envelope_outcome: jose.EnvelopeOutcome | None = None
    proof_outcomes: list[ProofOutcome] = field(default_factory=list)
    statuses: list[StatusResult] = field(default_factory=list)
    stack: StackReport | None = None


def _parse(state: _State, check: Check) -> None:
    raw = state.raw
    try:
        if isinstance(raw, os.PathLike):
            raw = Path(raw).read_bytes()
        if isinstance(raw, bytearray):
            raw = bytes(raw)
        if isinstance(raw, bytes) and (kind := image_kind(raw)):
            raw = unbake(raw)
            check.detail = f"unbaked from a {kind.upper()} image"
        if not isinstance(raw, (str, bytes, dict)):
            raise InputError(f"cannot verify a {type(raw).__name__}")
        if isinstance(raw, (str, bytes)) and jose.looks_like_jws(raw):
            state.envelope = jose.parse(raw)
            raw = state.envelope.document
            if state.envelope.legacy:
                check.warnings.append("a VC 1.1 JWT (the credential in a vc claim); legacy")
        else:
            raw = load_document(raw, what=state.what)
    except (InputError, ProofError, OSError) as error:
        message = error.message if isinstance(error, EdubadgeError) else str(error)
        check.fail("PARSING_ERROR", message)
        return
    if not isinstance(raw, dict):
        check.fail("PARSING_ERROR", f"a {state.what} is a JSON object")
        return
    if is_jades(raw):
        _open_envelope(state, check, raw)
        return
    state.document = raw


def _open_envelope(state: _State, check: Check, raw: dict[str, Any]) -> None:
    """A JAdES envelope: its payload is the credential the other checks look at."""
    try:
        envelope = parse_envelope(raw)
        document = parse_json(envelope.payload, what="sealed payload")
    except InputError as error:
        check.fail("PARSING_ERROR", error.message, error.path)
        return
    if not isinstance(document, dict):
        check.fail("PARSING_ERROR", "the sealed payload is not a JSON object", "$.payload")
        return
    state.seal, state.document = envelope, document
    check.detail = "a JAdES envelope; its payload is the credential"


def _envelope(state: _State, check: Check) -> None:
    jws = state.envelope
    assert jws is not None and state.document is not None
    presentation = jws.kind == "presentation"
    owner = jose.claimed_controller(jws)
    try:
        outcome = jose.verify_jws(
            jws,
            loader=state.loader,
            purpose="authentication" if presentation else state.purpose,
            fetcher=state.fetcher,
            controller=owner,
        )
    except InsecureEnvelopeError as error:
        check.fail("CRYPTOGRAPHIC_SECURITY_ERROR", error.message)
        return
    except EdubadgeError as error:
        check.fail("PROOF_VERIFICATION_ERROR", str(error))
        return
    state.envelope_outcome = outcome
    for message, path in jose.claim_problems(jws):
        check.fail("MALFORMED_VALUE_ERROR", message, path)
    signer = outcome.verification_method or "the key in its jwk header"
    check.detail = f"{jose.MEDIA_TYPES[jws.kind]}, {outcome.alg} by {signer}"


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
    if not proofs and state.envelope is not None:
        if state.envelope_outcome is None:
            check.outcome = "skipped"
            check.detail = "secured by a JWS that did not verify"
        else:
            check.detail = "secured by the JWS envelope (see envelope)"
        return
    if not proofs:
        check.fail("PROOF_VERIFICATION_ERROR", f"the {state.what} has no proof: it is not signed")
        return
    state.proof_outcomes = verify_proofs(
        state.document,
        loader=state.loader,
        purpose=state.purpose,
        now=state.now,
        fetcher=state.fetcher,
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
    keys = [
        (o.controller, f"proof {o.index}", f"$.proof[{o.index}].verificationMethod")
        for o in state.proof_outcomes
        if o.verified
    ]
    envelope = state.envelope_outcome
    if envelope is None and not keys:
        check.outcome = "skipped"
        check.detail = "no proof verified"
        return
    issuer = state.document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if envelope is not None and envelope.controller is None:
        check.fail(
            "ISSUER_KEY_MISMATCH",
            f"the JWS key is not tied to the issuer {issuer_id!r}: {envelope.binding_problem}",
            "$",
        )
    elif envelope is not None:
        keys.append((envelope.controller, "the JWS", "$"))
    for controller, what, path in keys:
        if controller != issuer_id:
            check.fail(
                "ISSUER_KEY_MISMATCH",
                f"{what} was made with a key controlled by {controller!r}, "
                f"not by the issuer {issuer_id!r}",
                path,
            )


def _status(state: _State, check: Check) -> None:
    assert state.document is not None
    check.outcome = "skipped"
    if not state.document.get("credentialStatus"):
        check.detail = "no credentialStatus"
    elif not any(o.verified for o in state.proof_outcomes):
        check.detail = "no proof verified"  # an unsigned document sends no one anywhere
    elif state.status is None:
        check.detail = "not asked: pass status_lists=... or a fetcher"
        check.warnings.append("the credential has a status that was not checked")
    else:
        check.outcome = "passed"
        state.statuses = check_credential_status(state.document, state.status, state.now, check)


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
    if state.envelope is not None:
        not_before, expires = jose.time_window(state.envelope)
        if not_before is not None and state.now < not_before:
            check.fail("NOT_YET_VALID", f"the JWT is valid only from {not_before}", "$.nbf")
        if expires is not None and state.now >= expires:
            check.fail("EXPIRED", f"the JWT expired at {expires}", "$.exp")
    if check.passed:
        check.detail = f"valid at {state.now.isoformat()}"


def _verify_component(state: _State) -> Callable[[Any, Sequence[Any] | None], VerificationResult]:
    """How a stack's components are verified: this same `verify`, with the caller's options."""

    def verify_one(credential: Any, components: Sequence[Any] | None) -> VerificationResult:
        return verify(
            credential,
            loader=state.loader,
            now=state.now,
            purpose=state.purpose,
            allow_inline_contexts=state.allow_inline_contexts,
            components=components,
            trusted_issuers=state.trusted_issuers,
            learner=state.learner,
            challenge=state.challenge,
            domain=state.domain,
            trust_anchors=state.trust_anchors,
            fetcher=state.fetcher,
            status_lists=state.status,
        )

    return verify_one


def _check_presentation(state: _State) -> Callable[[Any], Any]:
    """How a presentation holding components is checked before they count."""
    from .presentations import check_presentation

    def check(presentation: Any) -> Any:
        return check_presentation(
            presentation,
            challenge=state.challenge,
            domain=state.domain,
            loader=state.loader,
            now=state.now,
            allow_inline_contexts=state.allow_inline_contexts,
            fetcher=state.fetcher,
        )

    return check


def selectively_disclosed(state: _State) -> bool:
    """True when a verified proof is a selective disclosure (shows part of what was signed)."""
    from .proofs.registry import get_suite

    suites = {o.cryptosuite for o in state.proof_outcomes if o.verified and o.cryptosuite}
    try:
        return any(get_suite(name).derivable for name in suites)
    except UnknownSuiteError:  # a verified proof names a known suite; be safe all the same
        return False


def _components(state: _State, check: Check) -> None:
    from .stacking.components import pins_of
    from .stacking.verify import REASON_KINDS, check_stack

    assert state.document is not None
    if state.components is None:
        check.outcome = "skipped"
        check.detail = (
            f"pins {len(pins_of(state.document))} component(s); none presented "
            "(pass components= to check them)"
        )
        return
    partial = selectively_disclosed(state)
    state.stack = check_stack(
        state.document,
        state.components,
        verify_one=_verify_component(state),
        check_presentation=_check_presentation(state),
        trusted_issuers=state.trusted_issuers,
        learner=state.learner,
        partial=partial,
    )
    check.warnings += state.stack.warnings
    for outcome in state.stack.components:
        for reason, detail in outcome.failures.items():
            kind = REASON_KINDS.get(reason, "COMPONENT_INVALID")
            what = f"component {outcome.id or outcome.where}: {reason}: {detail}"
            check.fail(kind, what, outcome.pin)
    if check.passed:
        check.detail = f"{len(state.stack.components)} component(s) verified"
    if partial:
        check.detail = "a selective disclosure, undisclosed components hidden" + (
            f"; {check.detail}" if check.detail else ""
        )


def _stack_rule(state: _State, check: Check) -> None:
    report = state.stack
    if report is None:
        check.outcome = "skipped"
        check.detail = "no components presented"
        return
    base = "$.credentialSubject.achievement.stackingRule"
    for path, message in report.rule_problems:
        check.fail("MALFORMED_VALUE_ERROR", f"{path} {message}", path)
    for clause in report.clauses:
        if not clause.passed:
            where = base + ("." + clause.name if not clause.name.startswith("[") else clause.name)
            check.fail("STACK_RULE_NOT_MET", f"{clause.name}: {clause.detail}", where)
    attested = [c.name for c in report.clauses if c.attested]
    checked = [c.name for c in report.clauses if not c.attested]
    if check.passed:
        check.detail = ", ".join(checked) + " hold" if checked else ""
    if check.passed and attested:
        check.detail += ("; " if checked else "") + (
            ", ".join(attested) + " attested by the issuer (not shown by the disclosed components)"
        )
        check.warnings.append(
            "a selective disclosure: " + ", ".join(attested) + " rest on the issuer's word that "
            "every component, disclosed or not, met them at award time"
        )


def _jades_signature(state: _State, check: Check) -> None:
    assert state.seal is not None
    check_signature(state.seal, check)


def _jades_certificate(state: _State, check: Check) -> None:
    assert state.seal is not None
    check_certificate(state.seal, check, state.trust_anchors, state.now)


def _jades_signing_time(state: _State, check: Check) -> None:
    assert state.seal is not None
    check_signing_time(state.seal, check, state.now)


Pipeline = tuple[tuple[str, Callable[[_State, Check], None]], ...]
_STACK_PIPELINE: Pipeline = (
    ("components", _components),
    ("stack-rule", _stack_rule),
)
_PIPELINE: Pipeline = (
    ("envelope", _envelope),
    ("context", _context),
    ("data-model", _data_model),
    ("proof", _proof),
    ("issuer-key", _issuer_key),
    ("status", _status),
    ("validity", _validity),
)
_JADES_PIPELINE: Pipeline = (
    ("jades-signature", _jades_signature),
    ("jades-certificate", _jades_certificate),
    ("jades-signing-time", _jades_signing_time),
    ("context", _context),
    ("data-model", _data_model),
    ("validity", _validity),
)


def status_resolver(
    status_lists: Mapping[str, Any] | StatusResolver | None,
    fetcher: Fetcher | None,
    loader: DocumentLoader,
) -> StatusResolver | None:
    """What the `status` check reads lists from (None: nothing given, the check is skipped)."""
    if isinstance(status_lists, StatusResolver):
        return status_lists
    if status_lists is not None or fetcher is not None:
        return StatusResolver(status_lists, fetcher=fetcher, loader=loader)
    return None


def verify(
    credential: dict[str, Any] | str | bytes | os.PathLike[str],
    *,
    loader: DocumentLoader | None = None,
    now: datetime | None = None,
    purpose: str = "assertionMethod",
    issuer_binding: bool = True,
    components: Sequence[Any] | None = None,
    trusted_issuers: Collection[str] | None = None,
    learner: Mapping[str, str] | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    allow_inline_contexts: bool = False,
    trust_anchors: Sequence[x509.Certificate] = (),
    status_lists: Mapping[str, Any] | StatusResolver | None = None,
    fetcher: Fetcher | None = None,
) -> VerificationResult:
    """Verify a credential (a dict, JSON text or bytes, a compact JWS, a JAdES envelope, a
    baked PNG or SVG, or a file path) and report every check.

    `issuer_binding` requires each proof's key to be controlled by the credential's issuer;
    turn it off only to check a proof alone (as the W3C cryptosuite vectors do). Contexts
    given inline (objects in `@context`, or `@context` below the top) are refused unless
    `allow_inline_contexts`: they can change what the signed quads mean without the JSON
    showing it. A JAdES envelope is verified as a seal, trusted only when its certificate
    chains to one of `trust_anchors`.

    Nothing is fetched unless a `fetcher` is passed (e.g. `edubadge.net.HttpsFetcher()` for
    did:web and https controller documents).

    For a stack, `components` are the component credentials (each as `credential` may be
    given, or a `VerifiablePresentation` holding them): each is verified with these same
    options, matched to its pinned digest and bound to the stack's learner, and then the
    stack's rule is checked (`result.components`, `result.rule`). `trusted_issuers` limits
    the issuers components may come from; `learner` gives plain identities
    (`{"emailAddress": ...}`) to compare identity hashes made with different salts. A signed
    presentation holding components is checked first (its proof, its holder, and the
    `challenge` and `domain` this verifier gave, when given); components in one that does
    not verify fail as `presentation`. An unsigned presentation is only a container.

    The credential's status is checked against `status_lists` (status list credentials by
    URL, or a `StatusResolver` whose cache outlives this call) and, only when given one,
    lists fetched with `fetcher`; without either the `status` check is skipped.
    """
    loader = loader or default_loader()
    fetcher = None if fetcher is None else memoized(fetcher)
    resolver = status_resolver(status_lists, fetcher, loader)
    state = _State(
        raw=credential,
        loader=loader,
        now=now or datetime.now(UTC),
        purpose=purpose,
        issuer_binding=issuer_binding,
        components=components,
        trusted_issuers=trusted_issuers,
        learner=learner,
        challenge=challenge,
        domain=domain,
        allow_inline_contexts=allow_inline_contexts,
        trust_anchors=tuple(trust_anchors),
        fetcher=fetcher,
        status=resolver,
    )
    checks = [Check("parse")]
    _parse(state, checks[0])
    checks += run_checks(state, _JADES_PIPELINE if state.seal is not None else _PIPELINE)
    if state.document is not None and (components is not None or _is_stack(state.document)):
        for check_id, run in _STACK_PIPELINE:
            check = Check(check_id)
            checks.append(check)
            try:
                run(state, check)
            except EdubadgeError as error:
                check.fail("MALFORMED_VALUE_ERROR", str(error))
    stack = state.stack
    return VerificationResult(
        checks,
        state.document,
        components=stack.components if stack else [],
        rule=stack.clauses if stack else [],
        statuses=state.statuses,
    )


def run_checks(state: _State, pipeline: Pipeline) -> list[Check]:
    """Run the checks of a pipeline after `parse` (skipped when parsing found no document).

    The presentation verifier (`presentations.py`) runs its own pipeline through this, with
    the shared `_parse`, `_context`, `_envelope` and `_proof`.
    """
    checks = []
    for check_id, run in pipeline:
        if check_id == "envelope" and state.envelope is None:
            continue  # only an enveloped credential has this check
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


def _is_stack(document: dict[str, Any]) -> bool:
    from .stacking.components import is_stack

    return is_stack(document)
