"""did:web: the DID -> https URL rules of the did:web method, and resolution through a fetcher.

`did:web:example.com` -> `https://example.com/.well-known/did.json`;
`did:web:example.com:user:alice` -> `https://example.com/user/alice/did.json`;
`did:web:example.com%3A8443` -> `https://example.com:8443/.well-known/did.json`.
Nothing is fetched unless the caller passes a `Fetcher`; the document's `id` must be the DID.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import EdubadgeError, VerificationMethodError
from ..net.fetcher import Fetcher, fetch_json

PREFIX = "did:web:"
DID_TYPES = ("application/did+json", "application/did+ld+json", "application/json")
_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_HOST = re.compile(rf"^{_LABEL}(\.{_LABEL})*$")
_SEGMENT = re.compile(r"^(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+$")
_ESCAPED_SEPARATORS = ("%2f", "%2e", "%5c")  # an encoded /, . or \ could climb out of a path


def did_web_url(did: str) -> str:
    """The https URL of a did:web's DID document; a `VerificationMethodError` if malformed."""
    if not did.startswith(PREFIX):
        raise VerificationMethodError(f"{did!r} is not a did:web")
    identifier = did.split("#", 1)[0].split("?", 1)[0]
    parts = identifier.removeprefix(PREFIX).split(":")
    authority, path = parts[0], parts[1:]
    host, _, port = authority.partition("%3A") if "%3A" in authority else authority.partition("%3a")
    if not _HOST.match(host) or host.replace(".", "").isdigit():
        raise VerificationMethodError(
            f"{did!r}: {host!r} is not a domain name (did:web takes no IP addresses)"
        )
    if port and (not port.isdigit() or not 0 < int(port) < 65536):
        raise VerificationMethodError(f"{did!r}: {port!r} is not a port")
    for segment in path:
        escapes = any(escaped in segment.lower() for escaped in _ESCAPED_SEPARATORS)
        if segment in (".", "..") or not _SEGMENT.match(segment) or escapes:
            raise VerificationMethodError(f"{did!r}: {segment!r} is not a path segment")
    origin = f"https://{host.lower()}" + (f":{int(port)}" if port else "")
    return origin + ("/" + "/".join(path) if path else "/.well-known") + "/did.json"


def resolve_did_web(did: str, fetcher: Fetcher) -> dict[str, Any]:
    """Fetch the DID document of a did:web; its `id` must be the DID itself."""
    identifier = did.split("#", 1)[0]
    url = did_web_url(identifier)
    try:
        document = fetch_json(fetcher, url, accept=DID_TYPES)
    except EdubadgeError as error:
        raise VerificationMethodError(
            f"cannot resolve {identifier!r} from {url}: {error.message}"
        ) from None
    if not isinstance(document, dict) or document.get("id") != identifier:
        found = document.get("id") if isinstance(document, dict) else None
        raise VerificationMethodError(
            f"the DID document at {url} is for {found!r}, not {identifier!r}"
        )
    return document
