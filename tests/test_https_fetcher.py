"""The https fetcher against real local TLS servers: each attack refused, each defence needed.

Each attack test also runs a control where only that defence is lifted (or the attack is
absent) and the fetch succeeds, so the refusal is the defence's doing.
"""

from __future__ import annotations

import gzip
import ipaddress
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edubadge.errors import BlockedAddressError, FetchError
from edubadge.net.https import HttpsFetcher, blocked_reason

from .tls_servers import (
    OTHER_PUBLIC_ADDRESS,
    PUBLIC_ADDRESS,
    LocalServer,
    Pki,
    Route,
    RoutedFetcher,
    make_pki,
    resolver,
)

JSON = ("application/json",)
DOC = b'{"id": "public"}'
SECRET = b'{"id": "secret"}'


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def public(pki: Pki) -> Iterator[LocalServer]:
    """The server the tests treat as a public host."""
    with LocalServer({"/doc": Route(DOC)}, pki) as server:
        yield server


@pytest.fixture
def internal(pki: Pki) -> Iterator[LocalServer]:
    """A server on the loopback interface that no fetch may reach."""
    with LocalServer({"/secret": Route(SECRET), "/doc": Route(SECRET)}, pki) as server:
        yield server


def _routed(pki: Pki, server: LocalServer, **options: object) -> RoutedFetcher:
    dns = resolver({"public.test": [[PUBLIC_ADDRESS]]})
    return RoutedFetcher(
        {PUBLIC_ADDRESS: server.port}, ca_file=str(pki.ca_file), resolver=dns, **options
    )


def test_public_https_document_is_fetched(pki: Pki, public: LocalServer) -> None:
    fetched = _routed(pki, public).fetch("https://public.test/doc", accept=JSON)
    assert fetched.body == DOC and fetched.content_type == "application/json"
    assert public.requests == [("public.test", "/doc")]  # the original name, not the address


def test_plain_http_is_refused(pki: Pki) -> None:
    with LocalServer({"/doc": Route(DOC)}, None) as plain:
        url = f"http://127.0.0.1:{plain.port}/doc"
        with pytest.raises(BlockedAddressError, match="only https"):
            HttpsFetcher(allow_private=True).fetch(url, accept=JSON)
        assert plain.requests == []


def test_private_ip_literal_is_refused(pki: Pki, internal: LocalServer) -> None:
    url = f"https://127.0.0.1:{internal.port}/secret"
    with pytest.raises(BlockedAddressError, match="loopback"):
        HttpsFetcher(ca_file=str(pki.ca_file)).fetch(url, accept=JSON)
    assert internal.requests == []
    # control: the same fetch with private addresses allowed reaches the server
    allowed = HttpsFetcher(ca_file=str(pki.ca_file), allow_private=True)
    assert allowed.fetch(url, accept=JSON).body == SECRET


@pytest.mark.parametrize("host", ["[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"])
def test_ipv6_loopback_literals_are_refused(host: str) -> None:
    with pytest.raises(BlockedAddressError):
        HttpsFetcher().fetch(f"https://{host}:1/", accept=JSON)


def test_hostname_resolving_to_loopback_is_refused(pki: Pki, internal: LocalServer) -> None:
    url = f"https://localhost:{internal.port}/secret"  # the system resolver's answer
    with pytest.raises(BlockedAddressError, match="localhost resolves to"):
        HttpsFetcher(ca_file=str(pki.ca_file)).fetch(url, accept=JSON)
    dns = resolver({"evil.test": [["127.0.0.1"]]})
    fetcher = HttpsFetcher(ca_file=str(pki.ca_file), resolver=dns)
    with pytest.raises(BlockedAddressError, match=r"evil\.test resolves to"):
        fetcher.fetch(f"https://evil.test:{internal.port}/secret", accept=JSON)
    assert internal.requests == []
    allowed = HttpsFetcher(ca_file=str(pki.ca_file), allow_private=True)
    assert allowed.fetch(url, accept=JSON).body == SECRET


def test_any_private_answer_among_several_is_refused(pki: Pki, public: LocalServer) -> None:
    fetcher = _routed(pki, public)
    fetcher.resolver = resolver({"public.test": [[PUBLIC_ADDRESS, "10.0.0.7"]]})
    with pytest.raises(BlockedAddressError, match=r"10\.0\.0\.7 is a private"):
        fetcher.fetch("https://public.test/doc", accept=JSON)
    assert fetcher.connected == []


def test_redirect_to_a_private_address_is_refused(
    pki: Pki, public: LocalServer, internal: LocalServer
) -> None:
    target = f"https://127.0.0.1:{internal.port}/secret"
    public.routes["/moved"] = Route(b"", 302, "text/plain", headers={"Location": target})
    fetcher = _routed(pki, public)
    with pytest.raises(BlockedAddressError, match="loopback"):
        fetcher.fetch("https://public.test/moved", accept=JSON)
    assert internal.requests == []
    # control: a redirect to another public path is followed
    public.routes["/moved"] = Route(b"", 301, "text/plain", headers={"Location": "/doc"})
    assert fetcher.fetch("https://public.test/moved", accept=JSON).body == DOC


def test_redirect_to_http_is_refused(pki: Pki, public: LocalServer) -> None:
    public.routes["/moved"] = Route(
        b"", 307, "text/plain", headers={"Location": "http://public.test/doc"}
    )
    with pytest.raises(BlockedAddressError, match="only https"):
        _routed(pki, public).fetch("https://public.test/moved", accept=JSON)


def test_redirect_loops_stop(pki: Pki, public: LocalServer) -> None:
    public.routes["/loop"] = Route(b"", 302, "text/plain", headers={"Location": "/loop"})
    with pytest.raises(FetchError, match="redirects"):
        _routed(pki, public, max_redirects=2).fetch("https://public.test/loop", accept=JSON)
    assert len(public.requests) == 3


def test_dns_rebinding_cannot_swap_the_checked_address(
    pki: Pki, public: LocalServer, internal: LocalServer
) -> None:
    """First answer public (checked), second answer loopback: the checked one is used."""
    dns = resolver({"public.test": [[PUBLIC_ADDRESS], ["127.0.0.1"]]})
    fetcher = RoutedFetcher({PUBLIC_ADDRESS: public.port}, ca_file=str(pki.ca_file), resolver=dns)
    fetched = fetcher.fetch(f"https://public.test:{internal.port}/doc", accept=JSON)
    assert fetched.body == DOC
    assert fetcher.connected == [PUBLIC_ADDRESS]
    assert internal.requests == []
    # a second fetch looks the name up again and now meets the private answer: refused
    with pytest.raises(BlockedAddressError):
        fetcher.fetch(f"https://public.test:{internal.port}/doc", accept=JSON)


def test_oversize_body_is_refused(pki: Pki, public: LocalServer) -> None:
    big = b'{"x": "' + b"a" * 200_000 + b'"}'
    public.routes["/big"] = Route(big)
    public.routes["/big-unannounced"] = Route(big, send_length=False)
    fetcher = _routed(pki, public, max_bytes=64 * 1024)
    with pytest.raises(FetchError, match="bytes"):
        fetcher.fetch("https://public.test/big", accept=JSON)
    with pytest.raises(FetchError, match="larger than 65536"):
        fetcher.fetch("https://public.test/big-unannounced", accept=JSON)
    assert len(_routed(pki, public).fetch("https://public.test/big", accept=JSON).body) == len(big)


def test_slow_server_hits_the_read_timeout(pki: Pki, public: LocalServer) -> None:
    public.routes["/slow"] = Route(DOC, delay=3.0)
    fetcher = _routed(pki, public, read_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timeout"):
        fetcher.fetch("https://public.test/slow", accept=JSON)
    assert time.monotonic() - started < 2.5


def test_dripping_server_hits_the_deadline(pki: Pki, public: LocalServer) -> None:
    public.routes["/drip"] = Route(b'{"a": "' + b"b" * 100 + b'"}', drip=0.1)
    fetcher = _routed(pki, public, read_timeout=1.0, total_timeout=0.8)
    started = time.monotonic()
    with pytest.raises(FetchError, match="longer than"):
        fetcher.fetch("https://public.test/drip", accept=JSON)
    assert time.monotonic() - started < 2.5


def test_wrong_content_type_is_refused(pki: Pki, public: LocalServer) -> None:
    public.routes["/page"] = Route(DOC, content_type="text/html")
    with pytest.raises(FetchError, match="text/html"):
        _routed(pki, public).fetch("https://public.test/page", accept=JSON)
    fetched = _routed(pki, public).fetch("https://public.test/page", accept=("text/html",))
    assert fetched.body == DOC


def test_untrusted_certificate_is_refused(pki: Pki, public: LocalServer) -> None:
    dns = resolver({"public.test": [[PUBLIC_ADDRESS]]})
    fetcher = RoutedFetcher({PUBLIC_ADDRESS: public.port}, resolver=dns)  # system CAs only
    with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED"):
        fetcher.fetch("https://public.test/doc", accept=JSON)


def test_certificate_for_another_name_is_refused(pki: Pki, public: LocalServer) -> None:
    dns = resolver({"other.example": [[PUBLIC_ADDRESS]]})
    fetcher = RoutedFetcher({PUBLIC_ADDRESS: public.port}, ca_file=str(pki.ca_file), resolver=dns)
    with pytest.raises(FetchError, match=r"CERTIFICATE_VERIFY_FAILED|match"):
        fetcher.fetch("https://other.example/doc", accept=JSON)


def test_credentials_in_url_and_errors_are_refused(pki: Pki) -> None:
    with pytest.raises(BlockedAddressError, match="credentials"):
        HttpsFetcher().fetch("https://user:pw@public.test/doc", accept=JSON)
    with pytest.raises(FetchError, match="unknown name"):
        HttpsFetcher(resolver=resolver({})).fetch("https://nowhere.test/", accept=JSON)


def test_cache_life_is_read(pki: Pki, public: LocalServer) -> None:
    public.routes["/cached"] = Route(DOC, headers={"Cache-Control": "public, max-age=600"})
    fetched = _routed(pki, public).fetch("https://public.test/cached", accept=JSON)
    assert fetched.max_age == 600
    assert _routed(pki, public).fetch("https://public.test/doc", accept=JSON).max_age is None


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared (carrier-grade NAT)
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "240.0.0.1",
        "192.0.2.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fec0::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "::127.0.0.1",
        "2001:db8::1",
    ],
)
def test_blocked_ranges(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize(
    "address", [PUBLIC_ADDRESS, OTHER_PUBLIC_ADDRESS, "2606:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_pass(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is None


@given(st.ip_addresses(v=4))
def test_ipv4_mapped_addresses_get_the_ipv4_verdict(address: ipaddress.IPv4Address) -> None:
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert (blocked_reason(mapped) is None) is (blocked_reason(address) is None)


def test_fetcher_reads_no_proxy_settings(
    pki: Pki, public: LocalServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # a proxy would get nothing through
    assert _routed(pki, public).fetch("https://public.test/doc", accept=JSON).body == DOC


# --- more attacks: address spellings, URL confusion, hostile responses, a black hole ---------


@pytest.mark.parametrize(
    "host",
    [
        "2130706433",  # 127.0.0.1 as one decimal number
        "0x7f000001",  # ... in hexadecimal
        "0177.0.0.1",  # ... with an octal first part
        "127.1",  # ... shortened
        "0",  # 0.0.0.0, which reaches this machine
        "\u24dbocalhost",  # a circled letter that IDNA folds to "localhost"
        "[fe80::1%25eth0]",  # link-local with a zone
    ],
)
def test_other_spellings_of_a_private_address_are_refused(
    pki: Pki, internal: LocalServer, host: str
) -> None:
    url = f"https://{host}:{internal.port}/secret"
    with pytest.raises(BlockedAddressError, match="resolves to"):
        HttpsFetcher(ca_file=str(pki.ca_file)).fetch(url, accept=JSON)
    assert internal.requests == []


@pytest.mark.parametrize(
    "template",
    [
        "https://public.test@127.0.0.1:{port}/secret",  # userinfo that looks like the host
        "https://127.0.0.1:{port}#@public.test/secret",  # the fragment hides the real host
        "https://127.0.0.1:{port}\\@public.test/secret",  # a backslash some parsers split on
    ],
)
def test_url_confusion_is_refused(pki: Pki, internal: LocalServer, template: str) -> None:
    url = template.format(port=internal.port)
    with pytest.raises(BlockedAddressError):
        HttpsFetcher(ca_file=str(pki.ca_file)).fetch(url, accept=JSON)
    assert internal.requests == []


def test_compressed_body_is_refused(pki: Pki, public: LocalServer) -> None:
    """A gzip bomb is small on the wire: no content encoding is accepted, so none is unpacked."""
    bomb = gzip.compress(b" " * 10_000_000)
    public.routes["/bomb"] = Route(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="content encoding 'gzip'"):
        _routed(pki, public).fetch("https://public.test/bomb", accept=JSON)
    assert len(bomb) < 64 * 1024  # what the size cap alone would have let through


def test_error_status_and_redirect_without_location_are_refused(
    pki: Pki, public: LocalServer
) -> None:
    public.routes["/gone"] = Route(DOC, 410)
    public.routes["/nowhere"] = Route(b"", 302, "text/plain")
    fetcher = _routed(pki, public)
    with pytest.raises(FetchError, match="410"):
        fetcher.fetch("https://public.test/gone", accept=JSON)
    with pytest.raises(FetchError, match="without a Location"):
        fetcher.fetch("https://public.test/nowhere", accept=JSON)


def test_header_flood_is_refused(pki: Pki, public: LocalServer) -> None:
    headers = {f"X-Flood-{i}": "x" for i in range(150)}
    public.routes["/flood"] = Route(DOC, headers=headers)
    with pytest.raises(FetchError, match="more than 100 headers"):
        _routed(pki, public).fetch("https://public.test/flood", accept=JSON)


def test_untyped_body_is_refused(pki: Pki, public: LocalServer) -> None:
    public.routes["/untyped"] = Route(DOC, content_type="")
    with pytest.raises(FetchError, match="not one of"):
        _routed(pki, public).fetch("https://public.test/untyped", accept=JSON)


def test_black_hole_hits_the_connect_timeout(pki: Pki) -> None:
    """A host that never completes the TCP handshake (its listen queue is full)."""
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(0)
    port = hole.getsockname()[1]
    fillers = []
    try:
        for _ in range(8):  # fill the queue until a connection no longer completes
            filler = socket.socket()
            filler.settimeout(0.3)
            fillers.append(filler)
            try:
                filler.connect(("127.0.0.1", port))
            except TimeoutError:
                break
        else:
            pytest.skip("this kernel completes every handshake; no black hole to test")
        dns = resolver({"public.test": [[PUBLIC_ADDRESS]]})
        fetcher = RoutedFetcher(
            {PUBLIC_ADDRESS: port}, ca_file=str(pki.ca_file), resolver=dns, connect_timeout=0.5
        )
        started = time.monotonic()
        with pytest.raises(FetchError, match="timeout"):
            fetcher.fetch("https://public.test/doc", accept=JSON)
        assert time.monotonic() - started < 2.0
    finally:
        for filler in fillers:
            filler.close()
        hole.close()
