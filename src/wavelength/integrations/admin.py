from django.contrib import admin

from .models import ImportJob, ImportMapping


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "updated_at"]
    search_fields = ["name"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["file_name", "status", "total", "created", "skipped", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["errors"]
