"""Cross-functional meetings: a series (who meets, about which products, when), its
occurrences, each occurrence's agenda, minutes, attendance, decisions and action items.

A series keeps its recurrence as an RFC 5545 RRULE read in the series' own time zone
(:mod:`.recurrence`); occurrences store their start in UTC.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock, formats, versioning

from . import wording


class AgendaPart(models.TextChoices):
    FEEDBACK = "feedback", _("New feedback from the highest-revenue customers")
    ASKS = "asks", _("The most asked-for features")
    STAGES = "stages", _("Features that changed stage")
    RELEASES = "releases", _("Releases due in the next two weeks")
    STEPS = "steps", _("Overdue playbook steps")
    DEFECTS = "defects", _("Open critical defects")
    PAGES = "pages", _("Stale knowledge pages")
    ACTIONS = "actions", _("Open action items from earlier meetings")


class MeetingSeries(models.Model):
    name = models.CharField(_("name"), max_length=120)
    purpose = models.TextField(_("purpose"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_meeting_series"
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="meeting_series"
    )
    teams = models.ManyToManyField("accounts.Team", blank=True, related_name="meeting_series")
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="meeting_series")
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    start_date = models.DateField(_("first date"))
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    rrule = models.CharField(_("recurrence"), max_length=300)
    agenda_parts = models.JSONField(_("agenda parts"), default=list, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    VERSION_FIELDS = [
        "name", "purpose", "owner", "time_zone", "start_date", "start_time",
        "duration_minutes", "rrule", "agenda_parts", "attendees", "teams", "products",
    ]  # fmt: skip
    TRACKED = VERSION_FIELDS

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("meetings:series-detail", args=[self.pk])


class OccurrenceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CLOSED = "closed", _("Closed")


class Occurrence(models.Model):
    """One meeting of a series. Closing it freezes it: only the series' owner edits after."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="occurrences")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        max_length=10, choices=OccurrenceStatus.choices, default=OccurrenceStatus.PLANNED
    )
    minutes = models.TextField(_("minutes"), blank=True)
    attended = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="meetings_attended"
    )
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    agenda_sent_at = models.DateTimeField(null=True, blank=True)
    minutes_sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    VERSION_FIELDS = ["minutes", "status", "attended"]
    TRACKED = VERSION_FIELDS

    class Meta:
        ordering = ["series", "starts_at"]
        verbose_name = _("meeting")
        constraints = [
            models.UniqueConstraint(fields=["series", "starts_at"], name="occurrence_unique_start")
        ]
        indexes = [models.Index(fields=["starts_at"], name="occurrence_starts")]

    def __str__(self) -> str:
        return f"{self.series.name}, {formats.day(self.starts_at)}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:occurrence-detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == OccurrenceStatus.CLOSED


class AgendaItem(models.Model):
    """One point of an occurrence's agenda: generated from live data (``kind`` names the part,
    ``source_id`` the row it came from and ``params`` what its sentence says, made in each
    reader's language by :mod:`.wording`) or added by hand (``kind`` "manual"). ``title`` and
    ``note`` hold a person's own words: all of a manual item, or an edit of a generated one."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, default="manual")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)

    VERSION_FIELDS = ["title", "note", "position"]
    TRACKED = ["title", "note", "position"]

    class Meta:
        ordering = ["occurrence", "position", "id"]
        verbose_name = _("agenda item")

    def __str__(self) -> str:
        return self.display_title

    @property
    def edit_version(self) -> str:
        """What the ↑, ↓ and remove buttons send, so a stale click is refused."""
        return versioning.version_of(self)

    @property
    def display_title(self) -> str:
        return wording.describe(self)[0]

    @property
    def display_note(self) -> str:
        return wording.describe(self)[1]


class Decision(models.Model):
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="decisions")
    title = models.CharField(_("decision"), max_length=300)
    rationale = models.TextField(_("why"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    features = models.ManyToManyField("catalog.Feature", blank=True, related_name="decisions")
    releases = models.ManyToManyField("catalog.Release", blank=True, related_name="decisions")
    pages = models.ManyToManyField("knowledge.Page", blank=True, related_name="decisions")
    created_at = models.DateTimeField(default=clock.now)

    VERSION_FIELDS = ["title", "rationale", "decided_by", "features", "releases", "pages"]
    TRACKED = VERSION_FIELDS

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("decision")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:decision-detail", args=[self.pk])


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ActionStatus.OPEN)

    def overdue(self, today=None):
        """Open items whose due date has passed."""
        return self.open().filter(due_on__lt=today or clock.now().date())


class ActionItem(models.Model):
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="meeting_actions",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    feature = models.ForeignKey(
        "catalog.Feature", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    release = models.ForeignKey(
        "catalog.Release", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    objects = ActionItemQuerySet.as_manager()

    VERSION_FIELDS = ["title", "owner", "due_on", "feature", "release", "status"]
    TRACKED = VERSION_FIELDS

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("action item")
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="action_owner_due")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.occurrence.get_absolute_url() + f"#action-{self.pk}"

    def is_overdue(self) -> bool:
        return bool(
            self.status == ActionStatus.OPEN and self.due_on and self.due_on < clock.now().date()
        )


class CalendarTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class CalendarToken(models.Model):
    """A person's calendar feed address. Only the SHA-256 of its secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}…"
