"""Read-only admin: changes go through the services (and their history), not through here."""

from django.contrib import admin

from wavelength.catalog.admin import ReadOnlyAdmin

from .models import Playbook, PlaybookStep, PlaybookVersion, Run, RunStep, TeamOnboarding


@admin.register(Playbook)
class PlaybookAdmin(ReadOnlyAdmin):
    list_display = ["name", "standard_key", "current_version", "updated_at"]
    search_fields = ["name"]


class PlaybookStepInline(admin.TabularInline):
    model = PlaybookStep
    fields = ["position", "title", "owner_kind", "owner_team", "due_offset_days", "check_kind"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(PlaybookVersion)
class PlaybookVersionAdmin(ReadOnlyAdmin):
    list_display = ["playbook", "number", "note", "created_at"]
    list_select_related = ["playbook"]
    inlines = [PlaybookStepInline]


class RunStepInline(admin.TabularInline):
    model = RunStep
    fields = ["position", "title", "status", "due_on", "assignee", "assignee_team", "completed_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = ["title", "playbook", "status", "started_on", "subject"]
    list_filter = ["status", "playbook"]
    list_select_related = ["playbook", "subject"]
    search_fields = ["title"]
    inlines = [RunStepInline]


@admin.register(TeamOnboarding)
class TeamOnboardingAdmin(ReadOnlyAdmin):
    list_display = ["team", "playbook", "updated_at"]
    list_select_related = ["team", "playbook"]
