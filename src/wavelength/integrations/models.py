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
