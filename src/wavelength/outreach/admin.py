"""Read-only admin: changes made here would bypass the services and their history."""

from django.contrib import admin

from wavelength.catalog.admin import ReadOnlyAdmin

from .models import FollowUpTask, LoopMessage


@admin.register(LoopMessage)
class LoopMessageAdmin(ReadOnlyAdmin):
    list_display = ["subject", "contact", "feature", "status", "sent_at"]
    list_select_related = ["contact", "feature"]
    list_filter = ["status"]


@admin.register(FollowUpTask)
class FollowUpTaskAdmin(ReadOnlyAdmin):
    list_display = ["text", "company", "owner", "done_at"]
    list_select_related = ["company", "owner"]
