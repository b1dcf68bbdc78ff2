"""`HttpsFetcher`: the opt-in network fetcher, built so that nobody can aim it at your network.

Rules (docs/network.md):

- https only, certificates verified (system trust store, or `ca_file` / `ssl_context`);
- every address a host name resolves to must be public: private, loopback, link-local,
  multicast, unspecified, reserved and shared ranges are refused, IPv4 and IPv6, including
  IPv4 embedded in IPv6 (mapped, 6to4, Teredo, NAT64). `allow_private=True` lifts this (tests,
  intranets);
- the checked address is the one connected to (no second DNS lookup, so a rebinding DNS
  server cannot swap it), while TLS still verifies the certificate for the original name;
- each redirect is a new request under the same rules, at most `max_redirects`;
- connect and read timeouts, and a deadline for the whole fetch;
- the body is capped at `max_bytes`, the media type must be one the caller accepts, and no
  content encoding is accepted;
- no proxy, no cookies, no credentials: environment variables are never read.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from urllib.parse import urljoin, urlsplit

from ..errors import BlockedAddressError, FetchError
from .fetcher import Fetched

Resolver = Callable[[str, int], Sequence[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
REDIRECTS = (301, 302, 303, 307, 308)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*(\d+)", re.I)
_RANGES = (
    ("is_loopback", "a loopback"),
    ("is_link_local", "a link-local"),
    ("is_multicast", "a multicast"),
    ("is_unspecified", "the unspecified"),
    ("is_reserved", "a reserved"),
    ("is_private", "a private"),
)


def blocked_reason(address: IPAddress) -> str | None:
    """Why the fetcher refuses to connect to `address`; None for a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            reason = blocked_reason(embedded)
            return f"{reason} (embedded in {address})" if reason else None
        if address.is_site_local:
            return f"{address} is a site-local address"
    for attribute, kind in _RANGES:
        if getattr(address, attribute):
            return f"{address} is {kind} address"
    if not address.is_global:
        return f"{address} is not a public address"
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (no proxy, no caching of our own)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _PinnedConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address, with TLS verifying the original host name."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        address: str,
        context: ssl.SSLContext,
        timeout: float,
        opener: Callable[[str, int, float], socket.socket],
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context
        self._opener = opener
        self.raw: socket.socket | None = None  # until TLS wraps it
        self.tls: ssl.SSLSocket | None = None  # kept: http.client drops `sock` on Connection: close

    def connect(self) -> None:
        self.raw = self._opener(self._address, self.port, self.timeout)  # type: ignore[arg-type]
        self.tls = self._tls.wrap_socket(self.raw, server_hostname=self.host)
        self.sock = self.tls


class HttpsFetcher:
    """Fetches https documents under the rules above; implements `edubadge.net.Fetcher`."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        ca_file: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        total_timeout: float = 30.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = 3,
        resolver: Resolver | None = None,
        user_agent: str = "edubadge",
    ) -> None:
        self.allow_private = allow_private
        self.context = ssl_context or ssl.create_default_context(cafile=ca_file)
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.resolver = resolver or system_resolver
        self.user_agent = user_agent

    def __repr__(self) -> str:
        private = ", allow_private=True" if self.allow_private else ""
        return f"HttpsFetcher(max_bytes={self.max_bytes}{private})"

    def open_connection(self, address: str, port: int, timeout: float) -> socket.socket:
        """A TCP connection to a checked address (a seam for tests that simulate routing)."""
        return socket.create_connection((address, port), timeout=timeout)

    def fetch(self, url: str, *, accept: tuple[str, ...]) -> Fetched:
        """The document at `url` in one of the `accept` media types; a `FetchError` otherwise."""
        deadline = time.monotonic() + self.total_timeout
        current = url
        for _ in range(self.max_redirects + 1):
            status, location, fetched = self._request(current, accept, deadline)
            if fetched is not None:
                return fetched
            if not location:
                raise FetchError(f"{current} answered {status} without a Location")
            current = urljoin(current, location)
        raise FetchError(f"{url}: more than {self.max_redirects} redirects")

    # --- one request ---------------------------------------------------------------------

    def _target(self, url: str) -> tuple[str, int, str]:
        try:
            parts = urlsplit(url)
            port = parts.port or 443
        except ValueError as error:
            raise FetchError(f"{url!r} is not a valid URL: {error}") from None
        if parts.scheme.lower() != "https":
            raise BlockedAddressError(f"refused {url}: only https URLs are fetched")
        if parts.username is not None or parts.password is not None:
            raise BlockedAddressError(f"refused {url}: credentials in a URL are not sent")
        host = parts.hostname
        if not host:
            raise FetchError(f"{url!r} has no host")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return host, port, path

    def _address(self, url: str, host: str, port: int) -> str:
        try:
            literal: IPAddress | None = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None:
            candidates = [str(literal)]
        else:
            try:
                candidates = [str(a) for a in self.resolver(host, port)]
            except (OSError, UnicodeError) as error:
                raise FetchError(f"cannot resolve {host}: {error}") from None
            if not candidates:
                raise FetchError(f"{host} has no address")
        if not self.allow_private:
            for candidate in candidates:
                try:
                    reason = blocked_reason(ipaddress.ip_address(candidate))
                except ValueError:
                    reason = f"{candidate!r} is not an IP address"
                if reason:
                    raise BlockedAddressError(f"refused {url}: {host} resolves to {reason}")
        return candidates[0]

    def _request(
        self, url: str, accept: tuple[str, ...], deadline: float
    ) -> tuple[int, str | None, Fetched | None]:
        host, port, path = self._target(url)
        address = self._address(url, host, port)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"{url}: took longer than {self.total_timeout} s")
        connection = _PinnedConnection(
            host,
            port,
            address=address,
            context=self.context,
            timeout=min(self.connect_timeout, remaining),
            opener=self.open_connection,
        )
        expired = threading.Event()

        def abort() -> None:  # the deadline also covers a server that drips bytes
            expired.set()
            sock = connection.tls or connection.raw
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(remaining, abort)
        timer.daemon = True
        timer.start()
        try:
            connection.connect()
            assert connection.sock is not None
            connection.sock.settimeout(self.read_timeout)
            connection.request(
                "GET",
                path,
                headers={
                    "Accept": ", ".join(accept) if accept else "*/*",
                    "Accept-Encoding": "identity",
                    "User-Agent": self.user_agent,
                },
            )
            response = connection.getresponse()
            if response.status in REDIRECTS:
                return response.status, response.getheader("Location"), None
            if response.status != 200:
                raise FetchError(f"{url} answered {response.status} {response.reason}")
            fetched = self._read(url, response, accept)
            if expired.is_set():  # a body cut short by the deadline is no body
                raise FetchError(f"{url}: took longer than {self.total_timeout} s")
            return 200, None, fetched
        except FetchError:
            raise
        except (OSError, http.client.HTTPException) as error:
            if expired.is_set():
                raise FetchError(f"{url}: took longer than {self.total_timeout} s") from None
            if isinstance(error, TimeoutError):
                raise FetchError(f"{url}: no answer within the timeout") from None
            raise FetchError(f"cannot fetch {url}: {error}") from None
        finally:
            timer.cancel()
            connection.close()

    def _read(
        self, url: str, response: http.client.HTTPResponse, accept: tuple[str, ...]
    ) -> Fetched:
        media_type = (response.getheader("Content-Type") or "").split(";", 1)[0].strip().lower()
        if accept and media_type not in {a.lower() for a in accept}:
            raise FetchError(f"{url} is {media_type or 'untyped'}, not one of {', '.join(accept)}")
        encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
        if encoding != "identity":
            raise FetchError(f"{url} is sent with content encoding {encoding!r}")
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"{url} is {declared} bytes, more than {self.max_bytes}")
        body = bytearray()
        while True:
            chunk = response.read(min(65536, self.max_bytes + 1 - len(body)))
            if not chunk:
                break
            body += chunk
            if len(body) > self.max_bytes:
                raise FetchError(f"{url} is larger than {self.max_bytes} bytes")
        cache = response.getheader("Cache-Control") or ""
        match = _MAX_AGE.search(cache)
        no_store = "no-store" in cache.lower() or "no-cache" in cache.lower()
        max_age = 0 if no_store else (int(match.group(1)) if match else None)
        return Fetched(url=url, content_type=media_type, body=bytes(body), max_age=max_age)


__all__ = ["HttpsFetcher", "blocked_reason", "system_resolver"]
