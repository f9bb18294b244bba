"""Read-only admin: changes made here would bypass the services and their history."""

from django.contrib import admin

from wavelength.catalog.admin import ReadOnlyAdmin

from .models import FeatureScore, ScoringFormula


@admin.register(ScoringFormula)
class ScoringFormulaAdmin(ReadOnlyAdmin):
    list_display = ["label", "name", "version", "active"]


@admin.register(FeatureScore)
class FeatureScoreAdmin(ReadOnlyAdmin):
    list_display = ["feature", "reach", "impact", "confidence", "effort", "value"]
    list_select_related = ["feature"]
