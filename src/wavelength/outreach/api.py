"""Close-the-loop API: a feature's messages to the customers who asked for it, preparing
them, editing a draft, sending them from a background job and following that job.

The same services as the feature's *Inform the customers* page: members read, editors write
(the services check), and a refusal is a 422 with the service's message.
"""

from django.http import HttpResponse
from ninja import Query, Router, Status

from wavelength.catalog import selectors as catalog_selectors
from wavelength.core.schemas import ERRORS, VERSIONED_ERRORS, Id, IfMatch, set_etag

from . import selectors, services
from .models import trigger_label
from .schemas import (
    LoopFilter,
    LoopMessageOut,
    LoopMessagePatch,
    LoopOut,
    LoopSendIn,
    LoopSendOut,
    PreparedOut,
)

router = Router(tags=["close the loop"])


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


@router.get(
    "/loop/messages/{message_id}",
    response={200: LoopMessageOut, **ERRORS},
    url_name="loop-message-detail",
)
def loop_message_detail(request, message_id: Id, response: HttpResponse):
    """One message; its ETag is what an edit of the draft sends back as ``If-Match``."""
    message = selectors.loop_message_get(user=request.auth, pk=message_id)
    set_etag(response, message)
    return message


@router.patch(
    "/loop/messages/{message_id}",
    response={200: LoopMessageOut, **VERSIONED_ERRORS},
    url_name="loop-message-update",
)
def loop_message_update(
    request,
    message_id: Id,
    payload: LoopMessagePatch,
    response: HttpResponse,
    if_match: IfMatch = None,
):
    """Edit a draft's ``subject`` or ``body`` (the fields sent); any other message is a 422
    naming ``status``. A stale ``If-Match`` is a 412."""
    message = selectors.loop_message_get(user=request.auth, pk=message_id)
    data = {"subject": message.subject, "body": message.body}
    data.update(payload.dict(exclude_unset=True))
    services.loop_message_update(actor=request.auth, message=message, if_version=if_match, **data)
    message = selectors.loop_message_get(user=request.auth, pk=message_id)
    set_etag(response, message)
    return message


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
