"""Imports: saved CSV mappings and import jobs with their progress."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock


class ImportMapping(models.Model):
    """A named ``{column: field}`` mapping, chosen again for the next file of the same kind."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    mapping = models.JSONField(_("mapping"), default=dict)
    source = models.CharField(_("source"), max_length=16, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("import mapping")

    def __str__(self) -> str:
        return self.name


class JobStatus(models.TextChoices):
    DRAFT = "draft", _("Mapping columns")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One CSV file on its way in: the file, its mapping, then the counts as chunks commit.

    ``errors`` holds ``[{"row": n, "column": "…", "message": "…"}]`` (row 0 = the whole file).
    """

    file = models.FileField(upload_to="imports/", max_length=300)
    file_name = models.CharField(_("file name"), max_length=255)
    mapping = models.JSONField(_("mapping"), default=dict)
    source = models.CharField(_("source"), max_length=16, default="csv")
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.DRAFT
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        indexes = [models.Index(fields=["created_by", "created_at"], name="importjob_owner")]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("integrations:import-detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0


class WebhookFormat(models.TextChoices):
    JSON = "json", _("JSON, signed")
    SLACK = "slack", _("Slack message")
    TEAMS = "teams", _("Microsoft Teams message")


class Webhook(models.Model):
    """An address told of chosen events as they happen: a signed JSON body for your own
    services, or a readable message for a Slack or Microsoft Teams incoming webhook."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    format = models.CharField(
        _("format"), max_length=8, choices=WebhookFormat.choices, default=WebhookFormat.JSON
    )
    secret = models.CharField(max_length=80)
    events = models.JSONField(_("events"), default=list)
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="+")
    active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(max_length=300, blank=True, default="")
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    VERSION_FIELDS = ["name", "url", "format", "events", "products", "active"]  # core.versioning

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("integrations:webhook-detail", args=[self.pk])


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one webhook: the same id and body on every attempt."""

    uuid = models.UUIDField(unique=True)
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    body = models.TextField()
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["webhook", "-created_at"], name="delivery_webhook"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook_id}"


class WebhookAttempt(models.Model):
    """One try at a delivery: when, the answer's status code (or the error) and its start."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(default=clock.now)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, default="")
    response_start = models.CharField(max_length=500, blank=True, default="")
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.delivery_id} at {self.at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
        )

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
