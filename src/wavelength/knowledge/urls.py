from django.urls import path

from . import views, views_io

app_name = "knowledge"
urlpatterns = [
    path("docs/", views.home, name="home"),
    path("docs/search/", views.search, name="search"),
    path("docs/review/", views.review_list, name="review-list"),
    path("docs/new/", views.page_create, name="page-create"),
    path("docs/spaces/new/", views.space_create, name="space-create"),
    path("docs/import/", views_io.page_import, name="import"),
    path("docs/pages/<int:pk>/", views.page_detail, name="page-detail"),
    path("docs/pages/<int:pk>/edit/", views.page_edit, name="page-edit"),
    path("docs/pages/<int:pk>/history/", views.page_history, name="page-history"),
    path("docs/pages/<int:pk>/diff/", views.page_diff, name="page-diff"),
    path("docs/pages/<int:pk>/v/<int:number>/", views.version_detail, name="version-detail"),
    path(
        "docs/pages/<int:pk>/v/<int:number>/restore/",
        views.page_restore,
        name="version-restore",
    ),
    path("docs/pages/<int:pk>/status/", views.page_status, name="page-status"),
    path("docs/pages/<int:pk>/approve/", views.page_approve, name="page-approve"),
    path("docs/pages/<int:pk>/verify/", views.page_verify, name="page-verify"),
    path("docs/pages/<int:pk>/read/", views.page_read, name="page-read"),
    path("docs/pages/<int:pk>/delete/", views.page_delete, name="page-delete"),
    path("docs/pages/<int:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path("docs/files/<int:pk>/<str:name>", views.attachment_download, name="attachment"),
    path("docs/files/<int:pk>/delete/", views.attachment_delete, name="attachment-delete"),
    path("docs/<slug:slug>/", views.space_detail, name="space-detail"),
    path("docs/<slug:slug>/edit/", views.space_edit, name="space-edit"),
    path("docs/<slug:slug>/export.zip", views_io.space_export, name="space-export"),
]
