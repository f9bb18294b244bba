"""Test management: suites, versioned test cases, plans, runs and their results.

A test case's content lives in immutable :class:`CaseVersion` rows; the case itself keeps the
current values (for lists and filters) and the number of its latest version. A result points
at the version it executed, so editing a case never rewrites what a past run tested.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wavelength.core import clock


def pk_url(name: str):
    """``pk -> url`` for a route taking one ``<int:pk>``, reversed once: for the lists and bulk
    writes that need thousands of URLs (a ``reverse`` each is most of their time)."""
    marker = 987654321
    prefix, _sep, suffix = reverse(name, args=[marker]).rpartition(str(marker))
    return lambda pk: f"{prefix}{pk}{suffix}"


class Priority(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Suite(models.Model):
    """A folder of test cases; suites nest (a product's tree of suites)."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="test_suites"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(default=clock.now)

    TRACKED = ["product", "parent", "name", "description"]

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "parent", "name"], name="suite_unique_name_in_parent"
            ),
            models.UniqueConstraint(
                fields=["product", "name"],
                condition=models.Q(parent__isnull=True),
                name="suite_unique_top_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("quality:product", args=[self.product.slug]) + f"?suite={self.pk}"


class CaseQuerySet(models.QuerySet):
    def with_relations(self):
        """What a list row shows, in a fixed number of queries."""
        return self.select_related("product", "suite").prefetch_related("tags", "features")

    def active(self):
        return self.filter(archived=False)


class TestCase(models.Model):
    """A test: its current content, mirrored from its latest :class:`CaseVersion`."""

    __test__ = False  # not a pytest class

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="test_cases"
    )
    suite = models.ForeignKey(Suite, on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(_("title"), max_length=200)
    preconditions = models.TextField(_("preconditions"), blank=True)
    steps = models.JSONField(_("steps"), default=list, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    automation_id = models.CharField(
        _("automated test"), max_length=500, blank=True, default="", db_index=True
    )
    tags = models.ManyToManyField("catalog.Tag", blank=True, related_name="test_cases")
    features = models.ManyToManyField("catalog.Feature", blank=True, related_name="test_cases")
    version = models.PositiveIntegerField(default=1)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    objects = CaseQuerySet.as_manager()

    TRACKED = [
        "suite", "title", "preconditions", "steps", "priority", "automation_id", "tags",
        "features", "archived",
    ]  # fmt: skip
    # An edit's version (core.versioning): the steps are covered by the version number, which
    # every change bumps (the core fingerprint sorts lists and cannot order steps).
    VERSION_FIELDS = [*(f for f in TRACKED if f != "steps"), "version"]

    class Meta:
        ordering = ["suite_id", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "automation_id"],
                condition=~models.Q(automation_id=""),
                name="testcase_unique_automation_id",
            )
        ]
        indexes = [
            models.Index(fields=["product", "suite", "archived"], name="testcase_product_suite"),
            models.Index(fields=["product", "priority"], name="testcase_product_priority"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quality:case-detail", args=[self.pk])

    @property
    def key(self) -> str:
        return self.key_of(self.pk)

    @staticmethod
    def key_of(pk: int) -> str:
        """The short key people quote (``C12``), from an id alone."""
        return f"C{pk}"


class CaseVersion(models.Model):
    """One edit of a test case, never changed afterwards."""

    case = models.ForeignKey(TestCase, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    preconditions = models.TextField(blank=True)
    steps = models.JSONField(default=list, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices)
    automation_id = models.CharField(max_length=500, blank=True, default="")
    tags = models.JSONField(default=list, blank=True)
    feature_ids = models.JSONField(default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["case_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="caseversion_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.number}"


# Plans, runs and results ------------------------------------------------------------------


class TestPlan(models.Model):
    """Which cases a release is tested with: whole suites, tags, features and hand-picked
    cases; a case matching any of them is in the plan."""

    __test__ = False

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="test_plans"
    )
    release = models.ForeignKey(
        "catalog.Release", on_delete=models.PROTECT, related_name="test_plans"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    suites = models.ManyToManyField(Suite, blank=True, related_name="plans")
    tags = models.ManyToManyField("catalog.Tag", blank=True, related_name="test_plans")
    features = models.ManyToManyField("catalog.Feature", blank=True, related_name="test_plans")
    cases = models.ManyToManyField(TestCase, blank=True, related_name="plans")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    TRACKED = ["release", "name", "description", "suites", "tags", "features", "cases"]

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("quality:plan-detail", args=[self.pk])


class RunSource(models.TextChoices):
    MANUAL = "manual", _("Manual")
    JUNIT = "junit", _("JUnit import")


class RunStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class TestRun(models.Model):
    """A plan executed on one build in one environment (or a CI report, without a plan)."""

    __test__ = False

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="test_runs"
    )
    release = models.ForeignKey(
        "catalog.Release", on_delete=models.PROTECT, related_name="test_runs"
    )
    plan = models.ForeignKey(
        TestPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    name = models.CharField(_("name"), max_length=200)
    build = models.CharField(_("build"), max_length=120)
    environment = models.CharField(_("environment"), max_length=120, blank=True)
    source = models.CharField(max_length=10, choices=RunSource.choices, default=RunSource.MANUAL)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.OPEN)
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_test_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["release", "created_at"], name="testrun_release_created"),
            models.Index(fields=["product", "build"], name="testrun_product_build"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("quality:run-detail", args=[self.pk])


class ResultStatus(models.TextChoices):
    UNTESTED = "untested", _("Untested")
    PASSED = "passed", _("Passed")
    FAILED = "failed", pgettext_lazy("test result", "Failed")
    BLOCKED = "blocked", pgettext_lazy("test result", "Blocked")
    SKIPPED = "skipped", pgettext_lazy("test result", "Skipped")
    RETEST = "retest", _("Retest")


class TestResult(models.Model):
    """The outcome of one case in one run, against the case version the run executed."""

    __test__ = False

    run = models.ForeignKey(TestRun, on_delete=models.CASCADE, related_name="results")
    case = models.ForeignKey(TestCase, on_delete=models.PROTECT, related_name="results")
    case_version = models.ForeignKey(CaseVersion, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=ResultStatus.choices, default=ResultStatus.UNTESTED
    )
    step_statuses = models.JSONField(default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    duration_ms = models.PositiveBigIntegerField(_("duration"), null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    executed_at = models.DateTimeField(null=True, blank=True)

    # What recording a result changes (core.versioning). The time of the recording is part of
    # it: any save in between makes an edit stale (the core fingerprint sorts lists, so the
    # step statuses alone would not tell a swap of two steps).
    VERSION_FIELDS = ["status", "step_statuses", "notes", "duration_ms", "executed_at"]

    class Meta:
        ordering = ["run_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "case"], name="testresult_unique_case")
        ]
        indexes = [
            models.Index(fields=["run", "status"], name="testresult_run_status"),
            models.Index(fields=["case", "executed_at"], name="testresult_case_executed"),
            # Failures across runs, newest first (selectors.recent_failures).
            models.Index(fields=["status", "executed_at", "id"], name="testresult_status_executed"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.case_id}: {self.status}"

    def get_absolute_url(self) -> str:
        return reverse("quality:result-detail", args=[self.pk])


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JunitImport(models.Model):
    """A JUnit report too large to record while its request waits: the report waits in a file
    for a worker, which records it all or nothing (``services.junit_import``), publishing how
    far it got. ``total`` counts the steps: the report's tests and the cases it creates."""

    file = models.FileField(upload_to="quality/junit/", max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    release = models.ForeignKey("catalog.Release", on_delete=models.CASCADE, related_name="+")
    # The open run the report fills, or, once recorded, the run it became.
    run = models.ForeignKey(
        TestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    build = models.CharField(max_length=120)
    environment = models.CharField(max_length=120, blank=True)
    name = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=dict, blank=True)  # {field: message} when refused
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"JUnit {self.build} ({self.status})"

    @property
    def progress_name(self) -> str:
        """Where the worker publishes its counts (core.progress) while it records."""
        return f"junit-{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return min(99, int(100 * self.processed / self.total)) if self.total else 0


class Evidence(models.Model):
    """A file attached to a result (a screenshot, a log), served only to signed-in people."""

    result = models.ForeignKey(TestResult, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="quality/evidence/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("quality:evidence", args=[self.pk])


# Defects ----------------------------------------------------------------------------------


class Severity(models.TextChoices):
    CRITICAL = "critical", pgettext_lazy("severity", "Critical")
    MAJOR = "major", pgettext_lazy("severity", "Major")
    MINOR = "minor", pgettext_lazy("severity", "Minor")
    TRIVIAL = "trivial", pgettext_lazy("severity", "Trivial")


# From the most to the least severe (a gate blocks "at or above" one of them).
SEVERITY_RANK = {Severity.CRITICAL: 4, Severity.MAJOR: 3, Severity.MINOR: 2, Severity.TRIVIAL: 1}


class DefectStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("defect", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    FIXED = "fixed", _("Fixed")
    CLOSED = "closed", pgettext_lazy("defect", "Closed")


OPEN_DEFECT_STATUSES = (DefectStatus.OPEN, DefectStatus.IN_PROGRESS)


class DefectQuerySet(models.QuerySet):
    def unresolved(self):
        """Defects still open or being fixed."""
        return self.filter(status__in=OPEN_DEFECT_STATUSES)


class Defect(models.Model):
    """A problem found while testing (or reported later), linked to what it concerns."""

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="defects")
    release = models.ForeignKey(
        "catalog.Release", null=True, blank=True, on_delete=models.SET_NULL, related_name="defects"
    )
    case = models.ForeignKey(
        TestCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="defects"
    )
    result = models.ForeignKey(
        TestResult, null=True, blank=True, on_delete=models.SET_NULL, related_name="defects"
    )
    features = models.ManyToManyField("catalog.Feature", blank=True, related_name="defects")
    title = models.CharField(_("title"), max_length=200)
    steps = models.TextField(_("steps to reproduce"), blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MAJOR
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DefectStatus.choices, default=DefectStatus.OPEN
    )
    external_url = models.URLField(_("tracker link"), max_length=500, blank=True)
    external_key = models.CharField(_("tracker key"), max_length=64, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = DefectQuerySet.as_manager()

    TRACKED = [
        "release", "case", "features", "title", "steps", "severity", "status", "external_url",
        "external_key",
    ]  # fmt: skip

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["product", "status", "severity"], name="defect_product_status"),
            models.Index(fields=["release", "status"], name="defect_release_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quality:defect-detail", args=[self.pk])

    @property
    def key(self) -> str:
        return self.key_of(self.pk)

    @staticmethod
    def key_of(pk: int) -> str:
        """The short key people quote (``D12``), from an id alone."""
        return f"D{pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_DEFECT_STATUSES


class DefectLink(models.Model):
    """A defect's link to a feedback item or a customer company.

    Quality does not import the feedback app's models (sibling apps stay independent), so the
    link is generic: a content type and an id, checked against :data:`LINKABLE` when made.
    """

    defect = models.ForeignKey(Defect, on_delete=models.CASCADE, related_name="links")
    target_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.PositiveBigIntegerField()
    target_repr = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["defect", "target_type", "target_id"], name="defectlink_unique"
            )
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="defectlink_target")]

    def __str__(self) -> str:
        return self.target_repr


# What a defect may link to: kind -> (app label, model name).
LINKABLE = {"feedback": ("feedback", "feedback"), "customer": ("feedback", "company")}


# Inspections ------------------------------------------------------------------------------


class Checklist(models.Model):
    """A review that is not a test case (accessibility, security, localisation…): items to
    check and the team whose member signs it off. Every edit is a new version."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    items = models.JSONField(_("items"), default=list)
    signoff_team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checklists",
        verbose_name=_("signed off by"),
    )
    version = models.PositiveIntegerField(default=1)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    # What an edit changes (core.versioning); the version number tells A → B → A apart.
    VERSION_FIELDS = ["name", "description", "items", "signoff_team", "archived", "version"]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("quality:checklist-detail", args=[self.pk])


class ChecklistVersion(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    items = models.JSONField(default=list)
    signoff_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["checklist_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "number"], name="checklistversion_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"


class InspectionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SIGNED = "signed", _("Signed off")


class Inspection(models.Model):
    """A checklist applied to a release, at one version of it, until someone signs it off."""

    release = models.ForeignKey(
        "catalog.Release", on_delete=models.CASCADE, related_name="inspections"
    )
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="inspections")
    checklist_version = models.ForeignKey(
        ChecklistVersion, on_delete=models.PROTECT, related_name="+"
    )
    checked = models.JSONField(default=list)  # one boolean per item of the version
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        max_length=12, choices=InspectionStatus.choices, default=InspectionStatus.IN_PROGRESS
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    # Counts every change: the core fingerprint sorts lists, so ``checked`` alone would not
    # tell which item was ticked.
    revision = models.PositiveIntegerField(default=0)

    # What ticking, noting and signing change (core.versioning).
    VERSION_FIELDS = ["checked", "notes", "status", "revision"]

    class Meta:
        ordering = ["checklist__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "checklist"], name="inspection_unique_checklist"
            )
        ]

    def __str__(self) -> str:
        return f"{self.checklist_id} for {self.release_id}"

    @property
    def is_signed(self) -> bool:
        return self.status == InspectionStatus.SIGNED


# The release-readiness gate ---------------------------------------------------------------


class ReleaseGate(models.Model):
    """What a product's releases must meet before they ship. Each criterion is optional: one
    left unset is not part of the gate (see :mod:`wavelength.quality.gate`)."""

    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, related_name="quality_gate"
    )
    min_pass_rate = models.PositiveSmallIntegerField(
        _("minimum pass rate (%)"), null=True, blank=True
    )
    blocking_severity = models.CharField(
        _("no open defect at or above"),
        max_length=10,
        choices=Severity.choices,
        blank=True,
        default="",
    )
    required_checklists = models.ManyToManyField(
        Checklist, blank=True, related_name="+", verbose_name=_("required inspections")
    )
    require_coverage = models.BooleanField(
        _("every feature in the release covered by a test case"), default=False
    )
    require_all_executed = models.BooleanField(_("every planned case executed"), default=False)
    updated_at = models.DateTimeField(default=clock.now)

    TRACKED = [
        "min_pass_rate", "blocking_severity", "required_checklists", "require_coverage",
        "require_all_executed",
    ]  # fmt: skip

    def __str__(self) -> str:
        return self.product.name

    def get_absolute_url(self) -> str:
        return reverse("quality:gate", args=[self.product.slug])

    @property
    def criteria_set(self) -> int:
        """How many of its criteria are part of the gate."""
        checklists = bool(self.pk and self.required_checklists.all())
        return sum(
            [self.min_pass_rate is not None, bool(self.blocking_severity),
             self.require_coverage, self.require_all_executed, checklists]
        )  # fmt: skip
