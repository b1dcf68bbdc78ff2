"""Problem details (VC 2.0 `ProblemDetails`) and the checks of a verification result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

VCDM = "https://www.w3.org/TR/vc-data-model#"
SECURITY = "https://w3id.org/security#"
EDUBADGE = "https://w3id.org/edubadge/problems#"
STATUS_LIST = "https://www.w3.org/ns/credentials/status-list#"

# name -> (type URL, code, title); codes are those of the VC 2.0 and Data Integrity specs.
PROBLEM_TYPES: dict[str, tuple[str, int | None, str]] = {
    "PARSING_ERROR": (VCDM + "PARSING_ERROR", -64, "Parsing Error"),
    "CRYPTOGRAPHIC_SECURITY_ERROR": (
        VCDM + "CRYPTOGRAPHIC_SECURITY_ERROR",
        -65,
        "Cryptographic Security Error",
    ),
    "MALFORMED_VALUE_ERROR": (VCDM + "MALFORMED_VALUE_ERROR", -66, "Malformed Value Error"),
    "RANGE_ERROR": (VCDM + "RANGE_ERROR", -67, "Range Error"),
    "PROOF_VERIFICATION_ERROR": (
        SECURITY + "PROOF_VERIFICATION_ERROR",
        -17,
        "Proof Verification Error",
    ),
    "PROOF_TRANSFORMATION_ERROR": (
        SECURITY + "PROOF_TRANSFORMATION_ERROR",
        -18,
        "Proof Transformation Error",
    ),
    "INVALID_CHALLENGE_ERROR": (SECURITY + "INVALID_CHALLENGE_ERROR", None, "Invalid Challenge"),
    "INVALID_DOMAIN_ERROR": (SECURITY + "INVALID_DOMAIN_ERROR", None, "Invalid Domain"),
    "NOT_YET_VALID": (EDUBADGE + "NOT_YET_VALID", None, "Not Yet Valid"),
    "EXPIRED": (EDUBADGE + "EXPIRED", None, "Expired"),
    "ISSUER_KEY_MISMATCH": (EDUBADGE + "ISSUER_KEY_MISMATCH", None, "Issuer Key Mismatch"),
    "HOLDER_KEY_MISMATCH": (EDUBADGE + "HOLDER_KEY_MISMATCH", None, "Holder Key Mismatch"),
    "CREDENTIAL_NOT_VERIFIED": (
        EDUBADGE + "CREDENTIAL_NOT_VERIFIED",
        None,
        "Presented Credential Not Verified",
    ),
    "STATUS_RETRIEVAL_ERROR": (
        STATUS_LIST + "STATUS_RETRIEVAL_ERROR",
        None,
        "Status Retrieval Error",
    ),
    "STATUS_VERIFICATION_ERROR": (
        STATUS_LIST + "STATUS_VERIFICATION_ERROR",
        None,
        "Status Verification Error",
    ),
    "STATUS_LIST_LENGTH_ERROR": (
        STATUS_LIST + "STATUS_LIST_LENGTH_ERROR",
        None,
        "Status List Length Error",
    ),
    "REVOKED": (EDUBADGE + "REVOKED", None, "Revoked"),
    "SUSPENDED": (EDUBADGE + "SUSPENDED", None, "Suspended"),
    # stacking
    "COMPONENT_INVALID": (EDUBADGE + "COMPONENT_INVALID", None, "Component Invalid"),
    "COMPONENT_DIGEST_MISMATCH": (
        EDUBADGE + "COMPONENT_DIGEST_MISMATCH",
        None,
        "Component Digest Mismatch",
    ),
    "COMPONENT_MISSING": (EDUBADGE + "COMPONENT_MISSING", None, "Component Missing"),
    "COMPONENT_NOT_PINNED": (EDUBADGE + "COMPONENT_NOT_PINNED", None, "Component Not Pinned"),
    "COMPONENT_COUNTED_TWICE": (
        EDUBADGE + "COMPONENT_COUNTED_TWICE",
        None,
        "Component Counted Twice",
    ),
    "STACK_CYCLE": (EDUBADGE + "STACK_CYCLE", None, "Stack Cycle"),
    "LEARNER_MISMATCH": (EDUBADGE + "LEARNER_MISMATCH", None, "Learner Mismatch"),
    "NOT_VALID_AT_AWARD": (EDUBADGE + "NOT_VALID_AT_AWARD", None, "Not Valid At Award"),
    "UNTRUSTED_ISSUER": (EDUBADGE + "UNTRUSTED_ISSUER", None, "Untrusted Issuer"),
    "STACK_RULE_NOT_MET": (EDUBADGE + "STACK_RULE_NOT_MET", None, "Stack Rule Not Met"),
    "COMPONENT_PRESENTATION_INVALID": (
        EDUBADGE + "COMPONENT_PRESENTATION_INVALID",
        None,
        "Component Presentation Invalid",
    ),
    # JAdES seals (X.509 certificates)
    "UNSUPPORTED_ALGORITHM": (EDUBADGE + "UNSUPPORTED_ALGORITHM", None, "Unsupported Algorithm"),
    "CERTIFICATE_UNTRUSTED": (EDUBADGE + "CERTIFICATE_UNTRUSTED", None, "Certificate Untrusted"),
    "CERTIFICATE_EXPIRED": (EDUBADGE + "CERTIFICATE_EXPIRED", None, "Certificate Expired"),
    "CERTIFICATE_NOT_YET_VALID": (
        EDUBADGE + "CERTIFICATE_NOT_YET_VALID",
        None,
        "Certificate Not Yet Valid",
    ),
    "CERTIFICATE_NOT_VALID_AT_SIGNING_TIME": (
        EDUBADGE + "CERTIFICATE_NOT_VALID_AT_SIGNING_TIME",
        None,
        "Certificate Not Valid At Signing Time",
    ),
    "SIGNING_TIME_IN_FUTURE": (EDUBADGE + "SIGNING_TIME_IN_FUTURE", None, "Signing Time In Future"),
}

Outcome = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True)
class Problem:
    """One problem found by a check, as VC 2.0 ProblemDetails plus the check's id."""

    kind: str
    detail: str
    check: str
    path: str | None = None

    @property
    def type(self) -> str:
        """The problem type URL."""
        return PROBLEM_TYPES[self.kind][0]

    @property
    def code(self) -> int | None:
        """The numeric code the specs assign, if any."""
        return PROBLEM_TYPES[self.kind][1]

    @property
    def title(self) -> str:
        """Short human title of the problem type."""
        return PROBLEM_TYPES[self.kind][2]

    def to_dict(self) -> dict[str, Any]:
        """ProblemDetails JSON (RFC 9457 members `type`, `title`, `detail`; VC `code`)."""
        data: dict[str, Any] = {"type": self.type, "title": self.title, "detail": self.detail}
        if self.code is not None:
            data["code"] = self.code
        data["check"] = self.check
        if self.path:
            data["path"] = self.path
        return data


@dataclass
class Check:
    """One named verification check and what it found."""

    id: str
    outcome: Outcome = "passed"
    detail: str = ""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when the check ran and found nothing wrong."""
        return self.outcome == "passed"

    def fail(self, kind: str, detail: str, path: str | None = None) -> None:
        """Record a problem; the check has failed."""
        self.outcome = "failed"
        self.problems.append(Problem(kind, detail, self.id, path))

    def to_dict(self) -> dict[str, Any]:
        """JSON form of the check."""
        data: dict[str, Any] = {"id": self.id, "outcome": self.outcome}
        if self.detail:
            data["detail"] = self.detail
        if self.problems:
            data["problems"] = [p.to_dict() for p in self.problems]
        if self.warnings:
            data["warnings"] = list(self.warnings)
        return data


class CheckResults:
    """What a result with named `checks` offers: every problem and warning, a check by id."""

    checks: Sequence[Check]

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
