"""Read-mostly admin: changes made here bypass the services, so the history is read-only."""

from django.contrib import admin

from .models import Area, ChangelogEntry, Feature, Product, Release, Tag


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "updated_at"]
    search_fields = ["name"]


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ["name", "product"]
    list_select_related = ["product"]


@admin.register(Feature)
class FeatureAdmin(ReadOnlyAdmin):
    list_display = ["title", "product", "stage", "owner_team", "updated_at"]
    list_filter = ["stage", "product"]
    list_select_related = ["product", "owner_team"]
    search_fields = ["title"]


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = ["version", "product", "status", "target_date", "released_on"]
    list_filter = ["status", "product"]
    list_select_related = ["product"]


@admin.register(ChangelogEntry)
class ChangelogEntryAdmin(ReadOnlyAdmin):
    list_display = ["title", "release", "visibility", "created_at"]
    list_select_related = ["release__product"]


admin.site.register(Tag)
