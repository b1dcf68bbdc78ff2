"""HTTP problems (RFC 9457): what the service answers when a request cannot be served.

Every error response is `application/problem+json` with `type`, `title`, `status` and a
`detail` that says what to do; request validation adds `errors` (one per field, with its
JSON path). Nothing internal (a stack trace, a file path, a secret) ever goes into one.
"""

from __future__ import annotations

from typing import Any

from ..errors import EdubadgeError, InvalidFieldsError

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:edubadge:problem:"  # the kinds are listed in docs/server.md

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    411: "Length Required",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    500: "Internal Server Error",
}


class HttpProblem(Exception):
    """A problem answered to the client: its status, a stable type name and a detail."""

    def __init__(
        self,
        status: int,
        kind: str,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        """The problem document."""
        body: dict[str, Any] = {
            "type": TYPE_BASE + self.kind,
            "title": TITLES.get(self.status, "Error"),
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


def unauthorized(detail: str) -> HttpProblem:
    """401: no credentials, or credentials that are not valid."""
    return HttpProblem(
        401, "unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="edubadge"'}
    )


def forbidden(detail: str) -> HttpProblem:
    """403: valid credentials that do not allow this."""
    return HttpProblem(403, "forbidden", detail)


def from_error(error: EdubadgeError, *, status: int = 422) -> HttpProblem:
    """A library error about the request's content, as a problem naming the fields."""
    errors = []
    if isinstance(error, InvalidFieldsError):
        errors = [{"path": path, "detail": message} for path, message in error.fields]
    elif error.path:
        errors = [{"path": error.path, "detail": error.message}]
    detail = str(error)
    return HttpProblem(status, "invalid-content", detail, errors=errors)
