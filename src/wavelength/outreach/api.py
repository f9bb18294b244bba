"""Close-the-loop API: a feature's messages to the customers who asked for it, preparing
them, editing a draft, sending them from a background job and following that job.

The same services as the feature's *Inform the customers* page: members read, editors write
(the services check), and a refusal is a 422 with the service's message.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from wavelength.accounts.schemas import UserRef
from wavelength.catalog import selectors as catalog_selectors
from wavelength.catalog.schemas import FeatureRef, ReleaseRef
from wavelength.core.api import Pagination
from wavelength.core.schemas import ERRORS, Id, InputSchema
from wavelength.feedback.schemas import CompanyRef

from . import selectors, services
from .models import LoopStatus, trigger_label

router = Router(tags=["close the loop"])


# Schemas ----------------------------------------------------------------------------------


class TriggerOut(Schema):
    trigger: str = Field(description='"stage:beta", "stage:generally_available" or "release:<id>".')
    label: str
    release: ReleaseRef | None


class LoopCountsOut(Schema):
    drafts: int
    queued: int
    sending: int
    sent: int
    failed: int
    skipped: int = Field(description="Contacts who unsubscribed.")
    total: int


class LoopContactOut(Schema):
    id: int
    name: str
    email: str


class LoopMessageOut(Schema):
    id: int
    contact: LoopContactOut
    company: CompanyRef | None
    trigger: str
    trigger_label: str
    release: ReleaseRef | None
    language: str = Field(description='"en" or "fr", after the contact\'s own feedback.')
    subject: str
    body: str = Field(description="The unsubscribe link is added below it when it is sent.")
    status: LoopStatus
    error: str = Field(description="Why the last sending failed, until a retry sends it.")
    send: int | None = Field(alias="send_id", description="The job that sends it (or sent it).")
    prepared_at: dt.datetime
    edited_at: dt.datetime | None
    sent_at: dt.datetime | None

    @staticmethod
    def resolve_trigger_label(obj) -> str:
        return str(trigger_label(obj.trigger, obj.release))


class LoopMessagePage(Schema):
    items: list[LoopMessageOut]
    count: int


class SendCountsOut(Schema):
    total: int
    queued: int
    sending: int
    sent: int
    failed: int
    skipped: int


class LoopSendOut(Schema):
    id: int
    feature: int
    requested_by: UserRef | None
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    finished: bool
    state: Literal["queued", "sending", "sent", "failed"] = Field(
        description="queued (nothing taken yet), sending, sent, or failed (done, some failed)."
    )
    counts: SendCountsOut

    @staticmethod
    def resolve_id(obj) -> int:
        return obj.send.pk

    @staticmethod
    def resolve_feature(obj) -> int:
        return obj.send.feature_id

    @staticmethod
    def resolve_requested_by(obj):
        return obj.send.requested_by

    @staticmethod
    def resolve_requested_at(obj) -> dt.datetime:
        return obj.send.requested_at

    @staticmethod
    def resolve_finished_at(obj) -> dt.datetime | None:
        return obj.send.finished_at

    @staticmethod
    def resolve_finished(obj) -> bool:
        return obj.send.finished_at is not None

    @staticmethod
    def resolve_counts(obj):
        return obj


class LoopOut(Schema):
    feature: FeatureRef
    triggers: list[TriggerOut] = Field(
        description="What the customers can be told now; none before beta, general "
        "availability or a shipped release."
    )
    counts: LoopCountsOut = Field(description="The feature's messages per status.")
    latest_send: LoopSendOut | None = Field(description="The latest sending job, if any.")
    messages: LoopMessagePage


class LoopFilter(Pagination.Input):
    status: LoopStatus | None = Field(None, description="Only the messages in this status.")


class PreparedOut(Schema):
    drafts: int = Field(description="Drafts added.")
    skipped: int = Field(description="Messages added as skipped: the contact unsubscribed.")
    counts: LoopCountsOut = Field(description="The feature's messages per status, after.")


class LoopMessagePatch(InputSchema):
    subject: str = Field(None, description="At most 200 characters.")
    body: str = Field(None, description="At most 10,000 characters.")


class LoopSendIn(InputSchema):
    retry: bool = Field(
        False, description="Send again the messages whose sending failed, instead of the drafts."
    )


# Endpoints --------------------------------------------------------------------------------


def _feature(request, feature_id: int):
    return catalog_selectors.feature_get(user=request.auth, pk=feature_id)


@router.get(
    "/features/{feature_id}/loop",
    response={200: LoopOut, **ERRORS},
    url_name="loop-detail",
)
def loop_detail(request, feature_id: Id, filters: Query[LoopFilter]):
    """The feature's close-the-loop state: what can be told, the messages per status (the
    page's figures), the latest sending job and the messages, a page of them (``limit``,
    ``offset``, optional ``status``), per company alphabetically, then by contact."""
    feature = _feature(request, feature_id)
    messages = selectors.loop_messages(user=request.auth, feature=feature, status=filters.status)
    page = list(messages[filters.offset : filters.offset + filters.limit])
    return {
        "feature": feature,
        "triggers": [
            {"trigger": trigger, "label": str(trigger_label(trigger, release)), "release": release}
            for trigger, release in services.loop_triggers(feature)
        ],
        "counts": selectors.loop_counts(user=request.auth, feature=feature),
        "latest_send": selectors.send_progress(user=request.auth, feature=feature),
        "messages": {"items": page, "count": messages.count()},
    }


@router.post(
    "/features/{feature_id}/loop/prepare",
    response={200: PreparedOut, **ERRORS},
    url_name="loop-prepare",
)
def loop_prepare(request, feature_id: Id):
    """Prepare a draft for every contact who asked and has none yet (the page's *Prepare
    messages*); preparing again adds only those who asked since. 422 before beta, general
    availability or a shipped release."""
    feature = _feature(request, feature_id)
    prepared = services.loop_prepare(actor=request.auth, feature=feature)
    counts = selectors.loop_counts(user=request.auth, feature=feature)
    return {"drafts": prepared.drafts, "skipped": prepared.skipped, "counts": counts}


@router.patch(
    "/loop/messages/{message_id}",
    response={200: LoopMessageOut, **ERRORS},
    url_name="loop-message-update",
)
def loop_message_update(request, message_id: Id, payload: LoopMessagePatch):
    """Edit a draft's ``subject`` or ``body`` (the fields sent); any other message is a 422
    naming ``status``."""
    message = selectors.loop_message_get(user=request.auth, pk=message_id)
    data = {"subject": message.subject, "body": message.body}
    data.update(payload.dict(exclude_unset=True))
    services.loop_message_update(actor=request.auth, message=message, **data)
    return selectors.loop_message_get(user=request.auth, pk=message_id)


@router.post(
    "/features/{feature_id}/loop/send",
    response={202: LoopSendOut, **ERRORS},
    url_name="loop-send",
)
def loop_send(request, feature_id: Id, payload: LoopSendIn | None = None):
    """Queue the drafts (or, with ``{"retry": true}``, the failed messages) for a background
    job that sends each once (202); follow it with GET /loop/sends/{id}. 422 when nothing
    waits."""
    feature = _feature(request, feature_id)
    send = services.loop_send(
        actor=request.auth,
        feature=feature,
        base_url=request.build_absolute_uri("/"),
        retry=payload.retry if payload else False,
    )
    # Without a broker the job has already run; answer its state as it is now.
    return Status(202, selectors.loop_send_get(user=request.auth, pk=send.pk))


@router.get(
    "/loop/sends/{send_id}",
    response={200: LoopSendOut, **ERRORS},
    url_name="loop-send-detail",
)
def loop_send_detail(request, send_id: Id):
    """A sending job's progress: its messages queued, being sent, sent, failed or skipped,
    and whether it finished. A retry moves the failed messages to the new job."""
    return selectors.loop_send_get(user=request.auth, pk=send_id)
