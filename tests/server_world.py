"""A service configuration with two issuers, and a real server process for end-to-end tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from edubadge import keys
from edubadge.server.config import hash_secret, new_secret

ROOT = Path(__file__).resolve().parent.parent
TOKEN_SECRET = "t" * 48


@dataclass
class Issuer:
    """One configured profile and the secrets its callers hold."""

    name: str
    issuer_id: str
    api_key: str
    client_id: str
    client_secret: str

    @property
    def headers(self) -> dict[str, str]:
        """Authorization with the API key."""
        return {"Authorization": f"Bearer {self.api_key}"}


@dataclass
class World:
    """A configuration file and its issuers."""

    config: Path
    uni: Issuer
    other: Issuer
    jwt: Issuer
    ecdsa: Issuer


def make_world(folder: Path) -> World:
    """Four profiles: `uni` (eddsa-rdfc-2022, revocation), `other` (eddsa-jcs-2022,
    revocation and suspension, a one-minute ttl), `jwt` (OB 3.0 VC-JWTs, RSA), `ecdsa`
    (ecdsa-rdfc-2019, P-256)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "token-secret").write_text(TOKEN_SECRET)
    profiles, issuers = [], {}
    for name, suite, key_type, envelope in (
        ("uni", "eddsa-rdfc-2022", "Ed25519", None),
        ("other", "eddsa-jcs-2022", "Ed25519", None),
        ("jwt", "eddsa-rdfc-2022", "RSA", "jwt"),
        ("ecdsa", "ecdsa-rdfc-2019", "P-256", None),
    ):
        key = keys.generate(key_type, bits=2048 if key_type == "RSA" else None)
        keys.save_key(key, folder / f"{name}.key")
        api_key, client_secret = new_secret(), new_secret()
        profile: dict[str, Any] = {
            "name": name,
            "key": f"{name}.key",
            "suite": suite,
            "issuer": {"name": f"{name.title()} University", "country": "BE"},
            "api_key_hashes": [hash_secret(api_key)],
            "clients": [{"id": f"{name}-lms", "secret_hash": hash_secret(client_secret)}],
        }
        if envelope:
            profile["envelope"] = envelope
        if name == "other":
            profile["status"] = {"purposes": ["revocation", "suspension"], "ttl_ms": 60_000}
        profiles.append(profile)
        issuers[name] = Issuer(name, key.controller, api_key, f"{name}-lms", client_secret)
    config = folder / "server.json"
    config.write_text(
        json.dumps(
            {"token_secret_file": "token-secret", "db": "sqlite:///status.db", "profiles": profiles}
        )
    )
    return World(config, issuers["uni"], issuers["other"], issuers["jwt"], issuers["ecdsa"])


def description() -> dict[str, Any]:
    """The example micro-credential description, without its issuer (the profile's)."""
    data = json.loads((ROOT / "vectors/microcredential/input.json").read_text("utf-8"))
    data.pop("issuer")
    return dict(data)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def require_server_extra() -> None:
    """Skip (fail under CI) without FastAPI and uvicorn."""
    for name in ("fastapi", "uvicorn", "httpx"):
        try:
            __import__(name)
        except ImportError:
            message = f"{name} is not installed (pip install -e '.[test]')"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message, allow_module_level=True)


@contextmanager
def running_server(
    config: Path, *, db: str | None = None, workers: int = 1, timeout: float = 60.0
) -> Iterator[str]:
    """`edubadge serve` in a subprocess on a free loopback port; yields its base URL."""
    import httpx

    port = free_port()
    command = [
        sys.executable, "-m", "edubadge", "serve", "--config", str(config),
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
    ]  # fmt: skip
    if db:
        command += ["--db", db]
    log = config.parent / f"server-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
