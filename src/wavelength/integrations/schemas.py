"""API schemas of the imports."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from wavelength.core.schemas import InputSchema, absolute_url


class RawEmailIn(InputSchema):
    raw: str = Field(description="The whole MIME message, headers and body, as text.")


class EmailOut(Schema):
    id: int
    created: bool = Field(description="False when this Message-ID was already imported.")
    url: str


class ImportErrorOut(Schema):
    row: int = Field(0, description="Row number (the header is row 1); 0 = the whole file.")
    column: str = ""
    message: str = ""


class ImportJobOut(Schema):
    id: int
    file_name: str
    status: str
    source: str
    mapping: dict[str, str]
    total: int
    processed: int
    created: int
    skipped: int
    errors: list[ImportErrorOut]
    created_at: dt.datetime
    finished_at: dt.datetime | None
    url: str

    @staticmethod
    def resolve_errors(obj) -> list[dict]:
        return [e for e in obj.errors if "message" in e]

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class WebhookIn(InputSchema):
    name: str
    url: str = Field(description="https:// (or http:// on this machine, for testing).")
    format: Literal["json", "slack", "teams"] = "json"
    events: list[str] = Field(description="Event types, e.g. feature.created, release.shipped.")
    products: list[str] = Field([], description="Product slugs; none: every product.")


class WebhookPatch(InputSchema):
    name: str | None = None
    url: str | None = None
    events: list[str] | None = None
    products: list[str] | None = None
    active: bool | None = None


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    format: str
    events: list[str]
    products: list[str]
    active: bool
    disabled_reason: str
    failing_since: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_products(obj) -> list[str]:
        return [p.slug for p in obj.products.all()]


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(description="Shown only in this answer: keep it to check signatures.")


class DeliveryAttemptOut(Schema):
    at: dt.datetime
    status_code: int | None
    error: str
    response_start: str
    duration_ms: int


class DeliveryOut(Schema):
    id: int
    uuid: str = Field(description="The X-Wavelength-Delivery id, the same on every attempt.")
    event: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime
    body: str
    tries: list[DeliveryAttemptOut]

    @staticmethod
    def resolve_uuid(obj) -> str:
        return str(obj.uuid)

    @staticmethod
    def resolve_tries(obj) -> list:
        return list(obj.tries.all())


class BacklogRowOut(Schema):
    row: int = Field(description="Row number (the header is row 1).")
    key: str | None = None
    title: str | None = None
    stage: str | None = None
    release: str | None = None
    exists: bool = Field(description="Its key was imported before: it will be skipped.")
    errors: dict[str, str] = Field(description="{column: what is wrong}.")


class BacklogImportOut(Schema):
    product: str
    source: str
    mapping: dict[str, str]
    created: int = Field(0, description="Features created (0 for a preview).")
    skipped: int = Field(0, description="Rows whose key was imported before.")
    releases: int = Field(0, description="Releases that received features.")
    preview: list[BacklogRowOut] = Field(default_factory=list)
