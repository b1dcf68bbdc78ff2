"""Regenerate and publish status list credentials: signed, idempotent, ready for static hosting.

Publishing signs a new list credential only when its bits changed, the signing key, suite
or `ttl` changed, or less than half of its validity is left; otherwise the last signed
document (kept in the store) is written again, byte for byte, and a file whose content is
unchanged is not touched. Beside the lists it writes `_headers` (Netlify, Cloudflare Pages)
and `.htaccess` (Apache) so the HTTP cache lifetime matches each list's `ttl`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..datamodel import parse_datetime_stamp, types_of
from ..jsonld.loader import DocumentLoader
from ..keys.signer import Signer
from ..proofs.data_integrity import add_proof, proofs_of
from .credential import LIST_CREDENTIAL_TYPE, list_credential
from .store import Publication, StatusList, StatusStore

MEDIA_TYPE = "application/vc"
DEFAULT_TTL_MS = 3_600_000  # verifiers refresh a list after an hour
DEFAULT_VALIDITY = timedelta(days=7)  # a list credential expires a week after signing


@dataclass(frozen=True)
class Published:
    """One status list credential after publishing."""

    url: str
    list_id: int
    purpose: str
    file: Path
    signed: bool  # a new credential was signed
    written: bool  # the file changed


def _needs_signing(
    last: Publication | None,
    digest: str,
    signer: Signer,
    suite: str,
    ttl_ms: int | None,
    validity: timedelta | None,
    now: datetime,
) -> bool:
    if last is None or last.bits_sha256 != digest:
        return True
    document = json.loads(last.document)
    proofs = proofs_of(document)
    if [(p.get("verificationMethod"), p.get("cryptosuite")) for p in proofs] != [
        (signer.id, suite)
    ]:
        return True
    if document["credentialSubject"].get("ttl") != ttl_ms:
        return True
    until = parse_datetime_stamp(last.valid_until)
    if validity is None or until is None:
        return (validity is None) != (until is None)
    return until - now < validity / 2


def list_credential_for(
    store: StatusStore,
    status_list: StatusList,
    purpose: str,
    signer: Signer,
    *,
    suite: str,
    actor: str,
    ttl_ms: int | None = DEFAULT_TTL_MS,
    validity: timedelta | None = DEFAULT_VALIDITY,
    now: datetime | None = None,
    loader: DocumentLoader | None = None,
) -> tuple[dict[str, Any], bool]:
    """The current signed list credential of one list and purpose, and whether it is new."""
    now = now or datetime.now(UTC)
    bits = store.bitstring(status_list.id, purpose)
    digest = hashlib.sha256(bits.data).hexdigest()
    last = store.publication(status_list.id, purpose)
    if last is not None and not _needs_signing(last, digest, signer, suite, ttl_ms, validity, now):
        return json.loads(last.document), False
    url = status_list.spec.url(status_list.id, purpose)
    unsigned = list_credential(
        url=url,
        issuer=status_list.spec.issuer,
        purpose=purpose,
        bits=bits,
        valid_from=now,
        validity=validity,
        ttl_ms=ttl_ms,
    )
    del bits
    created = unsigned["validFrom"]
    signed = add_proof(unsigned, signer, suite=suite, options={"created": created}, loader=loader)
    publication = Publication(
        status_list.id,
        purpose,
        digest,
        json.dumps(signed, ensure_ascii=False),
        signed.get("validUntil"),
        created,
    )
    store.save_publication(publication, actor=actor)
    return signed, True


def _write_if_changed(path: Path, data: bytes) -> bool:
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)  # readers see the old file or the new one, never half
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def publish(
    store: StatusStore,
    directory: Path,
    signer: Signer,
    *,
    suite: str,
    actor: str,
    ttl_ms: int | None = DEFAULT_TTL_MS,
    validity: timedelta | None = DEFAULT_VALIDITY,
    now: datetime | None = None,
    loader: DocumentLoader | None = None,
) -> list[Published]:
    """Write the signer's issuer's status list credentials into `directory` (one list at a time).

    Files are named after the last segment of each list's URL; serve the directory at the
    lists' base URL.
    """
    issuer = signer.id.split("#", 1)[0]
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    done = []
    for status_list in store.lists(issuer):
        for spec in status_list.spec.purposes:
            document, signed = list_credential_for(
                store,
                status_list,
                spec.purpose,
                signer,
                suite=suite,
                actor=actor,
                ttl_ms=ttl_ms,
                validity=validity,
                now=now,
                loader=loader,
            )
            url = document["id"]
            file = directory / urlsplit(url).path.rsplit("/", 1)[-1]
            text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
            written = _write_if_changed(file, text.encode("utf-8"))
            done.append(Published(url, status_list.id, spec.purpose, file, signed, written))
    write_hosting_files(directory)
    return done


def _cache_control(ttl_ms: object) -> str:
    if isinstance(ttl_ms, int) and not isinstance(ttl_ms, bool) and ttl_ms >= 0:
        return f"public, max-age={ttl_ms // 1000}"
    return "no-cache"


def write_hosting_files(directory: Path) -> None:
    """`_headers` and `.htaccess` for every status list credential in `directory`."""
    headers, htaccess = [], []
    for file in sorted(directory.glob("*.json")):
        try:
            document = json.loads(file.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(document, dict) or LIST_CREDENTIAL_TYPE not in types_of(document):
            continue
        subject = document.get("credentialSubject")
        ttl = subject.get("ttl") if isinstance(subject, dict) else None
        control = _cache_control(ttl)
        path = urlsplit(str(document.get("id", ""))).path or f"/{file.name}"
        headers += [path, f"  Content-Type: {MEDIA_TYPE}", f"  Cache-Control: {control}", ""]
        htaccess += [
            f'<Files "{file.name}">',
            f"  ForceType {MEDIA_TYPE}",
            f'  Header set Cache-Control "{control}"',
            "</Files>",
        ]
    _write_if_changed(directory / "_headers", "\n".join(headers).encode("utf-8"))
    _write_if_changed(directory / ".htaccess", ("\n".join(htaccess) + "\n").encode("utf-8"))
