"""Training: courses of ordered lessons, quizzes, the versions learners take, assignments with
due dates, certifications that expire, and learning paths.

A course is edited as rows (lessons, quizzes, questions, choices); what a learner takes is a
frozen :class:`CourseVersion` of them, made when the course is published and again after each
edit of a published course. Learners in progress keep their version until the owner asks them
to restart.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class AudienceRole(models.TextChoices):
    ADMIN = "admin", _("Administrators")
    EDITOR = "editor", _("Editors")
    VIEWER = "viewer", _("Viewers")


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=CourseStatus.PUBLISHED)


class Course(models.Model):
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_courses",
    )
    audience_teams = models.ManyToManyField(
        "accounts.Team", verbose_name=_("audience teams"), blank=True, related_name="courses"
    )
    audience_roles = models.JSONField(_("audience roles"), default=list, blank=True)
    duration_minutes = models.PositiveIntegerField(_("estimated duration (minutes)"), default=30)
    status = models.CharField(
        _("status"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    features = models.ManyToManyField("catalog.Feature", blank=True, related_name="courses")
    releases = models.ManyToManyField("catalog.Release", blank=True, related_name="courses")
    # The version new learners start; 0 until first published.
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    objects = CourseQuerySet.as_manager()

    VERSION_FIELDS = [
        "title",
        "summary",
        "owner",
        "audience_teams",
        "audience_roles",
        "duration_minutes",
        "status",
        "features",
        "releases",
        "version",
    ]
    TRACKED = [f for f in VERSION_FIELDS if f != "version"]

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("course")
        indexes = [models.Index(fields=["status", "title"], name="course_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:course-detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == CourseStatus.PUBLISHED


class LessonKind(models.TextChoices):
    PAGE = "page", _("A knowledge page")
    MARKDOWN = "markdown", _("Its own text")


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=LessonKind.choices)
    page = models.ForeignKey(
        "knowledge.Page",
        verbose_name=_("knowledge page"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lessons",
    )
    body = models.TextField(_("text (Markdown)"), blank=True)
    features = models.ManyToManyField("catalog.Feature", blank=True, related_name="lessons")
    releases = models.ManyToManyField("catalog.Release", blank=True, related_name="lessons")

    VERSION_FIELDS = ["title", "kind", "page", "body", "position", "features", "releases"]
    TRACKED = VERSION_FIELDS

    class Meta:
        ordering = ["course", "position", "id"]
        verbose_name = _("lesson")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:lesson-detail", args=[self.pk])


class Quiz(models.Model):
    """The quiz at the end of a lesson, or of the course when ``lesson`` is empty."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    lesson = models.OneToOneField(
        Lesson, null=True, blank=True, on_delete=models.CASCADE, related_name="quiz"
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80)
    # 0: as many attempts as the learner likes.
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=3)

    VERSION_FIELDS = ["pass_mark", "max_attempts"]
    TRACKED = VERSION_FIELDS

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.UniqueConstraint(
                fields=["course"], condition=models.Q(lesson=None), name="quiz_one_per_course"
            )
        ]

    def __str__(self) -> str:
        return str(self.lesson or self.course)

    def get_absolute_url(self) -> str:
        return reverse("training:quiz-edit", args=[self.pk])


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    explanation = models.TextField(_("explanation"), blank=True)
    # [{"id": 1, "text": "…", "correct": true}]: choice ids are stable within a question.
    choices = models.JSONField(default=list)

    VERSION_FIELDS = ["kind", "text", "explanation", "choices", "position"]
    TRACKED = VERSION_FIELDS

    class Meta:
        ordering = ["quiz", "position", "id"]
        verbose_name = _("question")

    def __str__(self) -> str:
        return self.text[:80]


class CourseVersion(models.Model):
    """What learners take: the course's lessons and quizzes frozen when it was published."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["course", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="courseversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.course_id} v{self.number}"

    def lessons(self) -> list[dict]:
        return self.content.get("lessons", [])

    def lesson(self, key: int) -> dict | None:
        return next((x for x in self.lessons() if x["id"] == key), None)

    def quiz(self, key: int) -> dict | None:
        """The quiz whose id is ``key``, from a lesson or the course's own."""
        quizzes = [x.get("quiz") for x in self.lessons()] + [self.content.get("quiz")]
        return next((q for q in quizzes if q and q["id"] == key), None)

    @property
    def steps(self) -> int:
        """What a learner completes: each lesson, and the course's own quiz."""
        return len(self.lessons()) + (1 if self.content.get("quiz") else 0)


class Enrollment(models.Model):
    """A learner taking a course: the version they take and how far they are."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    version = models.ForeignKey(CourseVersion, on_delete=models.PROTECT, related_name="+")
    # Each restart starts a new cycle: attempts are limited per cycle, all are kept.
    cycle = models.PositiveIntegerField(default=1)
    # Lesson ids (of the version) completed, and the knowledge page version read for each.
    done = models.JSONField(default=dict)
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=clock.now)
    passed_at = models.DateTimeField(null=True, blank=True)
    best_score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="enrollment_unique")]
        indexes = [models.Index(fields=["course", "passed_at"], name="enrollment_course")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id}"

    @property
    def percent(self) -> int:
        if self.passed_at:
            return 100
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0


class Attempt(models.Model):
    """One try at a quiz. ``order`` holds the question and choice order this attempt showed;
    ``answers`` and the score are written once, on submission."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attempts")
    quiz_key = models.PositiveBigIntegerField()
    cycle = models.PositiveIntegerField(default=1)
    number = models.PositiveIntegerField()
    order = models.JSONField()
    answers = models.JSONField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    started_at = models.DateTimeField(default=clock.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["enrollment", "quiz_key", "cycle", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "quiz_key", "cycle", "number"], name="attempt_unique"
            )
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.enrollment_id}"

    def get_absolute_url(self) -> str:
        return reverse("training:attempt-detail", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(completed_at__isnull=True)

    def overdue(self, today: dt.date | None = None):
        """Not completed, and the due date has passed."""
        return self.open().filter(due_on__lt=today or clock.now().date())


class Assignment(models.Model):
    """A course a person must pass by a date; assigning to a team or a role makes one row per
    person (``source`` says how it came)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_assignments"
    )
    due_on = models.DateField(_("due date"))
    source = models.CharField(max_length=80, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_after_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="assignment_unique")]
        indexes = [
            models.Index(fields=["user", "completed_at", "due_on"], name="assignment_user"),
            models.Index(fields=["completed_at", "due_on"], name="assignment_due"),
            # Covers the report's counts by course and its list by due date.
            models.Index(fields=["course", "completed_at", "due_on"], name="assignment_course"),
            models.Index(fields=["due_on", "id"], name="assignment_due_on"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} → {self.user_id}"

    def is_overdue(self) -> bool:
        return self.completed_at is None and self.due_on < clock.now().date()


class Certification(models.Model):
    """Granted to whoever passes ``course``; valid for ``valid_days``."""

    name = models.CharField(_("name"), max_length=200)
    course = models.OneToOneField(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="certification"
    )
    valid_days = models.PositiveIntegerField(_("valid for (days)"), default=365)
    # How long before it expires the holder is told and the course is assigned again.
    warn_days = models.PositiveIntegerField(_("renewal notice (days)"), default=30)

    VERSION_FIELDS = ["name", "valid_days", "warn_days"]
    TRACKED = VERSION_FIELDS

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("certification")

    def __str__(self) -> str:
        return self.name


class Grant(models.Model):
    """A person holds a certification from ``granted_at`` until ``expires_at``."""

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certifications"
    )
    granted_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(fields=["certification", "user"], name="grant_unique")
        ]
        indexes = [models.Index(fields=["expires_at"], name="grant_expires")]

    def __str__(self) -> str:
        return f"{self.certification_id} → {self.user_id}"

    def is_valid(self) -> bool:
        return self.expires_at > clock.now()


class LearningPath(models.Model):
    """Courses taken in order: a course opens once the ones before it are passed."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_paths"
    )
    courses = models.ManyToManyField(Course, through="PathStep", related_name="paths")
    created_at = models.DateTimeField(default=clock.now)

    VERSION_FIELDS = ["name", "description", "owner"]
    TRACKED = VERSION_FIELDS

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("learning path")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("training:path-detail", args=[self.pk])


class PathStep(models.Model):
    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["path", "position"]
        constraints = [models.UniqueConstraint(fields=["path", "course"], name="pathstep_unique")]

    def __str__(self) -> str:
        return f"{self.path_id} #{self.position}"


class EnablementGate(models.Model):
    """A product's release gate criterion "enablement complete": at least ``min_percent`` of
    the people of ``teams`` assigned a release's enablement courses have passed them."""

    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, related_name="enablement_gate"
    )
    min_percent = models.PositiveSmallIntegerField(_("people ready (%)"), null=True, blank=True)
    teams = models.ManyToManyField("accounts.Team", blank=True, related_name="+")
    # Who edits and publishes the enablement courses drafted for the product's releases and
    # features; without one, nothing is drafted on its own.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enablement owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(default=clock.now)

    VERSION_FIELDS = ["min_percent", "teams", "owner"]
    TRACKED = VERSION_FIELDS

    class Meta:
        verbose_name = _("enablement gate")

    def __str__(self) -> str:
        return f"{self.product} enablement"


class Enablement(models.Model):
    """A course drafted to enable sales, support and success on a release or a feature: the
    teams publishing it assigns it to, and by when (before the release's target date)."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="enablement")
    release = models.ForeignKey(
        "catalog.Release",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="enablements",
    )
    feature = models.ForeignKey(
        "catalog.Feature",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="enablements",
    )
    teams = models.ManyToManyField("accounts.Team", verbose_name=_("teams"), blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    assigned_at = models.DateTimeField(null=True, blank=True)

    VERSION_FIELDS = ["teams", "due_on"]
    TRACKED = VERSION_FIELDS

    class Meta:
        verbose_name = _("enablement")
        constraints = [
            models.UniqueConstraint(
                fields=["release"],
                condition=models.Q(release__isnull=False),
                name="enablement_one_per_release",
            ),
            models.UniqueConstraint(
                fields=["feature"],
                condition=models.Q(feature__isnull=False),
                name="enablement_one_per_feature",
            ),
        ]

    def __str__(self) -> str:
        return str(self.release or self.feature)

    def get_absolute_url(self) -> str:
        return reverse("training:enablement-edit", args=[self.pk])


def _attachment_path(instance, filename: str) -> str:
    return f"training/{instance.course_id}/{filename}"


class CourseAttachment(models.Model):
    """An image or file the course's lessons show or link, kept in the data directory and
    served by a view that checks the reader may see the course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("training:attachment", args=[self.pk, self.name])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
