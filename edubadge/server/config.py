"""The service's configuration: issuer profiles, their keys and credentials, the status store.

A configuration file is JSON or TOML. Secrets are never written into it: API keys and OAuth2
client secrets appear only as hashes (`sha256:<hex>`, made by `edubadge serve --new-secret`),
the token-signing secret and key passphrases are read from files or environment variables.
Paths in the file are relative to the file's folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import InputError, InvalidFieldsError
from ..issuer import DEFAULT_SUITE
from ..model.microcredential import field_errors

SECRET_PREFIX = "ebs_"  # generated secrets start with this, so a leaked one is recognisable
HASH_PREFIX = "sha256:"
DEFAULT_TTL_MS = 3_600_000


def new_secret() -> str:
    """A fresh random secret (256 bits) for an API key or an OAuth2 client."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The form a secret is stored in. Secrets are 256-bit random values, so one SHA-256
    is enough: there is no password to guess, only a value to recognise."""
    return HASH_PREFIX + hashlib.sha256(secret.encode("utf-8")).hexdigest()


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OAuthClient(_Config):
    """An OAuth2 client allowed the client-credentials grant for one profile."""

    id: str = Field(min_length=1, max_length=200)
    secret_hash: str = Field(description="sha256:<hex> of the client secret")

    @field_validator("secret_hash")
    @classmethod
    def _is_hash(cls, value: str) -> str:
        return _check_hash(value)


class StatusConfig(_Config):
    """Status lists for a profile's credentials (Bitstring Status List)."""

    purposes: tuple[Literal["revocation", "suspension"], ...] = Field(
        default=("revocation",),
        description="revocation alone (the default) keeps credentialStatus one object, as the "
        "OB 3.0 schema wants; with suspension it is an array; none: no status",
    )
    ttl_ms: int = Field(default=DEFAULT_TTL_MS, ge=0, description="how long verifiers may cache")


class IssuerProfile(_Config):
    """One issuer the service signs for: its key, how it secures credentials, who may use it."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$", description="used in URLs")
    key: str = Field(description="key file path, or a pkcs11: URI")
    passphrase_env: str | None = Field(
        default=None, description="environment variable holding the key file's passphrase"
    )
    passphrase_file: str | None = None
    suite: str = DEFAULT_SUITE
    envelope: Literal["jwt"] | None = Field(
        default=None, description="'jwt': issue OB 3.0 VC-JWTs instead of embedded proofs"
    )
    issuer: dict[str, Any] = Field(
        description="the issuer's Organisation (name, country, url...); id defaults to the "
        "controller of the key"
    )
    api_key_hashes: tuple[str, ...] = ()
    clients: tuple[OAuthClient, ...] = ()
    status: StatusConfig | None = StatusConfig()

    @field_validator("api_key_hashes")
    @classmethod
    def _are_hashes(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_hash(v) for v in values)


class ServerConfig(_Config):
    """The whole service: its public URL, store, token secret and issuer profiles."""

    base_url: str = Field(
        default="http://127.0.0.1:8000",
        pattern=r"^https?://[^/?#]+(/[^?#]*[^/?#])?$",
        description="where clients reach the service (no trailing /); status list URLs and "
        "the access tokens' issuer are made from it. `edubadge serve` sets it from --host "
        "and --port when the file does not",
    )
    db: str | None = Field(default=None, description="status store URL (sqlite:///, postgresql://)")
    token_secret_file: str | None = Field(
        default=None, description="file holding the secret that signs access tokens"
    )
    token_ttl: int = Field(default=600, ge=30, le=86_400, description="access token lifetime (s)")
    fetch: bool = Field(
        default=False, description="let verification fetch did:web and https controller documents"
    )
    contexts: dict[str, str] = Field(
        default_factory=dict,
        description="extra JSON-LD contexts, URL -> file; nothing is ever fetched",
    )
    profiles: tuple[IssuerProfile, ...] = Field(min_length=1)
    folder: Path = Field(default=Path("."), exclude=True)

    @field_validator("profiles")
    @classmethod
    def _unique(cls, values: tuple[IssuerProfile, ...]) -> tuple[IssuerProfile, ...]:
        names = [p.name for p in values]
        if len(set(names)) != len(names):
            raise ValueError("profile names must be unique")
        clients = [c.id for p in values for c in p.clients]
        if len(set(clients)) != len(clients):
            raise ValueError("an OAuth2 client id may belong to one profile only")
        return values

    def path(self, value: str) -> Path:
        """A path from the file, relative to the file's folder."""
        return self.folder / Path(value).expanduser()

    def profile(self, name: str) -> IssuerProfile:
        """The profile called `name`."""
        for profile in self.profiles:
            if profile.name == name:
                return profile
        raise InputError(f"no issuer profile {name!r}")

    def token_secret(self) -> bytes:
        """The secret that signs access tokens: EDUBADGE_TOKEN_SECRET or token_secret_file."""
        value = os.environ.get("EDUBADGE_TOKEN_SECRET")
        if not value and self.token_secret_file:
            try:
                value = self.path(self.token_secret_file).read_text("utf-8").strip()
            except OSError as error:
                raise InputError(
                    f"cannot read token_secret_file {self.token_secret_file}: {error.strerror}"
                ) from None
        if not value or len(value) < 32:
            raise InputError(
                "no token secret of 32 characters or more",
                hint="set EDUBADGE_TOKEN_SECRET or token_secret_file (all server processes "
                "share it); OAuth2 tokens need it",
            )
        return value.encode("utf-8")


def _check_hash(value: str) -> str:
    digest = value.removeprefix(HASH_PREFIX)
    if not value.startswith(HASH_PREFIX) or len(digest) != 64 or not _is_hex(digest):
        raise ValueError(
            "a secret is stored as its hash, sha256:<64 hex digits> "
            "(edubadge serve --new-secret makes one)"
        )
    return value


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def load_config(path: str | os.PathLike[str]) -> ServerConfig:
    """Read and check a configuration file (JSON, or TOML when it ends in .toml)."""
    source = Path(path)
    try:
        text = source.read_text("utf-8")
    except OSError as error:
        raise InputError(f"cannot read configuration {source}: {error.strerror}") from None
    try:
        data = tomllib.loads(text) if source.suffix == ".toml" else json.loads(text)
    except ValueError as error:
        raise InputError(f"configuration {source} is not valid: {error}") from None
    if not isinstance(data, dict):
        raise InputError(f"configuration {source} is not an object")
    return config_from(data, folder=source.resolve().parent)


def config_from(data: dict[str, Any], *, folder: Path) -> ServerConfig:
    """A `ServerConfig` from parsed data; paths in it are relative to `folder`."""
    try:
        return ServerConfig.model_validate({**data, "folder": folder})
    except ValidationError as error:
        raise InvalidFieldsError("server configuration", field_errors(error)) from None
