from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("training/", views.home, name="home"),
    path("training/courses/new/", views.course_create, name="course-create"),
    path("training/courses/import/", views.course_import, name="course-import"),
    path("training/courses/<int:pk>/export/", views.course_export, name="course-export"),
    path("training/courses/<int:pk>/", views.course_detail, name="course-detail"),
    path("training/courses/<int:pk>/edit/", views.course_edit, name="course-edit"),
    path("training/courses/<int:pk>/assign/", views.assign, name="assign"),
    path("training/courses/<int:pk>/lessons/", views.lesson_add, name="lesson-add"),
    path("training/courses/<int:pk>/quizzes/", views.quiz_add, name="quiz-add"),
    path(
        "training/courses/<int:pk>/certification/",
        views.certification_edit,
        name="certification-edit",
    ),
    path("training/courses/<int:pk>/learn/<int:key>/", views.learn, name="learn"),
    path("training/courses/<int:pk>/quiz/", views.course_quiz, name="course-quiz"),
    path("training/courses/<int:pk>/statistics/", views.statistics, name="statistics"),
    path(
        "training/courses/<int:pk>/quiz/<int:quiz_key>/attempts/",
        views.attempt_start,
        name="attempt-start",
    ),
    path("training/courses/<int:pk>/files/", views.attachment_upload, name="attachment-upload"),
    path("training/courses/<int:pk>/<str:action>/", views.course_action, name="course-action"),
    path("training/lessons/<int:pk>/edit/", views.lesson_edit, name="lesson-edit"),
    path("training/lessons/<int:pk>/delete/", views.lesson_delete, name="lesson-delete"),
    path("training/files/<int:pk>/delete/", views.attachment_delete, name="attachment-delete"),
    path("training/files/<int:pk>/<str:name>", views.attachment_download, name="attachment"),
    path("training/quizzes/<int:pk>/edit/", views.quiz_edit, name="quiz-edit"),
    path("training/quizzes/<int:pk>/delete/", views.quiz_delete, name="quiz-delete"),
    path("training/questions/<int:pk>/edit/", views.question_edit, name="question-edit"),
    path("training/questions/<int:pk>/delete/", views.question_delete, name="question-delete"),
    path("training/attempts/<int:pk>/", views.attempt_detail, name="attempt-detail"),
    path("training/report/", views.report, name="report"),
    path("training/certifications/", views.matrix, name="matrix"),
    path("training/paths/", views.path_list, name="path-list"),
    path("training/paths/new/", views.path_create, name="path-create"),
    path("training/paths/<int:pk>/", views.path_detail, name="path-detail"),
    path("training/paths/<int:pk>/edit/", views.path_edit, name="path-edit"),
    path("training/products/<slug:slug>/gate/", views.gate_edit, name="gate-edit"),
    path("training/enablements/", views.enablement_draft, name="enablement-draft"),
    path("training/enablements/<int:pk>/edit/", views.enablement_edit, name="enablement-edit"),
]
