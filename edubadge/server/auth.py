"""Who is calling: API keys and OAuth2 client-credentials access tokens, per issuer profile.

Both are sent as `Authorization: Bearer <value>`. An API key is compared, by its hash and in
constant time, with every key of every profile. An access token is a short-lived JWT
(HS256) signed with the server's token secret, so any process that shares the secret can
check it without shared memory; it names the profile its client belongs to.
"""

from __future__ import annotations

import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from jwcrypto import jwk, jws, jwt

from .config import ServerConfig, hash_secret
from .problems import HttpProblem, unauthorized

TOKEN_AUDIENCE = "edubadge-vc-api"
TOKEN_ALG = "HS256"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: the profile it may act for, and who it is (for audit)."""

    profile: str
    subject: str


class Authenticator:
    """Checks API keys and access tokens, and grants tokens to OAuth2 clients."""

    def __init__(self, config: ServerConfig) -> None:
        self._keys = [
            (i, digest.encode(), profile.name)
            for profile in config.profiles
            for i, digest in enumerate(profile.api_key_hashes)
        ]
        self._clients = {
            client.id: (client.secret_hash.encode(), profile.name)
            for profile in config.profiles
            for client in profile.clients
        }
        self._ttl = config.token_ttl
        self._issuer = config.base_url
        self._key: jwk.JWK | None = None
        if self._clients:
            self._key = jwk.JWK(kty="oct", k=jws.base64url_encode(config.token_secret()))

    def __repr__(self) -> str:
        return f"Authenticator({len(self._keys)} API keys, {len(self._clients)} clients)"

    # --- checking ------------------------------------------------------------------------

    def authenticate(self, authorization: str | None) -> Principal:
        """The caller an `Authorization` header proves, or a 401 problem."""
        if not authorization:
            raise unauthorized("this needs an API key or an access token (Authorization: Bearer)")
        scheme, _, value = authorization.partition(" ")
        value = value.strip()
        if scheme.lower() != "bearer" or not value:
            raise unauthorized("use Authorization: Bearer <API key or access token>")
        if value.count(".") == 2:
            return self._token(value)
        return self._api_key(value)

    def _api_key(self, value: str) -> Principal:
        presented = hash_secret(value).encode()
        found: tuple[int, str] | None = None
        for index, digest, profile in self._keys:  # every key compared: no early exit
            if hmac.compare_digest(presented, digest) and found is None:
                found = (index, profile)
        if found is None:
            raise unauthorized("unknown API key")
        return Principal(found[1], f"api-key:{found[1]}:{found[0]}")

    def _token(self, value: str) -> Principal:
        if self._key is None:
            raise unauthorized("this service grants no access tokens")
        try:
            token = jwt.JWT(
                key=self._key,
                jwt=value,
                algs=[TOKEN_ALG],
                check_claims={"iss": self._issuer, "aud": TOKEN_AUDIENCE, "exp": None},
            )
            claims = json.loads(token.claims)
        except Exception:  # any fault in a token is the same answer: not valid
            raise unauthorized("the access token is not valid or has expired") from None
        client = claims.get("sub")
        registered = self._clients.get(client) if isinstance(client, str) else None
        if registered is None or claims.get("profile") != registered[1]:
            raise unauthorized("the access token's client is no longer registered")
        return Principal(registered[1], f"client:{client}")

    # --- granting ------------------------------------------------------------------------

    def grant(self, form: dict[str, str], basic: tuple[str, str] | None) -> dict[str, Any]:
        """The token response (RFC 6749 4.4) for a client-credentials request."""
        if form.get("grant_type") != "client_credentials":
            raise HttpProblem(
                400,
                "unsupported-grant-type",
                "only grant_type=client_credentials is supported",
                error="unsupported_grant_type",
            )
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        registered = self._clients.get(client_id)
        expected = registered[0] if registered else hash_secret("").encode()
        matches = hmac.compare_digest(hash_secret(secret).encode(), expected)
        if registered is None or not matches or self._key is None:
            raise HttpProblem(
                401,
                "invalid-client",
                "unknown client or wrong secret",
                error="invalid_client",
                headers={"WWW-Authenticate": 'Basic realm="edubadge"'},
            )
        now = int(time.time())
        claims = {
            "iss": self._issuer,
            "aud": TOKEN_AUDIENCE,
            "sub": client_id,
            "profile": registered[1],
            "iat": now,
            "exp": now + self._ttl,
            "jti": str(uuid.uuid4()),
        }
        token = jwt.JWT(header={"alg": TOKEN_ALG, "typ": "at+jwt"}, claims=claims)
        token.make_signed_token(self._key)
        return {
            "access_token": token.serialize(),
            "token_type": "Bearer",
            "expires_in": self._ttl,
        }
