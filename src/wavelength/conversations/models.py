"""Comments on anything commentable, who follows what, and how each person wants to be told.

A comment points at its object through a content type and an id (``kind`` names the entry of
:mod:`.kinds` it was made through, so lists filter on one indexed column). Threads have one
level: a reply's ``parent`` is always a top-level comment. A deleted comment keeps its row (and
its replies) with the body emptied; pages show a stub.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock


class CommentQuerySet(models.QuerySet):
    def on(self, kind: str, object_id: int):
        """Every comment on one object."""
        return self.filter(kind=kind, object_id=object_id)

    def threads(self):
        """Top-level comments only."""
        return self.filter(parent__isnull=True)


class Comment(models.Model):
    kind = models.CharField(max_length=32)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    body = models.TextField(_("comment"))
    mentioned_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="comment_mentions"
    )
    mentioned_teams = models.ManyToManyField("accounts.Team", blank=True, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CommentQuerySet.as_manager()

    VERSION_FIELDS = ["body", "deleted_at"]  # what an edit changes (core.versioning)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["kind", "object_id", "created_at"], name="comment_object"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} #{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def anchor(self) -> str:
        """The fragment of the object's page where this comment sits."""
        return f"comment-{self.pk}"


class Follow(models.Model):
    """One person follows one commentable object: they hear of its new comments."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    kind = models.CharField(max_length=32)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "object_id"], name="follow_unique")
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="follow_object")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.kind}:{self.object_id}"


class Event(models.TextChoices):
    """The kinds of things a person may be told about, each with its own channel."""

    MENTION = "mention", _("Someone mentions me or my team")
    COMMENT = "comment", _("A new comment on something I follow")
    CHANGE = "change", _("Something I follow changes stage")
    SHIPPED = "shipped", _("A release I follow ships")
    GATE = "gate", _("The release gate of a release I follow changes")
    EDIT = "edit", _("Something I follow is edited")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("In the app and by e-mail at once")
    DAILY = "daily", _("In the app and in a daily e-mail digest")
    WEEKLY = "weekly", _("In the app and in a weekly e-mail digest")
    OFF = "off", _("Off")


DIGESTS = (Channel.DAILY.value, Channel.WEEKLY.value)

# What a person gets before they choose.
DEFAULT_CHANNELS: dict[str, str] = {
    Event.MENTION.value: Channel.EMAIL.value,
    Event.COMMENT.value: Channel.IN_APP.value,
    Event.CHANGE.value: Channel.IN_APP.value,
    Event.SHIPPED.value: Channel.IN_APP.value,
    Event.GATE.value: Channel.IN_APP.value,
    Event.EDIT.value: Channel.IN_APP.value,
}


class Preference(models.Model):
    """One person's channel for one kind of event (no row: the default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(max_length=16, choices=Event.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="preference_unique_event")
        ]
        indexes = [models.Index(fields=["channel"], name="preference_channel")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.event}: {self.channel}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class DigestSchedule(models.Model):
    """When one person's digests are sent: at ``hour`` in ``time_zone`` (the weekly one on
    ``weekday``), and when each was last sent. No row: 08:00 on Mondays, the site's zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_schedule"
    )
    hour = models.PositiveSmallIntegerField(_("hour"), default=8)
    weekday = models.PositiveSmallIntegerField(
        _("day of the weekly digest"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    daily_sent_at = models.DateTimeField(null=True, blank=True)
    weekly_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id} at {self.hour}:00 {self.time_zone}"


class DigestEntryQuerySet(models.QuerySet):
    def pending(self):
        """Entries not yet sent in a digest."""
        return self.filter(sent_at__isnull=True)


class DigestEntry(models.Model):
    """One notification waiting for its person's digest: what it is about (its object, and
    the comment when it is one), so a deleted comment or object leaves the digest with it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    notification = models.ForeignKey(
        "core.Notification", on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField(max_length=16, choices=Event.choices)
    kind = models.CharField(max_length=32)
    object_id = models.PositiveBigIntegerField()
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DigestEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["user", "sent_at", "created_at"], name="digest_pending"),
            models.Index(fields=["kind", "object_id"], name="digest_object"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.event} {self.kind}:{self.object_id}"


class GateVerdict(models.Model):
    """A coming release's release gate verdict when last evaluated, so that a flip (from not
    passing to passing, or back) is noticed and told once (see ``services.gate_verdicts``)."""

    release = models.OneToOneField(
        "catalog.Release", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    verdict = models.CharField(
        max_length=8, choices=[("passing", _("passes")), ("failing", _("not passing"))]
    )
    # The keys of the criteria failing at that evaluation (``catalog.gates``).
    failing = models.JSONField(default=list, blank=True)
    changed_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.release_id}: {self.verdict}"
