"""Read-only admin: changes made here would bypass the services and their history."""

from django.contrib import admin

from wavelength.catalog.admin import ReadOnlyAdmin

from .models import Company, Contact, Feedback, FeedbackLink, Theme


@admin.register(Company)
class CompanyAdmin(ReadOnlyAdmin):
    list_display = ["name", "segment", "arr", "health"]
    search_fields = ["name"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["email", "name", "company"]
    list_select_related = ["company"]
    search_fields = ["email", "name"]


@admin.register(Theme)
class ThemeAdmin(ReadOnlyAdmin):
    list_display = ["name"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["display_title", "source", "status", "company", "received_at"]
    list_select_related = ["company"]
    list_filter = ["status", "source", "type"]


@admin.register(FeedbackLink)
class FeedbackLinkAdmin(ReadOnlyAdmin):
    list_display = ["feedback", "feature", "importance"]
