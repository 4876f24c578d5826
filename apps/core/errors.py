"""One application error type; views, the API and imports turn it into their own shape."""

from __future__ import annotations


class ApplicationError(Exception):
    """A business rule refused the request. ``message`` is already translated for the user;
    ``errors`` maps a field (or item code) to a list of messages; ``code`` is machine-readable."""

    default_code = "invalid"
    status_code = 400

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.code = code or self.default_code

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "errors": self.errors}


class NotFound(ApplicationError):
    default_code = "not_found"
    status_code = 404


class PermissionDenied(ApplicationError):
    default_code = "permission_denied"
    status_code = 403
