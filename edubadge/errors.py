"""The exception tree: every error edubadge raises on purpose derives from `EdubadgeError`.

Messages say what was wrong, where (a JSON path such as ``$.credentialSubject.name``) and,
where it helps, what to do. Verification never raises these for bad input: `verify()` turns
them into problems in its result.
"""

from __future__ import annotations

from collections.abc import Sequence


class EdubadgeError(Exception):
    """Root of every error edubadge raises on purpose."""

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.path = path
        self.hint = hint
        text = message if path is None else f"{message} (at {path})"
        if hint:
            text = f"{text}: {hint}"
        super().__init__(text)


# --- input --------------------------------------------------------------------------------


class InputError(EdubadgeError):
    """Input that is not what edubadge accepts (a file, a document, an argument)."""


class InvalidFieldsError(InputError):
    """One or more fields of an input are invalid; `.fields` lists (path, message) pairs."""

    def __init__(self, what: str, fields: Sequence[tuple[str, str]]) -> None:
        self.fields = list(fields)
        lines = "; ".join(f"{path}: {msg}" for path, msg in self.fields)
        super().__init__(f"invalid {what}: {lines}")


class NotAMicroCredentialError(InputError):
    """Issuing as an EU micro-credential was asked, but mandatory elements are missing."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = list(missing)
        super().__init__(
            "not an EU micro-credential: missing " + ", ".join(self.missing),
            hint="add the missing elements, or issue it as a plain badge (micro_credential=False)",
        )


class BakingError(InputError):
    """A badge image that cannot be baked or unbaked (malformed, oversized, or two credentials)."""


class StackingError(InputError):
    """Components that do not add up to the stack asked for.

    `.reasons` lists (what, why): a component (its id) with a named reason such as
    `untrusted-issuer`, or a rule clause such as `minimumCredits`.
    """

    def __init__(self, reasons: Sequence[tuple[str, str]]) -> None:
        self.reasons = list(reasons)
        super().__init__(
            "cannot stack: " + "; ".join(f"{what}: {why}" for what, why in self.reasons),
            hint="fix or leave out the components named, or change the rule",
        )


# --- JSON-LD ------------------------------------------------------------------------------


class JsonLdError(EdubadgeError):
    """A JSON-LD document could not be processed safely."""


class UnknownContextError(JsonLdError):
    """A context URL that is neither bundled nor registered; edubadge never fetches it."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            f"unknown JSON-LD context {url!r}",
            hint="register it with DocumentLoader(extra={url: document})",
        )


class UnsafeTermError(JsonLdError):
    """Safe mode: a term or value that does not expand to an absolute IRI, or would be dropped."""

    def __init__(self, term: str, path: str, reason: str) -> None:
        self.term = term
        self.reason = reason
        super().__init__(f"{reason}: {term!r}", path=path)


class ResourceLimitError(JsonLdError):
    """Processing stopped because a document exceeded a stated work or size limit."""


# --- keys ---------------------------------------------------------------------------------


class KeyFormatError(EdubadgeError):
    """Key material that cannot be decoded, or that does not fit the algorithm."""


class KeyFileError(EdubadgeError):
    """A key file that cannot be read, written, or is not protected."""


class VerificationMethodError(EdubadgeError):
    """A verification method that cannot be resolved to a public key."""


class SignerError(EdubadgeError):
    """An external signer (an HSM, a PKCS#11 token) failed; never carries a PIN or a key."""


# --- network ------------------------------------------------------------------------------


class FetchError(EdubadgeError):
    """A document could not be fetched, or the fetcher refused to fetch it."""


class BlockedAddressError(FetchError):
    """The fetcher refused an address: not https, or private, loopback, link-local..."""


# --- proofs -------------------------------------------------------------------------------


class ProofError(EdubadgeError):
    """A proof cannot be created or is malformed."""


class EnvelopeError(ProofError):
    """A JOSE envelope (a compact JWS) that cannot be created, parsed or trusted."""


class InsecureEnvelopeError(EnvelopeError):
    """A JWS asking for what is never accepted: `alg: none`, HMAC, a private key in a header..."""


class UnknownSuiteError(ProofError):
    """A cryptosuite name that is not registered."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        self.name = name
        super().__init__(
            f"unknown cryptosuite {name!r}", hint="registered: " + ", ".join(sorted(known))
        )


# --- status lists -------------------------------------------------------------------------


class StatusError(EdubadgeError):
    """A status list, its store, or a status change could not be handled."""


class StatusListError(StatusError):
    """A malformed status list, `encodedList` or status entry."""


class StatusStoreError(StatusError):
    """The status store cannot be opened or used (missing driver, unreadable file, bad URL)."""


class StatusChangeError(StatusError):
    """A status change that is refused: unknown credential, irreversible revocation, ..."""


# --- certificates and seals ---------------------------------------------------------------


class CertificateError(EdubadgeError):
    """An X.509 certificate (chain) that cannot be read, or that does not fit its key."""
