"""The research repository: studies (interviews, usability tests…) with their participants,
the notes taken during them, highlights (a quoted passage of a note, tagged, and linked to
features through a feedback item so that it counts as evidence in demand), personas and
competitors.

Notes and descriptions are Markdown, rendered through ``core.markdown`` (sanitised).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock

__all__ = [
    "Competitor",
    "Highlight",
    "Note",
    "Persona",
    "Study",
    "StudyMethod",
    "StudyStatus",
]


class StudyMethod(models.TextChoices):
    INTERVIEW = "interview", _("Interviews")
    USABILITY = "usability", _("Usability tests")
    CONTEXTUAL = "contextual", _("Contextual inquiry")
    CONCEPT = "concept", _("Concept tests")
    DIARY = "diary", _("Diary study")
    FOCUS_GROUP = "focus_group", _("Focus group")
    OTHER = "other", _("Other")


class StudyStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Study(models.Model):
    title = models.CharField(_("title"), max_length=200)
    goal = models.TextField(_("goal"), blank=True)
    method = models.CharField(
        _("method"), max_length=16, choices=StudyMethod.choices, default=StudyMethod.INTERVIEW
    )
    status = models.CharField(
        _("status"), max_length=12, choices=StudyStatus.choices, default=StudyStatus.PLANNED
    )
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="studies"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_studies",
    )  # fmt: skip
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    participants = models.ManyToManyField(
        "feedback.Contact", blank=True, related_name="studies", verbose_name=_("participants")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    VERSION_FIELDS = [
        "title", "goal", "method", "status", "product", "owner", "starts_on", "ends_on",
        "participants",
    ]  # fmt: skip
    TRACKED = VERSION_FIELDS

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        indexes = [
            models.Index(fields=["status", "updated_at"], name="study_status_updated"),
            models.Index(fields=["updated_at"], name="study_updated"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("research:study-detail", args=[self.pk])


class Note(models.Model):
    """What was heard or seen in one session of a study (an interview, a test)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="notes")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("notes"))
    participant = models.ForeignKey(
        "feedback.Contact", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="research_notes", verbose_name=_("participant"),
    )  # fmt: skip
    taken_on = models.DateField(_("date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    VERSION_FIELDS = ["title", "body", "participant", "taken_on"]
    TRACKED = VERSION_FIELDS

    class Meta:
        ordering = ["-taken_on", "-id"]
        verbose_name = _("research note")
        indexes = [models.Index(fields=["study", "taken_on"], name="note_study_taken")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("research:study-note-detail", args=[self.pk])


class Highlight(models.Model):
    """A passage of a note worth keeping. Linked to a feature, it becomes a feedback item of
    the "research" channel linked with that quote, so it counts in the feature's demand."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="highlights")
    quote = models.TextField(_("quote"), max_length=1000)
    tags = models.ManyToManyField("catalog.Tag", blank=True, related_name="research_highlights")
    # The evidence in the feedback inbox, made when the highlight is first linked to a feature.
    feedback = models.OneToOneField(
        "feedback.Feedback", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="research_highlight",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("highlight")
        indexes = [models.Index(fields=["note", "created_at"], name="highlight_note")]

    def __str__(self) -> str:
        return self.quote[:80]

    def get_absolute_url(self) -> str:
        return f"{self.note.get_absolute_url()}#highlight-{self.pk}"


class Persona(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    segments = models.JSONField(_("segments"), default=list, blank=True)
    companies = models.ManyToManyField(
        "feedback.Company", blank=True, related_name="personas", verbose_name=_("companies")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    VERSION_FIELDS = ["name", "description", "segments", "companies"]
    TRACKED = VERSION_FIELDS

    class Meta:
        ordering = ["name"]
        verbose_name = _("persona")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("research:persona-detail", args=[self.pk])


class Competitor(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Other names customers use for it; feedback naming any of them is a mention.
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    VERSION_FIELDS = ["name", "website", "notes", "aliases"]
    TRACKED = VERSION_FIELDS

    class Meta:
        ordering = ["name"]
        verbose_name = _("competitor")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("research:competitor-detail", args=[self.pk])

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]
