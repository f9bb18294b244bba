from django.urls import path

from . import views

app_name = "research"
urlpatterns = [
    path("research/surveys/", views.survey_list, name="survey-list"),
    path("research/surveys/new/", views.survey_create, name="survey-create"),
    path("research/surveys/<int:pk>/", views.survey_detail, name="survey-detail"),
    path("research/surveys/<int:pk>/edit/", views.survey_edit, name="survey-edit"),
    path("research/surveys/<int:pk>/status/", views.survey_status, name="survey-status"),
    path("research/surveys/<int:pk>/questions/", views.question_add, name="survey-question-add"),
    path("research/surveys/<int:pk>/send/", views.survey_distribute, name="survey-distribute"),
    path("research/surveys/<int:pk>/remind/", views.survey_remind, name="survey-remind"),
    path("research/surveys/<int:pk>/results/", views.survey_results, name="survey-results"),
    path("research/surveys/<int:pk>/results.csv", views.survey_export, name="survey-export"),
    path("research/questions/<int:pk>/edit/", views.question_edit, name="survey-question-edit"),
    path(
        "research/questions/<int:pk>/delete/", views.question_delete, name="survey-question-delete"
    ),  # fmt: skip
    # The research repository.
    path("research/", views.study_list, name="study-list"),
    path("research/studies/new/", views.study_create, name="study-create"),
    path("research/studies/<int:pk>/", views.study_detail, name="study-detail"),
    path("research/studies/<int:pk>/edit/", views.study_edit, name="study-edit"),
    path("research/studies/<int:pk>/delete/", views.study_delete, name="study-delete"),
    path("research/studies/<int:pk>/notes/new/", views.note_create, name="study-note-create"),
    path("research/notes/<int:pk>/", views.note_detail, name="study-note-detail"),
    path("research/notes/<int:pk>/edit/", views.note_edit, name="study-note-edit"),
    path("research/notes/<int:pk>/delete/", views.note_delete, name="study-note-delete"),
    path("research/notes/<int:pk>/highlights/", views.highlight_add, name="study-highlight-add"),
    path("research/highlights/", views.highlight_list, name="study-highlight-list"),
    path(
        "research/highlights/<int:pk>/link/", views.highlight_link, name="study-highlight-link"
    ),  # fmt: skip
    path(
        "research/highlights/<int:pk>/unlink/<int:feature_pk>/",
        views.highlight_unlink,
        name="study-highlight-unlink",
    ),  # fmt: skip
    path(
        "research/highlights/<int:pk>/delete/",
        views.highlight_delete,
        name="study-highlight-delete",
    ),  # fmt: skip
    path("research/personas/", views.persona_list, name="persona-list"),
    path("research/personas/new/", views.persona_create, name="persona-create"),
    path("research/personas/<int:pk>/", views.persona_detail, name="persona-detail"),
    path("research/personas/<int:pk>/edit/", views.persona_edit, name="persona-edit"),
    path("research/personas/<int:pk>/delete/", views.persona_delete, name="persona-delete"),
    path("research/competitors/", views.competitor_list, name="competitor-list"),
    path("research/competitors/new/", views.competitor_create, name="competitor-create"),
    path("research/competitors/<int:pk>/", views.competitor_detail, name="competitor-detail"),
    path("research/competitors/<int:pk>/edit/", views.competitor_edit, name="competitor-edit"),
    path(
        "research/competitors/<int:pk>/delete/",
        views.competitor_delete,
        name="competitor-delete",
    ),  # fmt: skip
    path(
        "research/releases/<int:pk>/follow-ups/",
        views.release_follow_ups,
        name="survey-release-follow-ups",
    ),  # fmt: skip
    path("s/unsubscribe/<str:token>/", views.survey_unsubscribe, name="survey-unsubscribe"),
    path("s/i/<str:token>/", views.survey_personal, name="survey-personal"),
    path("s/<str:token>/", views.survey_public, name="survey-public"),
]
