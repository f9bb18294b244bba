"""Spaces, pages, their versions, links, approvals, reads, attachments and templates."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock

User = settings.AUTH_USER_MODEL


class SpaceVisibility(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    TEAMS = "teams", _("Chosen teams")


class SpaceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Spaces ``user`` may read: open ones, and team-only ones of a team they belong to."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_admin:
            return self
        member_of = Space.teams.through.objects.filter(team__memberships__user=user)
        return self.filter(
            Q(visibility=SpaceVisibility.EVERYONE) | Q(pk__in=member_of.values("space_id"))
        )


class Space(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=SpaceVisibility.choices,
        default=SpaceVisibility.EVERYONE,
    )
    teams = models.ManyToManyField("accounts.Team", blank=True, related_name="knowledge_spaces")
    owners = models.ManyToManyField(User, blank=True, related_name="owned_spaces")
    # Approvers for every page of the space that names none of its own.
    approvers = models.ManyToManyField(User, blank=True, related_name="approver_of_spaces")
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)

    objects = SpaceQuerySet.as_manager()

    TRACKED = ["name", "description", "visibility", "teams", "owners", "approvers"]

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("knowledge:space-detail", args=[self.slug])

    @property
    def is_restricted(self) -> bool:
        return self.visibility == SpaceVisibility.TEAMS


class PageStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class PageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Pages in the spaces ``user`` may read."""
        return self.filter(space__in=Space.objects.visible_to(user))

    def stale(self, today: dt.date | None = None):
        """Pages whose review date passed or that something they are about has outdated."""
        today = today or clock.now().date()
        return self.filter(Q(stale_since__isnull=False) | Q(review_due_on__lt=today))

    def with_relations(self):
        return self.select_related("space", "owner", "parent")


class Page(models.Model):
    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="pages")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=200)
    body = models.TextField(_("text"), blank=True)
    # The number of the current version: the one an edit form must start from.
    version = models.PositiveIntegerField(default=1)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_pages"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PageStatus.choices, default=PageStatus.DRAFT
    )
    review_interval_days = models.PositiveIntegerField(_("review interval (days)"), default=180)
    review_due_on = models.DateField(_("review due"), null=True, blank=True)
    approvers = models.ManyToManyField(User, blank=True, related_name="approver_of_pages")
    # Set when a product, feature or release the page is about changed; cleared on verify.
    stale_since = models.DateTimeField(null=True, blank=True)
    stale_reason = models.CharField(max_length=300, blank=True, default="")
    verified_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_version = models.PositiveIntegerField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    objects = PageQuerySet.as_manager()

    TRACKED = [
        "space", "parent", "title", "slug", "owner", "status", "review_interval_days",
        "review_due_on", "approvers",
    ]  # fmt: skip
    VERSION_FIELDS = ["version", *TRACKED]  # the text's version too (core.versioning)

    class Meta:
        ordering = ["position", "title"]
        constraints = [
            models.UniqueConstraint(fields=["space", "slug"], name="page_unique_slug"),
        ]
        indexes = [
            models.Index(fields=["space", "parent", "position"], name="page_tree"),
            models.Index(fields=["owner", "review_due_on"], name="page_owner_review"),
            models.Index(fields=["stale_since"], name="page_stale"),
            models.Index(fields=["status"], name="page_status"),
            models.Index(fields=["title"], name="page_title"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:page-detail", args=[self.pk])

    def is_stale(self, today: dt.date | None = None) -> bool:
        today = today or clock.now().date()
        return bool(self.stale_since) or bool(self.review_due_on and self.review_due_on < today)

    @property
    def stale_reasons(self) -> list[str]:
        reasons = []
        if self.review_due_on and self.review_due_on < clock.now().date():
            reasons.append(
                _("Its review date, %(date)s, has passed.")
                % {"date": self.review_due_on.isoformat()}
            )
        if self.stale_since:
            reasons.append(self.stale_reason)
        return reasons

    @property
    def scope(self) -> str:
        return f"knowledge.space:{self.space_id}"


class PageVersion(models.Model):
    """One save of a page: the whole text, who saved it and when."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="pageversion_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.page_id} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("knowledge:version-detail", args=[self.page_id, self.number])


class LinkKind(models.TextChoices):
    PAGE = "page", _("Page")
    FEATURE = "feature", _("Feature")
    RELEASE = "release", _("Release")
    PRODUCT = "product", _("Product")


class PageLink(models.Model):
    """A ``[[link]]`` in a page's current text, kept so the other end can list its backlinks.

    ``target_id`` is NULL while nothing of that name exists (a page still to create).
    """

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=16, choices=LinkKind.choices)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    key = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "kind", "key"], name="pagelink_unique"),
        ]
        indexes = [
            models.Index(fields=["kind", "target_id"], name="pagelink_target"),
            models.Index(fields=["kind", "key"], name="pagelink_key"),
        ]

    def __str__(self) -> str:
        return f"{self.page_id} → {self.kind}:{self.key}"


class Approval(models.Model):
    """An approver's yes to one exact version of a page."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="approvals")
    version = models.PositiveIntegerField()
    approver = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "version", "approver"], name="approval_unique_vote"
            )
        ]

    def __str__(self) -> str:
        return f"{self.page_id} v{self.version} by {self.approver_id}"


class PageRead(models.Model):
    """Someone said they read a version of the page (one row per version read)."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="page_reads")
    version = models.PositiveIntegerField()
    read_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-read_at"]
        constraints = [
            models.UniqueConstraint(fields=["page", "user", "version"], name="pageread_unique")
        ]
        indexes = [models.Index(fields=["user", "page"], name="pageread_user")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.page_id} v{self.version}"


def _attachment_path(instance, filename: str) -> str:
    return f"knowledge/{instance.page_id}/{filename}"


class Attachment(models.Model):
    """A file or image uploaded to a page, kept in the data directory and served by a view
    that checks the reader may see the page."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True, default="")
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("knowledge:attachment", args=[self.pk, self.name])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class PageTemplate(models.Model):
    """A starting text for a new page (product requirements, policy…); admins may edit them."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
