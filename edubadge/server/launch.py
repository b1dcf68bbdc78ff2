"""Starting the service: a development setup made on first run, and uvicorn workers.

Every worker process builds its application from the same environment variables
(`EDUBADGE_SERVER_CONFIG`, `EDUBADGE_SERVER_BASE_URL`, `EDUBADGE_STATUS_DB`), so one or many
workers behave the same: they share the status store and the token secret, nothing else.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from .. import keys
from ..errors import InputError
from .config import ServerConfig, hash_secret, load_config, new_secret

if TYPE_CHECKING:
    from fastapi import FastAPI

CONFIG_ENV = "EDUBADGE_SERVER_CONFIG"
BASE_URL_ENV = "EDUBADGE_SERVER_BASE_URL"
DB_ENV = "EDUBADGE_STATUS_DB"
DEV_CONFIG = "server.json"
DEV_PROFILE = "dev"


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def bootstrap(folder: Path) -> tuple[Path, str | None]:
    """The development configuration in `folder`, made on first use.

    The first run creates an Ed25519 issuer key, a token secret and the configuration of one
    profile, `dev`, and returns its API key (shown once: only its hash is kept). Later runs
    return the existing configuration and None.
    """
    config = folder / DEV_CONFIG
    if config.exists():
        return config, None
    folder.mkdir(parents=True, exist_ok=True)
    key = keys.generate()
    keys.save_key(key, folder / "dev-issuer.key")
    _write_private(folder / "token-secret", secrets.token_urlsafe(48) + "\n")
    api_key = new_secret()
    data = {
        "db": "sqlite:///status.db",
        "token_secret_file": "token-secret",
        "profiles": [
            {
                "name": DEV_PROFILE,
                "key": "dev-issuer.key",
                "issuer": {"name": "Development issuer (edubadge serve)", "country": "BE"},
                "api_key_hashes": [hash_secret(api_key)],
            }
        ],
    }
    _write_private(config, json.dumps(data, indent=2) + "\n")
    return config, api_key


def settle(config: ServerConfig, *, base_url: str | None, db: str | None) -> ServerConfig:
    """The configuration with the base URL (unless the file sets it) and store chosen."""
    update: dict[str, object] = {}
    if base_url and "base_url" not in config.model_fields_set:
        update["base_url"] = base_url
    if db:
        update["db"] = db
    elif (
        config.db and config.db.startswith("sqlite:///") and not config.db.startswith("sqlite:////")
    ):
        update["db"] = "sqlite:///" + str(config.path(config.db.removeprefix("sqlite:///")))
    return config.model_copy(update=update) if update else config


def app_from_environment() -> FastAPI:
    """The application of one worker, from the environment `serve` sets (a uvicorn factory)."""
    from .app import create_app

    path = os.environ.get(CONFIG_ENV)
    if not path:
        raise InputError(f"{CONFIG_ENV} names no configuration file")
    config = settle(
        load_config(path), base_url=os.environ.get(BASE_URL_ENV), db=os.environ.get(DB_ENV)
    )
    return create_app(config)


def serve(
    config_path: Path,
    *,
    host: str,
    port: int,
    db: str | None,
    workers: int = 1,
    tls_cert: str | None = None,
    tls_key: str | None = None,
) -> None:
    """Run the service with uvicorn until interrupted."""
    import uvicorn

    load_config(config_path)  # fail here, once, rather than in every worker
    scheme = "https" if tls_cert else "http"
    shown = f"[{host}]" if ":" in host else host
    os.environ[CONFIG_ENV] = str(config_path.resolve())
    os.environ[BASE_URL_ENV] = f"{scheme}://{shown}:{port}"
    if db:
        os.environ[DB_ENV] = db
    uvicorn.run(
        "edubadge.server.launch:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        ssl_certfile=tls_cert,
        ssl_keyfile=tls_key,
        log_level="info",
        server_header=False,
    )
