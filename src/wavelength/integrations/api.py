"""Imports and exports in the API: CSV import jobs, inbound e-mail, the feedback CSV export;
and webhooks with their deliveries (administrators).

Mounted before the feedback router: ``/feedback/export.csv`` and ``/feedback/email`` must
match here before ``/feedback/{feedback_id}`` does.
"""

import json

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from wavelength.accounts.permissions import require_admin, require_editor
from wavelength.catalog.models import Product
from wavelength.core.api import Pagination
from wavelength.core.exceptions import DomainError, NotFound
from wavelength.core.schemas import ERRORS, VERSIONED_ERRORS, Id, IfMatch, set_etag
from wavelength.feedback import selectors as feedback_selectors
from wavelength.feedback.schemas import FeedbackFilter

from . import selectors, services, webhooks
from .exporters import feedback_csv
from .importers import TooLarge
from .importers.mail import MAX_MESSAGE_BYTES
from .importers.presets import get_preset
from .schemas import (
    BacklogImportOut,
    DeliveryOut,
    EmailOut,
    ImportJobOut,
    RawEmailIn,
    WebhookCreatedOut,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
)

router = Router(tags=["imports"])
UPLOAD_ERRORS = {**ERRORS, 413: ERRORS[422]}


@router.get("/feedback/export.csv", response={200: None, **ERRORS}, url_name="feedback-export")
def feedback_export(request, filters: Query[FeedbackFilter]):
    """Feedback matching the inbox filters as CSV (formula-looking cells start with ')."""
    items = feedback_selectors.feedback_list(
        user=request.auth, filters=feedback_selectors.FeedbackFilter(**filters.dict())
    )
    response = StreamingHttpResponse(
        feedback_csv(items.iterator(chunk_size=500)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="feedback.csv"'
    return response


def _raw_message(request) -> bytes:
    content_type = request.content_type or ""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_MESSAGE_BYTES:
        raise TooLarge(_("The message is larger than 25 MB."), field="raw")
    if content_type == "message/rfc822":
        return request.read(MAX_MESSAGE_BYTES + 1)
    if content_type == "application/json":
        try:
            body = request.body
        except RequestDataTooBig:
            raise TooLarge(
                _("This JSON body is too large; send the message as message/rfc822."), field="raw"
            ) from None
        try:
            payload = RawEmailIn(**json.loads(body))
        except (ValueError, TypeError) as exc:
            raise DomainError(_('Send {"raw": "<the MIME message>"}.'), field="raw") from exc
        return payload.raw.encode("utf-8", "surrogateescape")
    raise DomainError(
        _('Send the message as message/rfc822, or as JSON {"raw": "…"}.'), field="raw"
    )


@router.post(
    "/feedback/email",
    response={201: EmailOut, 200: EmailOut, **UPLOAD_ERRORS},
    url_name="feedback-email",
    openapi_extra={
        "requestBody": {
            "content": {
                "message/rfc822": {"schema": {"type": "string", "format": "binary"}},
                "application/json": {"schema": RawEmailIn.model_json_schema()},
            }
        }
    },
)
def feedback_email(request):
    """One inbound e-mail (raw MIME) as feedback: the sender becomes the contact, the subject
    the title, the Message-ID the external id. 201 when stored, 200 when already stored, 422
    with the reason for a malformed message (nothing stored)."""
    require_editor(request.auth)
    feedback, created = services.email_receive(actor=request.auth, raw=_raw_message(request))
    url = request.build_absolute_uri(feedback.get_absolute_url())
    body = {"id": feedback.pk, "created": created, "url": url}
    return Status(201 if created else 200, body)


@router.post(
    "/feedback/imports", response={202: ImportJobOut, **UPLOAD_ERRORS}, url_name="import-create"
)
def import_create(
    request,
    file: File[UploadedFile],
    preset: Form[str] = "",
    mapping: Form[str] = "",
    source: Form[str] = "",
):
    """Upload a CSV and start importing it (202); poll GET /feedback/imports/{id}.
    ``mapping`` is JSON ``{"column": "field"}`` and overrides the ``preset``; without
    either, columns named like the fields are mapped."""
    services.check_size(file.size)
    data = file.read()
    columns_map = _mapping(mapping)
    job = services.import_job_create(
        actor=request.auth,
        file_name=file.name or "import.csv",
        data=data,
        source=source or (get_preset(preset).source if preset else "csv"),
    )
    initial = selectors.initial_mapping(job, preset=preset)
    job = services.import_job_start(actor=request.auth, job=job, mapping=columns_map or initial)
    # Without a broker the import has already run; answer its state as it is now.
    return Status(202, selectors.import_job_get(user=request.auth, pk=job.pk))


def _mapping(value: str) -> dict[str, str]:
    if not value:
        return {}
    try:
        data = json.loads(value)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise DomainError(_('Send the mapping as JSON {"column": "field"}.'), field="mapping")
    return data


@router.get(
    "/feedback/imports/{job_id}", response={200: ImportJobOut, **ERRORS}, url_name="import-detail"
)
def import_detail(request, job_id: Id):
    """An import's status and counts (errors name the row and column)."""
    return selectors.import_job_get(user=request.auth, pk=job_id)


# Webhooks (administrators) ----------------------------------------------------------------


def _products(slugs: list[str]) -> list[Product]:
    found = {p.slug: p for p in Product.objects.filter(slug__in=slugs)}
    unknown = sorted(set(slugs) - set(found))
    if unknown:
        raise DomainError(
            _("Unknown products: %(names)s.") % {"names": ", ".join(unknown)}, field="products"
        )
    return list(found.values())


def _hook(request, webhook_id: int, response=None):
    hook = selectors.webhook_get(user=request.auth, pk=webhook_id)
    if response is not None:
        set_etag(response, hook)
    return hook


@router.get(
    "/webhooks",
    response={200: list[WebhookOut], **ERRORS},
    url_name="webhook-list",
    tags=["webhooks"],
    summary="Webhooks",
)
@paginate(Pagination)
def webhook_list(request):
    """Every webhook, by name (administrators). Secrets are never shown again."""
    return selectors.webhook_list(user=request.auth).prefetch_related("products")


@router.post(
    "/webhooks",
    response={201: WebhookCreatedOut, **ERRORS},
    url_name="webhook-create",
    tags=["webhooks"],
    summary="Register a webhook",
)
def webhook_create(request, payload: WebhookIn, response: HttpResponse):
    """Register an address told of the chosen events; the answer holds its ``secret``, shown
    this once. 422 names the field for an address that is not http(s), plain http:// that is
    not this machine, an address pointing at Wavelength itself, or unknown events."""
    require_admin(request.auth)
    hook = webhooks.webhook_create(
        actor=request.auth,
        name=payload.name,
        url=payload.url,
        events=payload.events,
        format=payload.format,
        products=_products(payload.products),
    )
    set_etag(response, hook)
    return Status(201, hook)


@router.get(
    "/webhooks/{webhook_id}",
    response={200: WebhookOut, **ERRORS},
    url_name="webhook-detail",
    tags=["webhooks"],
    summary="A webhook",
)
def webhook_detail(request, webhook_id: Id, response: HttpResponse):
    return _hook(request, webhook_id, response)


@router.patch(
    "/webhooks/{webhook_id}",
    response={200: WebhookOut, **VERSIONED_ERRORS},
    url_name="webhook-update",
    tags=["webhooks"],
    summary="Change a webhook",
)
def webhook_update(
    request, webhook_id: Id, payload: WebhookPatch, response: HttpResponse, if_match: IfMatch = None
):
    """Change what is sent (``active: true`` turns a webhook that was turned off back on)."""
    hook = _hook(request, webhook_id)
    changes = payload.dict(exclude_unset=True)
    if changes.get("products") is not None:
        changes["products"] = _products(changes["products"])
    changes = {k: v for k, v in changes.items() if v is not None}
    webhooks.webhook_update(actor=request.auth, webhook=hook, if_version=if_match, **changes)
    return _hook(request, webhook_id, response)


@router.delete(
    "/webhooks/{webhook_id}",
    response={204: None, **VERSIONED_ERRORS},
    url_name="webhook-delete",
    tags=["webhooks"],
    summary="Delete a webhook",
)
def webhook_delete(request, webhook_id: Id, if_match: IfMatch = None):
    """Delete a webhook and its delivery log (204)."""
    hook = _hook(request, webhook_id)
    webhooks.webhook_delete(actor=request.auth, webhook=hook, if_version=if_match)
    return Status(204, None)


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response={200: list[DeliveryOut], **ERRORS},
    url_name="webhook-deliveries",
    tags=["webhooks"],
    summary="A webhook's deliveries",
)
@paginate(Pagination)
def webhook_deliveries(request, webhook_id: Id):
    """Newest first, each with its body and every attempt (status code or error, the first
    bytes of the answer, how long it took)."""
    return selectors.webhook_deliveries(webhook=_hook(request, webhook_id))


@router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response={200: DeliveryOut, **ERRORS},
    url_name="webhook-redeliver",
    tags=["webhooks"],
    summary="Send a delivery again",
)
def webhook_redeliver(request, webhook_id: Id, delivery_id: Id):
    """Try a delivery again now, with the same id and body; the answer holds the new attempt."""
    hook = _hook(request, webhook_id)
    delivery = hook.deliveries.filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound(_("No delivery of this webhook has this id."))
    webhooks.redeliver(actor=request.auth, delivery=delivery)
    return selectors.webhook_deliveries(webhook=hook).get(pk=delivery_id)


@router.post("/backlog/imports", response={200: BacklogImportOut, 201: BacklogImportOut,
             **UPLOAD_ERRORS}, url_name="backlog-import")  # fmt: skip
def backlog_import(
    request,
    file: File[UploadedFile],
    product: Form[str],
    source: Form[str] = "csv",
    mapping: Form[str] = "",
    preview: Form[bool] = False,
):
    """Import features, releases and their links from a Jira, Productboard or Aha! export
    (``source``: jira, productboard, aha or csv) into ``product`` (slug or id): all rows or
    none (422 naming each bad cell as ``rows.<row>.<column>``), rows whose key was imported
    before skipped. ``mapping`` is JSON ``{"column": "field"}``; without it the source's
    preset maps the columns. ``preview=true`` writes nothing and answers the first rows."""
    from wavelength.catalog.selectors import product_get

    from . import backlog
    from .importers import backlog as backlog_importer

    services.check_size(file.size)
    target = product_get(user=request.auth, key=product)
    columns_map = _mapping(mapping)
    with transaction.atomic():
        job = backlog.job_create(actor=request.auth, product=target, data=file.read(),
                                 file_name=file.name or "backlog.csv", source=source)  # fmt: skip
        columns = backlog_importer.unique_columns(backlog.job_table(job))
        columns_map = columns_map or backlog_importer.preset_mapping(source, columns)
        body = {"product": target.slug, "source": source, "mapping": columns_map}
        if preview:
            rows = backlog.preview(actor=request.auth, job=job, mapping=columns_map)
            job.file.delete(save=False)
            job.delete()
            body["preview"] = [_backlog_row(r) for r in rows]
            return Status(200, body)
        done = backlog.job_run(actor=request.auth, job=job, mapping=columns_map)
    body.update(created=done.created, skipped=done.skipped, releases=done.releases)
    return Status(201, body)


def _backlog_row(row) -> dict:
    item = row.item
    return {"row": row.row, "key": item.get("key"), "title": item.get("title"),
            "stage": item.get("stage") or None, "release": item.get("release") or None,
            "exists": row.exists, "errors": row.errors}  # fmt: skip
