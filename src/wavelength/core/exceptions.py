"""The one domain error type: pages show it as a message, the API as a 4xx body."""


class DomainError(Exception):
    """A request the rules refuse. ``errors`` maps field names to messages ("" = whole request)."""

    status_code = 422

    def __init__(self, message: str, *, field: str = "", errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = str(message)
        self.errors = errors or {field: self.message}


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409
