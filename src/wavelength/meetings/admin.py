from django.contrib import admin

from .models import ActionItem, Decision, MeetingSeries, Occurrence


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "time_zone", "rrule"]
    search_fields = ["name"]


@admin.register(Occurrence)
class OccurrenceAdmin(admin.ModelAdmin):
    list_display = ["series", "starts_at", "status"]
    list_filter = ["status"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["title", "occurrence", "created_at"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "due_on", "status"]
    list_filter = ["status"]
