"""The one application error type. Services raise it; the API and the pages translate it."""

from typing import Any


class ApplicationError(Exception):
    """A business rule said no. `code` is stable and machine-readable; `message` is for people."""

    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid", details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details or {}


class NotFoundError(ApplicationError):
    status_code = 404

    def __init__(self, message: str = "Not found.", *, code: str = "not_found", details=None):
        super().__init__(message, code=code, details=details)


class PermissionDeniedError(ApplicationError):
    """The caller is known but this business rule does not allow them (e.g. reviewing an unbought product)."""

    status_code = 403
