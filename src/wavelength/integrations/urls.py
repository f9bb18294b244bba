from django.urls import path

from . import views

app_name = "integrations"
urlpatterns = [
    path("feedback/import/", views.import_start, name="import-start"),
    path("feedback/import/email/", views.email_import, name="email-import"),
    path("feedback/import/<int:pk>/", views.import_detail, name="import-detail"),
    path("feedback/import/<int:pk>/map/", views.import_map, name="import-map"),
    path("feedback/export.csv", views.feedback_export, name="feedback-export"),
]
