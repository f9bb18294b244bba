from django.urls import path

from . import views

app_name = "integrations"
urlpatterns = [
    path("feedback/import/", views.import_start, name="import-start"),
    path("feedback/import/email/", views.email_import, name="email-import"),
    path("feedback/import/<int:pk>/", views.import_detail, name="import-detail"),
    path("feedback/import/<int:pk>/map/", views.import_map, name="import-map"),
    path("feedback/export.csv", views.feedback_export, name="feedback-export"),
    path("backlog/import/", views.backlog_import, name="backlog-import"),
    path("backlog/import/<int:pk>/", views.backlog_map, name="backlog-map"),
    path("webhooks/", views.webhook_list, name="webhook-list"),
    path("webhooks/new/", views.webhook_create, name="webhook-create"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook-detail"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook-delete"),
    path("webhooks/<int:pk>/enable/", views.webhook_enable, name="webhook-enable"),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery>/redeliver/",
        views.webhook_redeliver,
        name="webhook-redeliver",
    ),
]
