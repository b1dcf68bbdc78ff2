"""The issuer facades: `Issuer` (an institution's profile, its signer and its cryptosuite:
Open Badges 3.0) and `EdcIssuer` (its profile and eSeal: Europass EDC sealed with JAdES)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batch import BatchOutcome, BatchStore, StatusAllocator, issue_many
from .envelopes.certificates import algorithms_for
from .envelopes.jades import SealingMaterial, seal
from .errors import InputError
from .formats import edc, ob3
from .jsonld.loader import DocumentLoader
from .keys.signer import Signer
from .model import MicroCredential, Organisation
from .proofs.data_integrity import add_proof
from .proofs.registry import get_suite
from .status.publish import DEFAULT_TTL_MS, DEFAULT_VALIDITY, Published

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime, timedelta

    from .status.lists import StatusLists

DEFAULT_SUITE = "eddsa-rdfc-2022"
# What a holder must always disclose from a selective disclosure credential (ecdsa-sd-2023)
# unless the issuer says otherwise: who issued it, when it is valid, and where its status is,
# so that no disclosure can hide its issuer, its expiry or its revocation.
MANDATORY_MEMBERS = ("issuer", "validFrom", "validUntil", "credentialStatus")
MANDATORY_POINTERS = "mandatoryPointers"


class Issuer:
    """Issues micro-credentials as signed OB 3.0 credentials.

    The profile's `id` must be the controller of the signer's verification method: a
    verifier accepts a credential only when the issuer controls the key that signed it.
    With `status` (the issuer's `StatusLists`), every credential gets `credentialStatus`
    entries allocated from its store; it is also the batch's `status_allocator` unless
    another is given.
    """

    def __init__(
        self,
        profile: Organisation,
        signer: Signer,
        *,
        suite: str = DEFAULT_SUITE,
        loader: DocumentLoader | None = None,
        status_allocator: StatusAllocator | None = None,
        status: StatusLists | None = None,
    ) -> None:
        get_suite(suite)  # fail early on an unknown suite
        if profile.id != signer.id.split("#", 1)[0]:
            raise InputError(
                f"the issuer {profile.id!r} does not control the signing key {signer.id!r}",
                hint="use a key whose controller is the issuer's id",
            )
        if status is not None and (status.spec is None or status.spec.issuer != profile.id):
            raise InputError(
                f"the status lists are not those of the issuer {profile.id!r}",
                hint="create StatusLists(store, issuer=profile.id, base_url=...)",
            )
        self.profile = profile
        self.signer = signer
        self.suite = suite
        self.loader = loader
        self.status = status
        self.status_allocator = status_allocator or status

    def __repr__(self) -> str:
        return f"Issuer({self.profile.id!r}, suite={self.suite!r})"

    def credential(
        self, record: MicroCredential, *, micro_credential: bool = True
    ) -> dict[str, Any]:
        """The unsigned OB 3.0 credential for a record (refused if marked but incomplete)."""
        return ob3.to_credential(record, self.profile, micro_credential=micro_credential)

    def sign(
        self, document: Mapping[str, Any], *, options: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Add this issuer's proof to a document.

        With a selective disclosure suite, `options={"mandatoryPointers": [...]}` lists the
        JSON pointers every disclosure must reveal; by default those of `MANDATORY_MEMBERS`
        the document has.
        """
        options = dict(options or {})
        if MANDATORY_POINTERS in get_suite(self.suite).option_names:
            options.setdefault(
                MANDATORY_POINTERS, [f"/{name}" for name in MANDATORY_MEMBERS if name in document]
            )
        return add_proof(
            document, self.signer, suite=self.suite, options=options, loader=self.loader
        )

    def issue(
        self,
        record: MicroCredential,
        *,
        micro_credential: bool = True,
        options: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A signed OB 3.0 credential for one micro-credential record.

        With `micro_credential=True` (the default) the credential is marked as an EU
        micro-credential, which is refused with `NotAMicroCredentialError` listing what is
        missing unless every mandatory element is present; `False` issues a plain badge.
        """
        return self.sign(self._to_issue(record, micro_credential), options=options)

    def issue_jwt(
        self, record: MicroCredential, *, micro_credential: bool = True, profile: str = "ob3"
    ) -> str:
        """The same credential secured as a compact JWS (OB 3.0 VC-JWT, or `vc-jose`)."""
        from .envelopes import jose

        return jose.sign(self._to_issue(record, micro_credential), self.signer, profile=profile)

    def _to_issue(self, record: MicroCredential, micro_credential: bool) -> dict[str, Any]:
        return self.with_status(self.credential(record, micro_credential=micro_credential))

    def with_status(self, credential: dict[str, Any]) -> dict[str, Any]:
        """The unsigned credential with `credentialStatus` entries from this issuer's status
        lists (allocated now), when it has them; otherwise unchanged."""
        if self.status is not None:
            credential["credentialStatus"] = self.status.entries(credential["id"])
        return credential

    def publish_status(
        self,
        directory: str | Path,
        *,
        actor: str,
        ttl_ms: int | None = DEFAULT_TTL_MS,
        validity: timedelta | None = DEFAULT_VALIDITY,
    ) -> list[Published]:
        """Regenerate, sign and write this issuer's status list credentials into `directory`."""
        if self.status is None:
            raise InputError("this issuer has no status lists (Issuer(..., status=...))")
        return self.status.publish(
            directory,
            self.signer,
            suite=self.suite,
            actor=actor,
            ttl_ms=ttl_ms,
            validity=validity,
            loader=self.loader,
        )

    def issue_many(
        self,
        records: Iterable[MicroCredential],
        executor: Executor | None = None,
        *,
        key_file: str | os.PathLike[str] | None = None,
        store: BatchStore | None = None,
        micro_credential: bool = True,
        chunk_size: int = 64,
        window: int | None = None,
    ) -> Iterator[BatchOutcome]:
        """Issue a stream of records; yield one `BatchOutcome` per record as results arrive.

        Records are read `chunk_size` at a time and at most `window` chunks are in flight, so
        memory stays flat whatever the stream's length. Without `executor` they are signed
        here; with one (a `ProcessPoolExecutor`, a Dask `Client.get_executor()`, ...) each
        chunk is signed by a worker that loads the key from `key_file` itself: no key is
        ever pickled. A record that fails is reported `failed` with its error and the batch
        goes on. With a `store` (`SqliteStore(file)`: one commit per chunk; or
        `DirectoryStore(dir)`: one synced file per credential), records it already holds are
        `skipped` and each new credential is stored crash-safe before it is reported; with
        an executor too, the workers write the store themselves (it must pickle: both
        pickle as their path; on a cluster, a folder every worker shares) and issued
        outcomes carry no credential (read it with `store.get(key)`), so little crosses
        between processes.
        The `status_allocator` given to the issuer, if any, gives each chunk its
        `credentialStatus` entries in one call.
        """
        return issue_many(
            self,
            records,
            executor,
            key_file=key_file,
            store=store,
            micro_credential=micro_credential,
            chunk_size=chunk_size,
            window=window,
        )


class EdcIssuer:
    """Issues micro-credentials as Europass EDCs sealed with JAdES by the issuer's eSeal.

    `material` is the eSeal certificate chain and key (`load_sealing_material`); `algorithm`
    defaults to the first the key can seal with (RS256 for RSA). `eidas_identifier` is the
    issuer's legal identifier in the certificate (see `edc.to_credential`).
    """

    def __init__(
        self,
        profile: Organisation,
        material: SealingMaterial,
        *,
        algorithm: str | None = None,
        eidas_identifier: str | None = None,
    ) -> None:
        self.profile = profile
        self.material = material
        self.algorithm = algorithm or algorithms_for(material.certificate.public_key())[0]
        self.eidas_identifier = eidas_identifier

    def __repr__(self) -> str:
        return f"EdcIssuer({self.profile.id!r}, algorithm={self.algorithm!r})"

    def credential(
        self,
        record: MicroCredential,
        *,
        micro_credential: bool = True,
        parts: Sequence[edc.Part] = (),
    ) -> dict[str, Any]:
        """The unsealed EDC for a record (`parts`: the components its award is made of)."""
        return edc.to_credential(
            record,
            self.profile,
            micro_credential=micro_credential,
            eidas_identifier=self.eidas_identifier,
            parts=parts,
        )

    def seal(
        self, document: Mapping[str, Any], *, signing_time: datetime | None = None
    ) -> dict[str, Any]:
        """The document sealed with this issuer's eSeal (a JAdES envelope)."""
        return seal(document, self.material, algorithm=self.algorithm, signing_time=signing_time)

    def issue(self, record: MicroCredential, *, micro_credential: bool = True) -> dict[str, Any]:
        """A sealed EDC for one micro-credential record (see `Issuer.issue` for the marking)."""
        return self.seal(self.credential(record, micro_credential=micro_credential))
