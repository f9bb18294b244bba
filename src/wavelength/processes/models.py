"""Playbooks (versioned templates of steps) and their runs.

A playbook's steps live in a :class:`PlaybookVersion`; a version never changes once written.
Saving a playbook writes a new version, so a run points at the version it started from and
reads its steps from there forever.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock


class OwnerKind(models.TextChoices):
    TEAM = "team", _("A team")
    SUBJECT = "subject", _("The person the run is for")
    MANAGER = "manager", _("Their manager")
    STARTER = "starter", _("The person who started the run")
    TARGET_OWNER = "target_owner", _("The owner of the release, feature or customer")


class CheckKind(models.TextChoices):
    NONE = "", _("None")
    BOX = "box", _("A box to tick")
    LINK = "link", _("A link to evidence")
    APPROVAL = "approval", _("An approval")
    CONDITION = "condition", _("A condition Wavelength checks")


class Playbook(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    # The standard playbook this one was installed from ("" for the workspace's own).
    standard_key = models.CharField(max_length=40, blank=True, default="", db_index=True)
    current_version = models.ForeignKey(
        "PlaybookVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    # What an edit changes (core.versioning): its name and description, and its steps (each
    # save of them publishes a new current version).
    VERSION_FIELDS = ["name", "description", "current_version"]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("processes:playbook-detail", args=[self.slug])


class PlaybookVersion(models.Model):
    """One immutable set of steps of a playbook."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["playbook", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["playbook", "number"], name="playbookversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.playbook} v{self.number}"


class PlaybookStep(models.Model):
    """A step of one playbook version (immutable with its version)."""

    version = models.ForeignKey(PlaybookVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    owner_kind = models.CharField(
        _("owner"), max_length=16, choices=OwnerKind.choices, default=OwnerKind.STARTER
    )
    owner_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_offset_days = models.IntegerField(_("due (days after start)"), default=0)
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents"
    )
    check_kind = models.CharField(
        _("required check"), max_length=16, choices=CheckKind.choices, blank=True, default=""
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    condition_key = models.CharField(max_length=80, blank=True, default="")
    condition_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="playbookstep_unique")
        ]

    def __str__(self) -> str:
        return self.title


class RunStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class RunQuerySet(models.QuerySet):
    def for_target(self, obj):
        ct = ContentType.objects.get_for_model(obj)
        return self.filter(target_type=ct, target_id=obj.pk)


class Run(models.Model):
    """One playbook being carried out for a release, a feature, a customer or a person."""

    playbook = models.ForeignKey(Playbook, on_delete=models.PROTECT, related_name="runs")
    version = models.ForeignKey(PlaybookVersion, on_delete=models.PROTECT, related_name="runs")
    title = models.CharField(_("title"), max_length=250)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_repr = models.CharField(max_length=300, blank=True, default="")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs_for_me",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_on = models.DateField(_("start date"))
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.ACTIVE)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="run_target"),
            models.Index(fields=["status", "created_at"], name="run_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("processes:run-detail", args=[self.pk])

    @property
    def scope(self) -> str:
        return f"processes.run:{self.pk}"


class StepStatus(models.TextChoices):
    OPEN = "open", _("To do")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")


FINISHED = (StepStatus.DONE, StepStatus.SKIPPED)


class RunStep(models.Model):
    """One step of a run: who it is assigned to, when it is due, and how it was closed."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="steps")
    step = models.ForeignKey(PlaybookStep, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_steps",
    )
    assignee_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=StepStatus.choices, default=StepStatus.OPEN)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    skip_reason = models.CharField(_("reason"), max_length=300, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "position"]
        constraints = [models.UniqueConstraint(fields=["run", "step"], name="runstep_unique")]
        indexes = [
            models.Index(fields=["assignee", "status", "due_on"], name="runstep_assignee"),
            models.Index(fields=["assignee_team", "status", "due_on"], name="runstep_team"),
            models.Index(fields=["status", "due_on"], name="runstep_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("processes:run-detail", args=[self.run_id]) + f"#step-{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED


class ReleaseRequirement(models.Model):
    """A playbook whose run must be complete before a release ships."""

    release = models.ForeignKey(
        "catalog.Release", on_delete=models.CASCADE, related_name="playbook_requirements"
    )
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "playbook"], name="releasereq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.release_id} requires {self.playbook_id}"


class ProductRequirement(models.Model):
    """A playbook whose run must be complete before any release of a product ships."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="playbook_requirements"
    )
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "playbook"], name="productreq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} requires {self.playbook_id} of every release"


class TeamOnboarding(models.Model):
    """The playbook a team starts for each new member (no row, or no playbook: off)."""

    team = models.OneToOneField(
        "accounts.Team", on_delete=models.CASCADE, related_name="onboarding"
    )
    playbook = models.ForeignKey(
        Playbook, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=clock.now)

    VERSION_FIELDS = ["playbook"]  # what the settings page changes (core.versioning)

    def __str__(self) -> str:
        return f"{self.team_id} onboards with {self.playbook_id}"
