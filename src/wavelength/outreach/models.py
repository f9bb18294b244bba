"""Closing the loop: the messages that tell customers a feature they asked for is out, the
follow-up tasks of the companies' owners, and the e-mails telling the followers of a portal
idea that it moved.

A message is prepared once per feature, contact and trigger (``stage:beta``,
``stage:generally_available`` or ``release:<id>``), so nobody is ever told twice.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock


class LoopStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


# A message in one of these still waits to reach its contact: nobody gets a second one.
WAITING = (LoopStatus.DRAFT, LoopStatus.QUEUED, LoopStatus.SENDING, LoopStatus.FAILED)


class LoopSend(models.Model):
    """One "Send" of a feature's messages: a background job that sends each message it
    queued exactly once; its messages tell how far it got."""

    feature = models.ForeignKey("catalog.Feature", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    base_url = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        db_table = "feedback_loopsend"  # created by the feedback app, which held it first
        verbose_name = _("close-the-loop send")
        indexes = [models.Index(fields=["feature", "requested_at"], name="loopsend_feature")]

    def __str__(self) -> str:
        return f"send {self.pk} of feature {self.feature_id}"


class LoopMessage(models.Model):
    """One message to one contact who asked for a feature, prepared when it shipped."""

    feature = models.ForeignKey(
        "catalog.Feature", on_delete=models.CASCADE, related_name="loop_messages"
    )
    contact = models.ForeignKey(
        "feedback.Contact", on_delete=models.CASCADE, related_name="loop_messages"
    )
    company = models.ForeignKey(
        "feedback.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="loop_messages",
    )
    release = models.ForeignKey(
        "catalog.Release", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trigger = models.CharField(_("trigger"), max_length=40)
    language = models.CharField(_("language"), max_length=8, default="en")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=10_000)
    status = models.CharField(
        _("status"), max_length=10, choices=LoopStatus.choices, default=LoopStatus.DRAFT
    )
    prepared_at = models.DateTimeField(default=clock.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    send = models.ForeignKey(
        LoopSend, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    # Why the last attempt failed (the e-mail backend's error), until a retry sends it.
    error = models.CharField(_("error"), max_length=500, blank=True)
    # When a sending job took it: one still "sending" long after was interrupted.
    claimed_at = models.DateTimeField(null=True, blank=True)

    VERSION_FIELDS = ["subject", "body"]  # what editing a draft changes (core.versioning)

    class Meta:
        ordering = ["company__name", "contact__email", "prepared_at", "id"]
        db_table = "feedback_loopmessage"  # created by the feedback app, which held it first
        verbose_name = _("close-the-loop message")
        constraints = [
            models.UniqueConstraint(
                fields=["feature", "contact", "trigger"], name="loopmessage_once_per_trigger"
            )
        ]
        indexes = [
            models.Index(fields=["feature", "status"], name="loopmessage_feature_status"),
            models.Index(fields=["feature", "sent_at"], name="loopmessage_feature_sent"),
            models.Index(fields=["company", "sent_at"], name="loopmessage_company_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.trigger} → {self.contact_id} ({self.status})"


class FollowUpTask(models.Model):
    """A task for a company's owner: follow up now that something they asked for is out."""

    company = models.ForeignKey(
        "feedback.Company", on_delete=models.CASCADE, related_name="follow_ups"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    feature = models.ForeignKey("catalog.Feature", on_delete=models.CASCADE, related_name="+")
    trigger = models.CharField(_("trigger"), max_length=40)
    text = models.CharField(_("task"), max_length=500)
    created_at = models.DateTimeField(default=clock.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "-created_at", "-id"]
        db_table = "feedback_followuptask"  # created by the feedback app, which held it first
        verbose_name = _("follow-up task")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "feature", "trigger"], name="followup_once_per_trigger"
            )
        ]
        indexes = [models.Index(fields=["company", "done_at"], name="followup_company_open")]

    def __str__(self) -> str:
        return self.text


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class FollowerNotification(models.Model):
    """The e-mail telling one follower of an idea that it moved (its feature changed stage, or
    a release shipping it was released): one per activity row and contact, so a move is never
    told twice."""

    activity = models.ForeignKey("core.Activity", on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(
        "portal.PortalIdea", on_delete=models.CASCADE, related_name="notifications"
    )
    contact = models.ForeignKey("feedback.Contact", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        db_table = "feedback_followernotification"  # created by the feedback app
        verbose_name = _("idea follower notification")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "idea", "contact"], name="followernotice_once_per_move"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} → {self.contact_id} ({self.status})"


def trigger_label(trigger: str, release=None) -> str:
    """What happened, in words: "Beta", "Generally available" or "Release Orbit 2.0"."""
    from wavelength.catalog.models import Stage

    kind, _sep, value = trigger.partition(":")
    if kind == "stage":
        return str(Stage(value).label) if value in Stage.values else value
    return _("Release %(release)s") % {"release": release or value}


LoopMessage.trigger_label = property(lambda self: trigger_label(self.trigger, self.release))
FollowUpTask.trigger_label = property(lambda self: trigger_label(self.trigger))
