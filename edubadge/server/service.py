"""What the service does, without HTTP: issue for a profile, verify, change status.

`Service` is the whole behaviour of the VC-API; `app.py` only binds it to routes. It takes
and returns plain JSON values and raises `HttpProblem` for what a client did wrong, so it can
be driven directly (the demo does) and several server processes can each hold one: every
piece of shared state lives in the status store.
"""

from __future__ import annotations

import copy
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .. import keys
from ..datamodel import (
    ENVELOPED_CREDENTIAL,
    VC1_CONTEXT,
    VC2_CONTEXT,
    context_problems,
    contexts_of,
    credential_problems,
    types_of,
)
from ..envelopes import jose
from ..errors import EdubadgeError, InputError
from ..issuer import Issuer
from ..jsonld.loader import DocumentLoader
from ..keys.signer import Signer
from ..model import Organisation, load_microcredential
from ..net.fetcher import Fetcher
from ..parsing import parse_json
from ..presentations import PresentationResult, verify_presentation
from ..status.check import StatusResolver
from ..verifier import VerificationResult, verify
from .auth import Principal
from .config import IssuerProfile, ServerConfig
from .problems import HttpProblem, forbidden, from_error
from .status import Action, ListDocument, SigningProfile, StatusBackend, open_status
from .status_store import OwnListsFetcher, StoreStatus

JWT_DATA_URL = "data:application/vc+jwt,"
DI_CONTEXT = "https://w3id.org/security/data-integrity/v2"


@dataclass(frozen=True)
class Profile:
    """A loaded issuer profile: its configuration, signer and `Issuer`."""

    config: IssuerProfile
    issuer: Issuer

    @property
    def issuer_id(self) -> str:
        """The issuer's id (the controller of its key)."""
        return str(self.issuer.profile.id)


def open_signer(profile: IssuerProfile, config: ServerConfig) -> Signer:
    """The signer a profile names: a key file (maybe encrypted) or a `pkcs11:` URI."""
    if profile.key.startswith("pkcs11:"):
        from ..keys.pkcs11 import Pkcs11Signer

        return Pkcs11Signer.from_uri(profile.key)
    passphrase = None
    if profile.passphrase_env:
        passphrase = os.environ.get(profile.passphrase_env)
        if not passphrase:
            raise InputError(f"profile {profile.name}: {profile.passphrase_env} is not set")
    elif profile.passphrase_file:
        try:
            passphrase = config.path(profile.passphrase_file).read_text("utf-8").rstrip("\r\n")
        except OSError as error:
            raise InputError(
                f"profile {profile.name}: cannot read its passphrase file: {error.strerror}"
            ) from None
    return keys.load_key(config.path(profile.key), passphrase=passphrase)


def load_profile(profile: IssuerProfile, signer: Signer, loader: DocumentLoader) -> Profile:
    """A profile's `Issuer` (the issuer id defaults to the controller of its key)."""
    data = {"id": signer.id.split("#", 1)[0], **profile.issuer}
    try:
        organisation = Organisation.model_validate(data)
    except ValueError as error:
        raise InputError(f"profile {profile.name}: invalid issuer: {error}") from None
    return Profile(profile, Issuer(organisation, signer, suite=profile.suite, loader=loader))


class Service:
    """The VC-API behind the routes: one per server process."""

    def __init__(
        self,
        config: ServerConfig,
        *,
        db: str | None = None,
        status: StatusBackend | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.config = config
        signers = {p.name: open_signer(p, config) for p in config.profiles}
        extra = {url: _read_context(config, url, path) for url, path in config.contexts.items()}
        for signer in signers.values():
            controller = signer.id.split("#", 1)[0]
            if isinstance(signer, keys.KeyPair) and not controller.startswith("did:key:"):
                extra[controller] = keys.controller_document(signer)
        self.loader = DocumentLoader(extra)
        self.profiles = {
            p.name: load_profile(p, signers[p.name], self.loader) for p in config.profiles
        }
        if fetcher is None and config.fetch:
            from ..net import HttpsFetcher

            fetcher = HttpsFetcher()
        self.fetcher = fetcher
        signing = {
            name: SigningProfile(name, p.issuer_id, p.issuer.signer, p.issuer.suite)
            for name, p in self.profiles.items()
        }
        self.status = status or open_status(config, signing, db or config.db)
        lists_fetcher: Fetcher | None = fetcher
        if isinstance(self.status, StoreStatus):
            lists_fetcher = OwnListsFetcher(config, self.status, fetcher)
        self.status_lists = StatusResolver(fetcher=lists_fetcher, loader=self.loader)

    def close(self) -> None:
        """Release the status store."""
        self.status.close()

    def _profile_of(self, principal: Principal) -> Profile:
        return self.profiles[principal.profile]

    # --- issuing ---------------------------------------------------------------------------

    def issue(self, principal: Principal, credential: dict[str, Any]) -> dict[str, Any]:
        """Sign a credential for the caller's profile; the VC-API answer.

        The credential's issuer (filled in when absent) must be the profile's; it gets an
        `id` and `credentialStatus` when the profile keeps status lists (VC 2.0 credentials
        only: VC 1.1 has no Bitstring Status List terms). A VC 1.1 credential gets the Data
        Integrity context, which defines its proof (VC 2.0's context does).
        """
        profile = self._profile_of(principal)
        document = copy.deepcopy(credential)
        issuer = document.setdefault("issuer", profile.issuer_id)
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if issuer_id != profile.issuer_id:
            raise forbidden(
                f"the credential's issuer {issuer_id!r} is not {profile.issuer_id!r}, "
                f"the issuer your credentials are for"
            )
        if contexts_of(document)[:1] == [VC1_CONTEXT] and DI_CONTEXT not in contexts_of(document):
            document["@context"] = [*contexts_of(document), DI_CONTEXT]  # defines the proof
        problems = context_problems(document) + credential_problems(document)
        if problems:
            raise HttpProblem(
                422,
                "invalid-credential",
                "the credential is not a valid VC 2.0 credential",
                errors=[{"path": path, "detail": message} for path, message in problems],
            )
        return self._secure(profile, principal, document)

    def issue_micro_credential(
        self, principal: Principal, description: Mapping[str, Any], *, plain_badge: bool = False
    ) -> dict[str, Any]:
        """Issue from a micro-credential description (the `edubadge issue` input, without
        its `issuer`: that is the caller's profile)."""
        profile = self._profile_of(principal)
        if "issuer" in description:
            raise HttpProblem(
                422,
                "invalid-content",
                "a micro-credential description sent here has no 'issuer': the issuer is the "
                "profile your credentials are for",
                errors=[{"path": "$.microCredential.issuer", "detail": "not allowed"}],
            )
        try:
            record = load_microcredential(description)
            document = profile.issuer.credential(record, micro_credential=not plain_badge)
        except EdubadgeError as error:
            raise from_error(error) from None
        return self._secure(profile, principal, document)

    def _secure(
        self, profile: Profile, principal: Principal, document: dict[str, Any]
    ) -> dict[str, Any]:
        if "credentialStatus" not in document and contexts_of(document)[:1] == [VC2_CONTEXT]:
            credential_id = document.get("id") or f"urn:uuid:{uuid.uuid4()}"
            status = self.status.entries(principal.profile, credential_id)
            if status is not None:  # revoking names the credential by its id
                document["id"] = credential_id
                document["credentialStatus"] = status
        try:
            if profile.config.envelope == "jwt":
                token = jose.sign(document, profile.issuer.signer, profile="ob3")
                return enveloped(token)
            return profile.issuer.sign(document)
        except EdubadgeError as error:
            raise from_error(error) from None

    # --- verifying -------------------------------------------------------------------------

    def verify(self, credential: Any, *, components: list[Any] | None = None) -> VerificationResult:
        """Verify anything `verify()` takes, plus a VC 2.0 enveloped credential (a JWT)."""
        return verify(
            unwrap(credential),
            loader=self.loader,
            fetcher=self.fetcher,
            components=[unwrap(c) for c in components] if components is not None else None,
            status_lists=self.status_lists,
        )

    def verify_presentation(
        self, presentation: Any, *, challenge: str | None, domain: str | None
    ) -> PresentationResult:
        """Verify a presentation for the caller's `challenge` (required: an unbound
        presentation could be a replay) and `domain`, and every credential in it."""
        if not challenge:
            raise HttpProblem(
                422,
                "invalid-request",
                "options.challenge is required: the nonce the holder's proof must answer",
                errors=[{"path": "$.options.challenge", "detail": "required"}],
            )
        return verify_presentation(
            unwrap(presentation),
            challenge=challenge,
            domain=domain,
            loader=self.loader,
            status_lists=self.status_lists,
            fetcher=self.fetcher,
        )

    # --- status ----------------------------------------------------------------------------

    def change_status(
        self,
        principal: Principal,
        credential_id: str,
        action: Action,
        reason: str | None = None,
    ) -> None:
        """Revoke, suspend or reinstate one of the caller's profile's credentials."""
        self.status.change(
            principal.profile, credential_id, action, actor=principal.subject, reason=reason
        )

    def status_list(self, profile: str, name: str) -> ListDocument:
        """A published status list credential (public)."""
        if profile not in self.profiles:
            raise HttpProblem(404, "not-found", f"no issuer profile {profile!r}")
        return self.status.list_credential(profile, name)


def _read_context(config: ServerConfig, url: str, path: str) -> Any:
    try:
        return parse_json(config.path(path).read_bytes(), what=f"context {url}")
    except OSError as error:
        raise InputError(f"cannot read the context file of {url}: {error.strerror}") from None


def enveloped(token: str) -> dict[str, Any]:
    """A VC 2.0 `EnvelopedVerifiableCredential` holding a compact JWS."""
    return {"@context": [VC2_CONTEXT], "id": JWT_DATA_URL + token, "type": ENVELOPED_CREDENTIAL}


def unwrap(credential: Any) -> Any:
    """The compact JWS inside an `EnvelopedVerifiableCredential`, or the credential as it is."""
    if isinstance(credential, dict) and ENVELOPED_CREDENTIAL in types_of(credential):
        ident = credential.get("id")
        if isinstance(ident, str) and ident.startswith(JWT_DATA_URL):
            return unquote(ident.removeprefix(JWT_DATA_URL))
    return credential
