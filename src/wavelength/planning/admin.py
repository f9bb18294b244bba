from django.contrib import admin

from .models import KeyResult, Objective, Placement


class KeyResultInline(admin.TabularInline):
    model = KeyResult
    extra = 0


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "product", "period_start", "period_end"]
    search_fields = ["title"]
    inlines = [KeyResultInline]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["feature", "column", "placed_by", "placed_at"]
    list_filter = ["column"]
