"""Shared kernel models: the activity log and the search index."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import clock


class ActivityQuerySet(models.QuerySet):
    def for_target(self, obj):
        """Activities about one object, oldest first."""
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(target_type=ct, target_id=obj.pk).order_by("created_at", "id")

    def in_scope(self, scope: str):
        """Activities recorded under a scope key such as ``catalog.product:3``."""
        return self.filter(scope=scope)

    def since(self, when):
        return self.filter(created_at__gte=when)


class Activity(models.Model):
    """One change a person cares about: who did what to which object, and the field diff."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=32)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target_repr = models.CharField(max_length=300)
    scope = models.CharField(max_length=64, blank=True, default="")
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "created_at"], name="activity_target"),
            models.Index(fields=["scope", "created_at"], name="activity_scope"),
            models.Index(fields=["created_at"], name="activity_created"),
            # One kind of change to many objects (the "released" verdicts of a period's
            # releases) without reading every other change to them.
            models.Index(fields=["target_type", "verb", "target_id"], name="activity_verb"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_repr}"

    @property
    def changes(self) -> dict:
        return self.payload.get("changes", {})


class SearchEntry(models.Model):
    """One searchable object. SQLite indexes it with FTS5, PostgreSQL with a GIN tsvector."""

    kind = models.CharField(max_length=32)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True, default="")
    url = models.CharField(max_length=300)
    # Who may find it: "" for everyone, else the allowed team ids as ",3,7," (see search.py).
    audience = models.CharField(max_length=500, blank=True, default="")
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchentry_unique_object")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """A person's own notifications, newest first."""
        return self.filter(recipient=user).order_by("-created_at", "-id")

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something one person should look at: a step assigned, a page to review, a reminder.

    ``title`` is written in the recipient's language when the notification is made; ``url`` is
    the page to open (always a path on this site).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=48)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True, default="")
    url = models.CharField(max_length=500, blank=True, default="")
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"


class Generation(models.Model):
    """A table's current generation (core/pagecache.py): a new token after every write to it,
    against which the pages kept in memory are checked."""

    table = models.CharField(max_length=100, primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.table
