"""Digests: one e-mail a day or a week grouping what happened to what a person follows.

The fan-out keeps a :class:`~..models.DigestEntry` for each notification whose event the
person gets in a digest. The periodic job (``wavelength.conversations.send_digests``, every
quarter of an hour) sends each person whose chosen hour has come in their time zone the entries
waiting for that digest, in their language, grouped by object. Each object is checked again for
the reader when the digest is written, so what they may no longer see (a page whose space became
team-only), a deleted comment or a deleted object stays out of it.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wavelength.core import clock

from .. import kinds
from ..models import DIGESTS, Channel, DigestEntry, DigestSchedule, Event, Preference

UNSUBSCRIBE_SALT = "wavelength.conversations.unsubscribe"


@lru_cache(maxsize=1)
def time_zones() -> list[str]:
    """Every time zone a person may choose, by name."""
    return sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


def schedule_of(user) -> DigestSchedule:
    """The person's digest schedule (the default, unsaved, when they chose none)."""
    found = DigestSchedule.objects.filter(user=user).first()
    return found or DigestSchedule(user=user, time_zone=settings.TIME_ZONE)


def _zone(schedule: DigestSchedule) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(schedule.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def last_due(schedule: DigestSchedule, frequency: str, now: dt.datetime) -> dt.datetime:
    """The latest moment, at or before ``now``, a digest of ``frequency`` was due: the chosen
    hour of today (or yesterday) in the person's zone, on the chosen weekday for a weekly one."""
    zone = _zone(schedule)
    local = now.astimezone(zone)
    due = dt.datetime.combine(local.date(), dt.time(schedule.hour), tzinfo=zone)
    if due > local:
        due -= dt.timedelta(days=1)
    if frequency == Channel.WEEKLY:
        due -= dt.timedelta(days=(due.weekday() - schedule.weekday) % 7)
    # The wall-clock hour, whatever the offset that day (summer time included).
    return due.replace(tzinfo=None).replace(tzinfo=zone).astimezone(dt.UTC)


def is_due(schedule: DigestSchedule, frequency: str, now: dt.datetime) -> bool:
    sent = schedule.daily_sent_at if frequency == Channel.DAILY else schedule.weekly_sent_at
    return sent is None or sent < last_due(schedule, frequency, now)


# What a digest holds ----------------------------------------------------------------------


@dataclass
class DigestGroup:
    """What happened to one object, oldest first."""

    label: object  # the kind's name, translated when the digest is written
    name: str
    link: str
    entries: list = field(default_factory=list)


@dataclass
class Digest:
    user: object
    frequency: str
    groups: list[DigestGroup]
    events: list[str]  # the kinds of event it holds, each with its unsubscribe link
    entry_ids: list[int]

    @property
    def count(self) -> int:
        return sum(len(g.entries) for g in self.groups)


def _channels_of(user) -> dict[str, str]:
    from ..selectors import preferences_get

    return preferences_get(user=user)


def digest_for(*, user, frequency: str) -> Digest:
    """The digest ``user`` would get now: the waiting entries of the events they get in
    ``frequency``'s digest, about objects they may still see, grouped by object."""
    channels = _channels_of(user)
    events = [e for e in Event.values if channels[e] == frequency]
    rows = (
        DigestEntry.objects.pending()
        .filter(user=user, event__in=events)
        .select_related("notification", "notification__actor", "comment")
    )
    groups: dict[tuple[str, int], DigestGroup | None] = {}
    kept = []
    for entry in rows:
        key = (entry.kind, entry.object_id)
        if key not in groups:
            groups[key] = _group(user, entry)
        if groups[key] is None or (entry.comment and entry.comment.is_deleted):
            continue
        groups[key].entries.append(entry)
        kept.append(entry)
    shown = [g for g in groups.values() if g is not None and g.entries]
    return Digest(
        user=user,
        frequency=frequency,
        groups=shown,
        events=sorted({e.event for e in kept}, key=Event.values.index),
        entry_ids=[e.pk for e in rows],
    )


def _group(user, entry: DigestEntry) -> DigestGroup | None:
    """The heading of an object's group, or None when the reader may not see it (any more)."""
    kind = kinds.get_kind(entry.kind)
    obj = kind.load(entry.object_id) if kind else None
    if obj is None or not kind.can_see(user, obj):
        return None
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    return DigestGroup(label=kind.label, name=str(obj), link=_absolute(url))


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path else ""


# Unsubscribing ----------------------------------------------------------------------------


def unsubscribe_token(*, user, event: str) -> str:
    """A signed token that turns ``event`` off for ``user``, without signing in."""
    return signing.dumps({"u": user.pk, "e": event}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, user, event: str) -> str:
    token = unsubscribe_token(user=user, event=event)
    return _absolute(reverse("conversations:unsubscribe", args=[token]))


def unsubscribe_target(token: str) -> tuple[object, str] | None:
    """The person and event a token names, or None for a forged or broken token."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("e") not in Event.values:
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    return (user, data["e"]) if user is not None else None


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[object, str] | None:
    """Turn off the event a token names for its person (whoever follows the link: it is
    signed); returns (person, event), or None when the token is not valid."""
    found = unsubscribe_target(token)
    if found is None:
        return None
    user, event = found
    Preference.objects.update_or_create(user=user, event=event, defaults={"channel": Channel.OFF})
    return found


# Sending ----------------------------------------------------------------------------------


def _subject(digest: Digest) -> str:
    n = digest.count
    if digest.frequency == Channel.WEEKLY:
        return ngettext(
            "Your weekly Wavelength digest: %(n)d update",
            "Your weekly Wavelength digest: %(n)d updates",
            n,
        ) % {"n": n}
    return ngettext(
        "Your daily Wavelength digest: %(n)d update",
        "Your daily Wavelength digest: %(n)d updates",
        n,
    ) % {"n": n}


def render_digest(digest: Digest, *, since: dt.datetime | None) -> tuple[str, str]:
    """The digest's subject and text, in its reader's language and time zone."""
    user = digest.user
    schedule = schedule_of(user)
    unsubscribe = [
        {"label": Event(e).label, "url": unsubscribe_url(user=user, event=e)} for e in digest.events
    ]
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(_zone(schedule)):
        body = render_to_string(
            "conversations/digest_email.txt",
            {
                "digest": digest,
                "since": since,
                "user": user,
                "unsubscribe": unsubscribe,
                "preferences": _absolute(reverse("conversations:preferences")),
                "site": settings.SITE_URL,
            },
        )
        return _subject(digest), body


def digest_send(*, user, frequency: str, now: dt.datetime | None = None) -> int:
    """Send ``user``'s digest of ``frequency`` if it holds anything, mark what it held (and
    what may no longer be shown) as sent; returns how many updates it told."""
    now = now or clock.now()
    schedule = schedule_of(user)
    since = schedule.daily_sent_at if frequency == Channel.DAILY else schedule.weekly_sent_at
    digest = digest_for(user=user, frequency=frequency)
    if digest.count:
        subject, body = render_digest(digest, since=since)
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            headers={"List-Unsubscribe": f"<{_absolute(reverse('conversations:preferences'))}>"},
        )
        message.send()
    DigestEntry.objects.filter(pk__in=digest.entry_ids).update(sent_at=now)
    stamp = "daily_sent_at" if frequency == Channel.DAILY else "weekly_sent_at"
    if schedule.pk is None:
        schedule.save()
    DigestSchedule.objects.filter(pk=schedule.pk).update(**{stamp: now})
    return digest.count


def digests_send_due(*, now: dt.datetime | None = None) -> int:
    """Send every digest whose hour has come (the periodic job); returns how many e-mails."""
    now = now or clock.now()
    wanted = Preference.objects.filter(channel__in=DIGESTS).values_list("user_id", "channel")
    by_user: dict[int, set[str]] = {}
    for user_id, channel in wanted:
        by_user.setdefault(user_id, set()).add(channel)
    people = get_user_model().objects.filter(pk__in=list(by_user), is_active=True)
    schedules = {s.user_id: s for s in DigestSchedule.objects.filter(user_id__in=list(by_user))}
    sent = 0
    for user in people:
        schedule = schedules.get(user.pk) or schedule_update(actor=user)
        for frequency in sorted(by_user[user.pk]):
            if is_due(schedule, frequency, now):
                sent += 1 if digest_send(user=user, frequency=frequency, now=now) else 0
    return sent


def schedule_update(*, actor, hour=None, weekday=None, time_zone=None) -> DigestSchedule:
    """Set when ``actor``'s digests are sent (what is None stays); 422 naming the field."""
    from wavelength.core.exceptions import DomainError

    schedule = schedule_of(actor)
    errors = {}
    if hour is not None and not (isinstance(hour, int) and 0 <= hour <= 23):
        errors["hour"] = _("Choose an hour from 0 to 23.")
    if weekday is not None and not (isinstance(weekday, int) and 0 <= weekday <= 6):
        errors["weekday"] = _("Choose a day from 0 (Monday) to 6 (Sunday).")
    if time_zone is not None and time_zone not in time_zones():
        errors["time_zone"] = _("Unknown time zone; use a name such as Europe/Paris.")
    if errors:
        raise DomainError(_("Some preferences are not valid."), errors=errors)
    for name, value in (("hour", hour), ("weekday", weekday), ("time_zone", time_zone)):
        if value is not None:
            setattr(schedule, name, value)
    if schedule.pk is None:  # the first digest holds what happens from now on
        schedule.daily_sent_at = schedule.weekly_sent_at = clock.now()
    schedule.save()
    return schedule
