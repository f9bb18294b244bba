"""The internal roadmap and objectives: where each feature sits on the Now / Next / Later
board, objectives with their key results, and the features that serve each objective.

Releases and their features stay the catalog's: the roadmap's timeline reads them, and moving a
feature into a release goes through the catalog's services.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wavelength.catalog.models import Stage
from wavelength.core import clock


class Column(models.TextChoices):
    NOW = "now", pgettext_lazy("roadmap column", "Now")
    NEXT = "next", pgettext_lazy("roadmap column", "Next")
    LATER = "later", pgettext_lazy("roadmap column", "Later")


# Where a feature nobody placed by hand sits on the Now / Next / Later board, from its stage;
# shipped and retired features are off the board unless someone places them.
STAGE_COLUMN = {
    Stage.IN_DEVELOPMENT: Column.NOW,
    Stage.BETA: Column.NOW,
    Stage.PLANNED: Column.NEXT,
    Stage.DISCOVERY: Column.LATER,
    Stage.IDEA: Column.LATER,
}


class Placement(models.Model):
    """A feature placed on the Now / Next / Later board by hand (who, when and why)."""

    feature = models.OneToOneField(
        "catalog.Feature", on_delete=models.CASCADE, related_name="roadmap_placement"
    )
    column = models.CharField(_("roadmap column"), max_length=8, choices=Column.choices)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(default=clock.now)

    TRACKED = ["column"]

    class Meta:
        indexes = [models.Index(fields=["column"], name="placement_column")]

    def __str__(self) -> str:
        return f"{self.feature_id} → {self.column}"


class ObjectiveQuerySet(models.QuerySet):
    def current(self, today=None):
        """Objectives whose period includes ``today``."""
        today = today or clock.now().date()
        return self.filter(period_start__lte=today, period_end__gte=today)


class Objective(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="objectives",
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    features = models.ManyToManyField("catalog.Feature", blank=True, related_name="objectives")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    objects = ObjectiveQuerySet.as_manager()

    TRACKED = [
        "title", "description", "owner", "product", "period_start", "period_end", "features",
    ]  # fmt: skip

    class Meta:
        ordering = ["-period_end", "title", "id"]
        verbose_name = _("objective")
        indexes = [models.Index(fields=["period_end", "period_start"], name="objective_period")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:objective-detail", args=[self.pk])


class KeyResult(models.Model):
    """A measurable result of an objective: from ``start`` towards ``target``. ``current`` is
    set by hand, or read from a Wavelength figure (``figure``, see :mod:`.figures`)."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(_("title"), max_length=200)
    start = models.DecimalField(_("start value"), max_digits=14, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    current = models.DecimalField(_("current value"), max_digits=14, decimal_places=2, default=0)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    figure = models.CharField(_("figure"), max_length=40, blank=True)
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=clock.now)

    TRACKED = ["title", "start", "target", "current", "unit", "figure"]

    class Meta:
        ordering = ["objective", "position", "id"]
        verbose_name = _("key result")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.objective.get_absolute_url() + f"#kr-{self.pk}"

    @property
    def progress(self) -> int:
        """How far from ``start`` to ``target`` ``current`` is, in percent (0 to 100)."""
        span = self.target - self.start
        if span == 0:
            return 100 if self.current == self.target else 0
        share = (self.current - self.start) / span
        return int(max(Decimal(0), min(Decimal(1), share)) * 100)


def objective_progress(key_results) -> int:
    """An objective's progress: the mean of its key results' (0 without any)."""
    key_results = list(key_results)
    if not key_results:
        return 0
    return round(sum(kr.progress for kr in key_results) / len(key_results))


class StageRequirement(models.Model):
    """One thing a product's features must have before they enter ``stage``: a condition of
    ``core.conditions`` evaluated on the feature, with its parameter (see :mod:`.standards`)."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="stage_requirements"
    )
    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices)
    condition = models.CharField(_("requirement"), max_length=80)
    param = models.CharField(max_length=120, blank=True, default="")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["product", "stage", "position", "id"]
        verbose_name = _("stage requirement")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "stage", "condition", "param"], name="stagerequirement_unique"
            )
        ]
        indexes = [models.Index(fields=["product", "stage"], name="stagerequirement_stage")]

    def __str__(self) -> str:
        return f"{self.product_id} {self.stage}: {self.condition} {self.param}".strip()
