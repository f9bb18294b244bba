from django.contrib import admin

from .models import Question, Survey


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("position", "kind", "text", "required")


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "anonymous", "closes_at", "created_at")
    list_filter = ("status", "anonymous")
    search_fields = ("title",)
    inlines = [QuestionInline]
