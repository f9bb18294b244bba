"""Parsers that turn foreign files (CSV exports, e-mail) into feedback items.

They write nothing: each returns plain dicts that
:func:`wavelength.feedback.services.feedback_bulk_create` accepts, or raises
:class:`ImportRefused` (a :class:`~wavelength.core.exceptions.DomainError`) with a reason.
"""

from wavelength.core.exceptions import DomainError


class ImportRefused(DomainError):
    """The file or message cannot be imported. ``rows`` lists ``{"row", "column",
    "message"}`` for each bad cell (row 0 when the whole file is refused)."""

    status_code = 422

    def __init__(
        self,
        message: str,
        *,
        field: str = "",
        errors: dict[str, str] | None = None,
        rows: list[dict] | None = None,
    ):
        if rows and errors is None:
            errors = {f"rows.{r['row']}.{r['column']}".rstrip("."): r["message"] for r in rows}
        super().__init__(message, field=field, errors=errors)
        self.rows = rows or [{"row": 0, "column": "", "message": self.message}]


class TooLarge(ImportRefused):
    status_code = 413
