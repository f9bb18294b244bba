from django.contrib import admin

from .models import Comment, Follow, Preference


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "object_id", "author", "created_at", "deleted_at")
    list_filter = ("kind",)
    raw_id_fields = ("author", "parent", "resolved_by", "mentioned_users")


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "object_id", "created_at")
    raw_id_fields = ("user",)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "event", "channel")
    raw_id_fields = ("user",)
