"""Local https servers for the fetcher tests: a test CA, routes by path, a simulated internet.

Every server listens on 127.0.0.1 only. `RoutedFetcher` stands in for the internet: a
connection to one of its listed public addresses lands on a local server, and any other
connection fails the test, so no test ever sends a packet beyond this machine.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from edubadge.net.https import HttpsFetcher

NAMES = ("localhost", "issuer.test", "public.test", "evil.test")
PUBLIC_ADDRESS = "93.184.215.14"  # a public address that the tests route to a local server
OTHER_PUBLIC_ADDRESS = "151.101.1.69"
MAX_SLEEP = 5.0  # no handler sleeps longer, so every server stops by itself


@dataclass(frozen=True)
class Pki:
    """A test CA and one server certificate for NAMES, 127.0.0.1 and ::1."""

    ca_file: Path
    cert_file: Path
    key_file: Path


def _name(text: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


def make_pki(directory: Path) -> Pki:
    """Write a fresh CA and a server certificate signed by it into `directory`."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("edubadge test CA"))
        .issuer_name(_name("edubadge test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(n) for n in NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(a)) for a in ("127.0.0.1", "::1")]
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    pki = Pki(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    pki.ca_file.write_bytes(ca.public_bytes(pem))
    pki.cert_file.write_bytes(cert.public_bytes(pem))
    pki.key_file.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return pki


@dataclass
class Route:
    """What a path answers: status, headers, body; optionally slowly."""

    body: bytes = b"{}"
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the body (after the headers)
    drip: float = 0.0  # between single bytes of the body
    send_length: bool = True


class LocalServer:
    """An https (or plain http) server on 127.0.0.1 answering `routes`; records each request."""

    def __init__(self, routes: dict[str, Route], pki: Pki | None) -> None:
        self.routes = routes
        self.requests: list[tuple[str, str]] = []  # (Host header, path)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                server.requests.append((self.headers.get("Host", ""), self.path))
                route = server.routes.get(self.path, Route(b"not found", 404, "text/plain"))
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.send_length:
                    self.send_header("Content-Length", str(len(route.body)))
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    time.sleep(min(route.delay, MAX_SLEEP))
                    if not route.drip:
                        self.wfile.write(route.body)
                        return
                    started = time.monotonic()
                    for byte in route.body:
                        if time.monotonic() - started > MAX_SLEEP:
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(route.drip)
                except OSError:
                    return  # the client gave up, as it should

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if pki is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(pki.cert_file, pki.key_file)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=MAX_SLEEP)


class RoutedFetcher(HttpsFetcher):
    """An `HttpsFetcher` on a simulated internet: listed public addresses reach local servers."""

    def __init__(self, routes: dict[str, int], **options: Any) -> None:
        super().__init__(**options)
        self.routes = routes
        self.connected: list[str] = []

    def open_connection(self, address: str, port: int, timeout: float) -> socket.socket:
        self.connected.append(address)
        if address in self.routes:
            return socket.create_connection(("127.0.0.1", self.routes[address]), timeout=timeout)
        if ipaddress.ip_address(address).is_loopback:
            return super().open_connection(address, port, timeout)
        raise AssertionError(f"the test tried to reach {address}")


def resolver(answers: dict[str, Sequence[Sequence[str]]]) -> Callable[[str, int], list[str]]:
    """A DNS stand-in: each lookup of a name gives its next answer (the last one repeats)."""
    calls: dict[str, Iterator[Sequence[str]]] = {}
    last: dict[str, Sequence[str]] = {}

    def resolve(host: str, port: int) -> list[str]:
        if host not in answers:
            raise socket.gaierror(f"{host}: unknown name")
        sequence = calls.setdefault(host, iter(answers[host]))
        last[host] = next(sequence, last.get(host, answers[host][-1]))
        return list(last[host])

    return resolve
