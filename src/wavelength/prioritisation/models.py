"""Prioritisation: the scoring formulas (visible, versioned) and each feature's estimates.

A formula's arithmetic lives in code (``prioritisation/formulas.py``, keyed by name and version);
the row here is what people see and which version is current. A feature's score row keeps
the inputs people estimated and the formula versions its scores are computed with.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock

# The RICE scales: impact from "minimal" to "massive", confidence as a percentage.
IMPACT_CHOICES = [
    (Decimal("0.25"), _("Minimal (0.25)")),
    (Decimal("0.5"), _("Low (0.5)")),
    (Decimal("1"), _("Medium (1)")),
    (Decimal("2"), _("High (2)")),
    (Decimal("3"), _("Massive (3)")),
]
CONFIDENCE_CHOICES = [(50, _("Low (50 %)")), (80, _("Medium (80 %)")), (100, _("High (100 %)"))]


class ScoringFormula(models.Model):
    """One version of a scoring formula; at most one version per name is active."""

    name = models.CharField(_("name"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    label = models.CharField(_("label"), max_length=80)
    expression = models.CharField(_("expression"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name", "-version"]
        db_table = "feedback_scoringformula"  # created by the feedback app, which held it first
        verbose_name = _("scoring formula")
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="scoringformula_version"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(active=True), name="scoringformula_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} v{self.version}"


class FeatureScore(models.Model):
    """A feature's estimates. Reach and value left empty follow the feature's demand."""

    feature = models.OneToOneField(
        "catalog.Feature", on_delete=models.CASCADE, related_name="score"
    )
    reach = models.PositiveIntegerField(_("reach"), null=True, blank=True)
    impact = models.DecimalField(
        _("impact"), max_digits=4, decimal_places=2, choices=IMPACT_CHOICES, default=Decimal("1")
    )
    confidence = models.PositiveSmallIntegerField(
        _("confidence"), choices=CONFIDENCE_CHOICES, default=80
    )
    effort = models.DecimalField(
        _("effort (person-months)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True, blank=True)
    rice_formula = models.ForeignKey(
        ScoringFormula, on_delete=models.PROTECT, related_name="+", null=True
    )
    value_formula = models.ForeignKey(
        ScoringFormula, on_delete=models.PROTECT, related_name="+", null=True
    )
    load_formula = models.ForeignKey(
        ScoringFormula, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=clock.now)

    INPUTS = ["reach", "impact", "confidence", "effort", "value"]
    VERSION_FIELDS = INPUTS  # what an edit of the estimates changes (core.versioning)

    class Meta:
        db_table = "feedback_featurescore"  # created by the feedback app, which held it first
        verbose_name = _("feature score")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effort__isnull=True) | models.Q(effort__gt=0),
                name="featurescore_effort_positive",
            )
        ]

    def __str__(self) -> str:
        return f"score of feature {self.feature_id}"
