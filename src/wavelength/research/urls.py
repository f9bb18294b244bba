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
    path("s/unsubscribe/<str:token>/", views.survey_unsubscribe, name="survey-unsubscribe"),
    path("s/i/<str:token>/", views.survey_personal, name="survey-personal"),
    path("s/<str:token>/", views.survey_public, name="survey-public"),
]
