"""The product source of truth: products, areas, features, releases and changelog."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    DISCOVERY = "discovery", _("Discovery")
    PLANNED = "planned", _("Planned")
    IN_DEVELOPMENT = "in_development", _("In development")
    BETA = "beta", _("Beta")
    GENERALLY_AVAILABLE = "generally_available", _("Generally available")
    DEPRECATED = "deprecated", _("Deprecated")
    RETIRED = "retired", _("Retired")


# Which stage may follow which. A feature can step back while it is being shaped, but once
# generally available it only moves on towards retirement (or back from deprecation).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.IDEA: (Stage.DISCOVERY, Stage.PLANNED, Stage.RETIRED),
    Stage.DISCOVERY: (Stage.IDEA, Stage.PLANNED, Stage.RETIRED),
    Stage.PLANNED: (Stage.DISCOVERY, Stage.IN_DEVELOPMENT, Stage.RETIRED),
    Stage.IN_DEVELOPMENT: (Stage.PLANNED, Stage.BETA, Stage.GENERALLY_AVAILABLE, Stage.RETIRED),
    Stage.BETA: (Stage.IN_DEVELOPMENT, Stage.GENERALLY_AVAILABLE, Stage.RETIRED),
    Stage.GENERALLY_AVAILABLE: (Stage.DEPRECATED,),
    Stage.DEPRECATED: (Stage.GENERALLY_AVAILABLE, Stage.RETIRED),
    Stage.RETIRED: (),
}


class Product(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    VERSION_FIELDS = ["name", "description"]  # what an edit changes (core.versioning)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:product-detail", args=[self.slug])

    @property
    def scope(self) -> str:
        return f"catalog.product:{self.pk}"


class Area(models.Model):
    """A part of a product that groups features (product → area → feature)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="area_unique_name")]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FeatureQuerySet(models.QuerySet):
    def with_relations(self):
        """Everything a list row shows, in a fixed number of queries."""
        return self.select_related("product", "area", "owner_team", "owner").prefetch_related(
            "tags"
        )

    def in_stage(self, stage: str):
        return self.filter(stage=stage)


class Feature(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="features")
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="features"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices, default=Stage.IDEA)
    stage_entered_at = models.DateTimeField(default=timezone.now)
    owner_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="features"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_features",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="features")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = FeatureQuerySet.as_manager()

    TRACKED = ["product", "area", "title", "description", "stage", "owner_team", "owner", "tags"]

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["product", "stage"], name="feature_product_stage"),
            models.Index(fields=["stage", "updated_at"], name="feature_stage_updated"),
            models.Index(fields=["updated_at"], name="feature_updated"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:feature-detail", args=[self.pk])

    @property
    def allowed_stages(self) -> tuple[str, ...]:
        return TRANSITIONS[self.stage]


class StageEntry(models.Model):
    """When a feature entered a stage; one row per move, so every date is kept."""

    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="stage_entries")
    stage = models.CharField(max_length=24, choices=Stage.choices)
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["entered_at", "id"]
        indexes = [models.Index(fields=["feature", "entered_at"], name="stageentry_feature")]

    def __str__(self) -> str:
        return f"{self.feature_id} → {self.stage}"


class ReleaseStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    RELEASED = "released", _("Released")
    CANCELLED = "cancelled", _("Cancelled")


class ReleaseQuerySet(models.QuerySet):
    def shipped(self):
        """Releases that went out, newest first."""
        return self.filter(status=ReleaseStatus.RELEASED).order_by("-released_on", "-id")


class Release(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="releases")
    version = models.CharField(_("version"), max_length=40)
    name = models.CharField(_("name"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReleaseStatus.choices, default=ReleaseStatus.PLANNED
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    released_on = models.DateField(_("release date"), null=True, blank=True)
    features = models.ManyToManyField(Feature, blank=True, related_name="releases")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ReleaseQuerySet.as_manager()

    TRACKED = [
        "product", "version", "name", "description", "status", "target_date", "released_on",
        "features",
    ]  # fmt: skip

    class Meta:
        ordering = ["-target_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "version"], name="release_unique_version")
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="release_status_updated")]

    def __str__(self) -> str:
        return f"{self.product.name} {self.version}" if self.product_id else self.version

    def get_absolute_url(self) -> str:
        return reverse("catalog:release-detail", args=[self.pk])

    @property
    def is_late(self) -> bool:
        """Planned or in progress, and its target date has passed."""
        return (
            self.status in (ReleaseStatus.PLANNED, ReleaseStatus.IN_PROGRESS)
            and self.target_date is not None
            and self.target_date < timezone.localdate(clock.now())
        )


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    PUBLIC = "public", _("Public")


class ChangelogEntry(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="changelog")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    TRACKED = ["release", "title", "body", "visibility"]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "changelog entries"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The entry on its release's page (the address the search index holds too)."""
        return reverse("catalog:release-detail", args=[self.release_id]) + f"#entry-{self.pk}"
