"""In-app notifications, and e-mail copies of them.

Any app's service calls :func:`notify` inside its transaction::

    notifications.notify(
        recipients=[step.assignee],
        verb="step_assigned",
        title=lambda: _("“%(step)s” is yours") % {"step": step.title},
        url=run.get_absolute_url(),
        actor=actor,
        target=step,
    )

``title`` (and ``body``) may be a callable: it is evaluated once per recipient in that person's
language, so everyone reads their notifications in the language they chose. The actor is never
notified of their own change. When ``NOTIFICATION_EMAILS`` is on (the default), a copy is
e-mailed through Django's e-mail backend by a background job once the transaction commits
(never in the request, see :mod:`.background`); without SMTP the embedded install writes it
to ``var/mail/``.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import translation

from . import clock
from .models import Notification

Text = str | Callable[[], str]


def _text(value: Text, language: str) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return str(value() if callable(value) else value)


def _local_path(url: str) -> str:
    # Notifications only ever point into this site; anything else is dropped.
    return url if url.startswith("/") and not url.startswith("//") else ""


def notify(
    *,
    recipients: Iterable,
    verb: str,
    title: Text,
    url: str = "",
    body: Text = "",
    actor=None,
    target: models.Model | None = None,
    email: bool = True,
) -> list[Notification]:
    """Notify each active recipient once (the actor excepted); returns the new rows."""
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    if actor is not None and getattr(actor, "pk", None) in people:
        del people[actor.pk]
    if not people:
        return []
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    now = clock.now()
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            actor=actor if getattr(actor, "pk", None) else None,
            verb=verb[:48],
            title=_text(title, user.language)[:300],
            body=_text(body, user.language),
            url=_local_path(url),
            target_type=target_type,
            target_id=target.pk if target is not None else None,
            created_at=now,
        )
        for user in people.values()
    )
    if email and settings.NOTIFICATION_EMAILS:
        ids = [n.pk for n in rows]  # SQLite and PostgreSQL both return the new ids
        transaction.on_commit(lambda: _queue_emails(ids))
    return rows


def _queue_emails(ids: list[int]) -> None:
    from . import background
    from .tasks import send_notification_emails

    background.later(send_notification_emails, ids)


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.for_user(user).unread().count()


# Verbs that name the reader personally (an @mention): the inbox lists them first while unread.
PRIORITY_VERBS = ("mention",)


def notification_list(*, user, unread_only: bool = False, priority_first: bool = False):
    """The person's notifications, newest first (only ever their own); ``priority_first``
    puts the unread ones that name them personally (mentions) on top."""
    rows = Notification.objects.for_user(user).select_related("actor")
    rows = rows.unread() if unread_only else rows
    if priority_first:
        first = models.Case(
            models.When(verb__in=PRIORITY_VERBS, read_at__isnull=True, then=0),
            default=1,
            output_field=models.IntegerField(),
        )
        rows = rows.order_by(first, "-created_at", "-id")
    return rows


def bell_summary(*, user, limit: int = 8) -> dict:
    """What the bell's panel shows: the latest ``limit`` notifications, unread mentions first,
    how many are unread, and how many of those are mentions (two counts, one list query)."""
    unread = Notification.objects.for_user(user).unread()
    return {
        "rows": list(notification_list(user=user, priority_first=True)[:limit]),
        "unread": unread.count(),
        "mentions": unread.filter(verb__in=PRIORITY_VERBS).count(),
    }


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the person's notifications read (all of them when ``ids`` is None)."""
    rows = Notification.objects.for_user(user).unread()
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=clock.now())
