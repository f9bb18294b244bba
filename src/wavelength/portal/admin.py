"""Read-only admin: changes made here would bypass the services and their history."""

from django.contrib import admin

from wavelength.catalog.admin import ReadOnlyAdmin

from .models import PortalIdea, PortalVote


@admin.register(PortalIdea)
class PortalIdeaAdmin(ReadOnlyAdmin):
    list_display = ["title", "feature", "is_listed", "voting_open", "vote_count"]
    list_select_related = ["feature"]
    search_fields = ["title"]


@admin.register(PortalVote)
class PortalVoteAdmin(ReadOnlyAdmin):
    list_display = ["idea", "contact", "verified_at"]
    list_select_related = ["idea", "contact"]
