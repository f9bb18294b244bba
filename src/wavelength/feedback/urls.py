from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("customers/", views.company_list, name="company-list"),
    path("customers/new/", views.company_create, name="company-create"),
    path("customers/<int:pk>/", views.company_detail, name="company-detail"),
    path("customers/<int:pk>/edit/", views.company_edit, name="company-edit"),
    path("customers/<int:pk>/merge/", views.company_merge, name="company-merge"),
    path("customers/merges/<int:pk>/undo/", views.company_merge_undo, name="company-merge-undo"),
    path("feedback/", views.feedback_list, name="feedback-list"),
    path("feedback/new/", views.feedback_create, name="feedback-create"),
    path("feedback/bulk/", views.feedback_bulk, name="feedback-bulk"),
    path("feedback/bulk/features/", views.bulk_feature_options, name="bulk-feature-options"),
    path("feedback/themes/new/", views.theme_create, name="theme-create"),
    path("feedback/themes/discover/", views.theme_discover, name="theme-discover"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback-detail"),
    path("feedback/<int:pk>/link/", views.feedback_link, name="feedback-link"),
    path("feedback/<int:pk>/merge/", views.feedback_merge, name="feedback-merge"),
    path(
        "feedback/merges/<int:pk>/undo/",
        views.feedback_merge_undo,
        name="feedback-merge-undo",
    ),
    path(
        "feedback/<int:pk>/links/<int:link_pk>/delete/",
        views.feedback_unlink,
        name="feedback-unlink",
    ),
]
