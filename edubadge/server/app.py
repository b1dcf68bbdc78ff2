"""The HTTP routes: the W3C VC-API, the micro-credential endpoint, status lists, the page.

`create_app(config)` builds the ASGI application (FastAPI). Issuing and status changes need
an API key or an OAuth2 access token of the issuer profile they act for; verifying, the
status lists and the verifier page are public. Every error is an RFC 9457 problem.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, unquote

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from .. import __version__
from ..bake.png import MAX_PNG_BYTES
from ..envelopes.jose import looks_like_jws
from .auth import Authenticator, Principal
from .config import ServerConfig
from .problems import MEDIA_TYPE, HttpProblem
from .service import Service
from .summary import describe

log = logging.getLogger("edubadge.server")
MAX_BODY_BYTES = MAX_PNG_BYTES * 4 // 3 + 65_536  # the largest request: a baked PNG in base64
PAGE_FILES = {"verifier.js": "text/javascript", "verifier.css": "text/css"}
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
VC_MEDIA_TYPE = "application/vc"


# --- request bodies (they make the OpenAPI schema) ------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IssueOptions(BaseModel):
    """Issuing options (none are needed; unknown ones are ignored)."""

    model_config = ConfigDict(extra="allow")


class IssueRequest(_Body):
    """VC-API IssueCredentialRequest: an unsigned credential."""

    credential: dict[str, Any]
    options: IssueOptions = IssueOptions()


class MicroCredentialOptions(_Body):
    """How to issue a micro-credential description."""

    plainBadge: bool = Field(
        default=False, description="issue a plain badge, not marked as an EU micro-credential"
    )


class MicroCredentialRequest(_Body):
    """A micro-credential description (docs/model.md), without its issuer."""

    microCredential: dict[str, Any]
    options: MicroCredentialOptions = MicroCredentialOptions()


class VerifyOptions(BaseModel):
    """Verification options: `challenge` and `domain` bind a presentation."""

    model_config = ConfigDict(extra="allow")
    challenge: str | None = None
    domain: str | None = None


class VerifyCredentialRequest(_Body):
    """VC-API VerifyCredentialRequest: a credential with an embedded proof, an
    EnvelopedVerifiableCredential, or a compact JWS."""

    verifiableCredential: dict[str, Any] | str
    options: VerifyOptions = VerifyOptions()


class VerifyPresentationRequest(_Body):
    """VC-API VerifyPresentationRequest."""

    verifiablePresentation: dict[str, Any] | str
    options: VerifyOptions = VerifyOptions()


class StatusUpdate(BaseModel):
    """One status to set: revocation (final) or suspension (`status: false` reinstates)."""

    model_config = ConfigDict(extra="allow")
    type: str = "BitstringStatusListEntry"
    statusPurpose: Literal["revocation", "suspension"]
    status: bool = True


class UpdateStatusRequest(_Body):
    """VC-API UpdateCredentialStatus."""

    credentialId: str = Field(min_length=1, max_length=2000)
    credentialStatus: StatusUpdate | list[StatusUpdate]
    reason: str | None = Field(default=None, max_length=1000, description="kept in the audit")


class Upload(_Body):
    """A credential as the page sends it: pasted `text`, or a dropped `file` (base64)."""

    text: str | None = Field(default=None, max_length=MAX_BODY_BYTES)
    file: str | None = Field(default=None, max_length=MAX_BODY_BYTES, description="base64")

    def content(self) -> str | bytes:
        """The text, or the file's bytes."""
        if self.text is not None:
            return self.text
        try:
            return base64.b64decode(self.file or "", validate=True)
        except binascii.Error:
            raise HttpProblem(422, "invalid-request", "file is not valid base64") from None


class PageVerifyRequest(_Body):
    """The verifier page's request: one credential and, for a stack, its components."""

    credential: Upload
    components: list[Upload] = Field(default_factory=list, max_length=100)


# --- the application -----------------------------------------------------------------------

_bearer = HTTPBearer(auto_error=False, description="an API key or an OAuth2 access token")


def _principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    header = None if credentials is None else f"Bearer {credentials.credentials}"
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator.authenticate(header)


Caller = Annotated[Principal, Depends(_principal)]


def create_app(
    config: ServerConfig, *, db: str | None = None, service: Service | None = None
) -> FastAPI:
    """The ASGI application for a configuration (`db` overrides the configured store)."""
    made = service or Service(config, db=db)
    authenticator = Authenticator(config)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        made.close()

    app = FastAPI(
        title="edubadge",
        version=__version__,
        summary="Issue and verify EU micro-credentials (W3C VC-API, Open Badges 3.0)",
        docs_url=None,  # the Swagger page loads scripts from a CDN; the schema is enough
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.service = made
    app.state.authenticator = authenticator
    _add_error_handlers(app)
    _limit_body_size(app)

    @app.post("/credentials/issue", status_code=201, tags=["VC-API"])
    def issue_credential(body: IssueRequest, caller: Caller) -> dict[str, Any]:
        """Sign a credential for the caller's issuer profile."""
        return {"verifiableCredential": made.issue(caller, body.credential)}

    @app.post("/micro-credentials/issue", status_code=201, tags=["micro-credentials"])
    def issue_micro_credential(body: MicroCredentialRequest, caller: Caller) -> dict[str, Any]:
        """Issue an Open Badges 3.0 credential from a micro-credential description."""
        credential = made.issue_micro_credential(
            caller, body.microCredential, plain_badge=body.options.plainBadge
        )
        return {"verifiableCredential": credential}

    @app.post("/credentials/verify", tags=["VC-API"])
    def verify_credential(body: VerifyCredentialRequest) -> JSONResponse:
        """Verify a credential: 200 when verified, 400 with every check when not."""
        if isinstance(body.verifiableCredential, str) and not looks_like_jws(
            body.verifiableCredential
        ):
            raise HttpProblem(
                400,
                "invalid-request",
                "verifiableCredential is a JSON object, an EnvelopedVerifiableCredential, or a "
                "compact JWS; not JSON text in a string",
            )
        return _verdict(made.verify(body.verifiableCredential))

    @app.post("/presentations/verify", tags=["VC-API"])
    def verify_presentation(body: VerifyPresentationRequest) -> JSONResponse:
        """Verify a presentation and every credential in it."""
        result = made.verify_presentation(
            body.verifiablePresentation,
            challenge=body.options.challenge,
            domain=body.options.domain,
        )
        return _verdict(result)

    @app.post("/credentials/status", tags=["VC-API"])
    def update_status(body: UpdateStatusRequest, caller: Caller) -> dict[str, Any]:
        """Revoke, suspend or reinstate a credential the caller's profile issued."""
        updates = body.credentialStatus
        for update in updates if isinstance(updates, list) else [updates]:
            if update.statusPurpose == "revocation" and not update.status:
                raise HttpProblem(409, "revocation-final", "a revocation cannot be undone")
            action: Literal["revoke", "suspend", "reinstate"] = (
                "revoke"
                if update.statusPurpose == "revocation"
                else "suspend"
                if update.status
                else "reinstate"
            )
            made.change_status(caller, body.credentialId, action, body.reason)
        return {"credentialId": body.credentialId, "updated": True}

    @app.get("/status/{profile}/{name}", tags=["status lists"], response_class=JSONResponse)
    def status_list(profile: str, name: str, request: Request) -> Response:
        """A status list credential, cached by HTTP caches for its `ttl`. Served as
        `application/vc`, or as the JSON type a client asks for instead."""
        found = made.status_list(profile, name)
        control = "no-cache"
        if found.ttl_ms is not None:
            control = f"public, max-age={found.ttl_ms // 1000}"
        return JSONResponse(
            found.document,
            media_type=_list_media_type(request.headers.get("accept", "")),
            headers={"Cache-Control": control, "Vary": "Accept"},
        )

    @app.post("/status/{profile}/{name}/publish", status_code=204, tags=["status lists"])
    def publish_status_list(profile: str, name: str, caller: Caller) -> Response:
        """Bring a status list credential up to date now (it also is on every read)."""
        if caller.profile != profile:
            raise HttpProblem(403, "forbidden", "this list belongs to another issuer profile")
        made.status_list(profile, name)
        return Response(status_code=204)

    @app.post("/oauth2/token", tags=["auth"])
    async def token(request: Request) -> JSONResponse:
        """OAuth2 client credentials grant (RFC 6749 4.4): a short-lived access token."""
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        granted = authenticator.grant(form, _basic(request.headers.get("authorization")))
        return JSONResponse(granted, headers={"Cache-Control": "no-store"})

    @app.post("/verify", tags=["verifier page"])
    def verify_anything(body: PageVerifyRequest) -> dict[str, Any]:
        """Verify what a person pasted or dropped on the page (JSON, a compact JWS, a baked
        PNG or SVG) and, for a stack, its components. Always 200: the verdict is in the
        body, with the credential in plain words."""
        components = [c.content() for c in body.components] if body.components else None
        result = made.verify(body.credential.content(), components=components)
        return {"result": verdict_json(result), "summary": describe(result.document)}

    @app.get("/health", tags=["operations"])
    def health() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    def page() -> Response:
        return _page_file("index.html", "text/html; charset=utf-8")

    @app.get("/page/{name}", include_in_schema=False)
    def page_asset(name: str) -> Response:
        if name not in PAGE_FILES:
            raise HttpProblem(404, "not-found", f"no page file {name!r}")
        return _page_file(name, PAGE_FILES[name] + "; charset=utf-8")

    return app


def _list_media_type(accept: str) -> str:
    """`application/vc` unless the client accepts only other JSON types (then the first)."""
    asked = [part.split(";", 1)[0].strip() for part in accept.split(",")]
    if not accept or VC_MEDIA_TYPE in asked or "*/*" in asked:
        return VC_MEDIA_TYPE
    for media_type in asked:
        if media_type in ("application/vc+ld+json", "application/ld+json", "application/json"):
            return media_type
    return VC_MEDIA_TYPE


def _page_file(name: str, media_type: str) -> Response:
    content = resources.files("edubadge.server.page").joinpath(name).read_bytes()
    return Response(content, media_type=media_type, headers=PAGE_HEADERS)


def verdict_json(result: Any) -> dict[str, Any]:
    """A verification result as the service answers it: `result.to_dict()` with the
    statuses read under `statuses` (a problem document's `status` is the HTTP status)."""
    data: dict[str, Any] = result.to_dict()
    if "status" in data:
        data["statuses"] = data.pop("status")
    return data


def _verdict(result: Any) -> JSONResponse:
    """200 with the result when verified; else a 400 problem carrying the same members."""
    data = verdict_json(result)
    if result.verified:
        return JSONResponse(data)
    failed = [c["id"] for c in data["checks"] if c["outcome"] == "failed"]
    detail = "not verified: " + (", ".join(failed) + " failed" if failed else "no proof verified")
    raise HttpProblem(400, "verification-failed", detail, **data)


def _basic(header: str | None) -> tuple[str, str] | None:
    """Client id and secret from `Authorization: Basic` (RFC 6749 2.3.1), or None."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, secret = decoded.partition(":")
    return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))


# --- errors: always problem details, never a stack trace ------------------------------------


def problem_response(problem: HttpProblem) -> JSONResponse:
    """The response of a problem."""
    return JSONResponse(
        problem.to_dict(),
        status_code=problem.status,
        media_type=MEDIA_TYPE,
        headers=problem.headers,
    )


def _add_error_handlers(app: FastAPI) -> None:
    async def on_problem(_: Request, error: Exception) -> Response:
        assert isinstance(error, HttpProblem)
        return problem_response(error)

    async def on_invalid(_: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        errors = [{"path": _json_path(e["loc"]), "detail": str(e["msg"])} for e in error.errors()]
        if any(e["type"] == "json_invalid" for e in error.errors()):
            return problem_response(
                HttpProblem(400, "invalid-json", "the request body is not JSON")
            )
        detail = "; ".join(f"{e['path']}: {e['detail']}" for e in errors)
        return problem_response(HttpProblem(422, "invalid-request", detail, errors=errors))

    async def on_http(_: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        kind = "not-found" if error.status_code == 404 else "http-error"
        detail = str(error.detail) if error.status_code != 500 else "internal error"
        return problem_response(HttpProblem(error.status_code, kind, detail))

    async def on_crash(request: Request, error: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return problem_response(
            HttpProblem(500, "internal-error", "the service failed; the error is in its log")
        )

    app.add_exception_handler(HttpProblem, on_problem)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)


def _json_path(location: tuple[Any, ...] | list[Any]) -> str:
    path = "$"
    for step in list(location)[1:]:  # the first step is "body", "query"...
        path += f"[{step}]" if isinstance(step, int) else f".{step}"
    return path


def _limit_body_size(app: FastAPI) -> None:
    @app.middleware("http")
    async def limit(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return problem_response(
                HttpProblem(413, "too-large", f"the request body is over {MAX_BODY_BYTES} bytes")
            )
        if (
            length is None
            and request.method == "POST"
            and "chunked" in request.headers.get("transfer-encoding", "")
        ):
            return problem_response(
                HttpProblem(411, "length-required", "send the request with a Content-Length")
            )
        return await call_next(request)
