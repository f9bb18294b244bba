from django.contrib import admin

from .models import Attachment, Page, PageTemplate, PageVersion, Space


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "visibility", "position")
    filter_horizontal = ("teams", "owners", "approvers")


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ("title", "space", "status", "owner", "version", "review_due_on")
    list_filter = ("space", "status")
    search_fields = ("title",)
    raw_id_fields = ("parent", "owner", "verified_by")
    readonly_fields = ("version",)


@admin.register(PageVersion)
class PageVersionAdmin(admin.ModelAdmin):
    list_display = ("page", "number", "author", "created_at")
    raw_id_fields = ("page", "author")


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("name", "page", "size", "created_at")
    raw_id_fields = ("page", "uploaded_by")


@admin.register(PageTemplate)
class PageTemplateAdmin(admin.ModelAdmin):
    """Admins edit the templates people start pages from."""

    list_display = ("name", "key", "position")
