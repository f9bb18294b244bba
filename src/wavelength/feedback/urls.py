from django.urls import path

from . import views, views_loop, views_merge, views_portal_admin, views_themes

app_name = "feedback"
urlpatterns = [
    path("customers/", views.company_list, name="company-list"),
    path("customers/new/", views.company_create, name="company-create"),
    path("customers/<int:pk>/", views.company_detail, name="company-detail"),
    path("customers/<int:pk>/edit/", views.company_edit, name="company-edit"),
    path("feedback/", views.feedback_list, name="feedback-list"),
    path("feedback/new/", views.feedback_create, name="feedback-create"),
    path("feedback/bulk/", views.feedback_bulk, name="feedback-bulk"),
    path("feedback/bulk/features/", views.bulk_feature_options, name="bulk-feature-options"),
    path("feedback/themes/new/", views.theme_create, name="theme-create"),
    path("feedback/themes/discover/", views_themes.theme_discover, name="theme-discover"),
    path(
        "feedback/portal/settings/",
        views_portal_admin.portal_settings,
        name="portal-settings",
    ),
    path("features/<int:pk>/portal/", views_portal_admin.portal_idea_edit, name="portal-idea-edit"),
    path(
        "features/<int:pk>/portal/votes/",
        views_portal_admin.portal_vote_proxy,
        name="portal-vote-proxy",
    ),
    path("features/<int:pk>/loop/", views_loop.loop_page, name="loop"),
    path("features/<int:pk>/loop/prepare/", views_loop.loop_prepare, name="loop-prepare"),
    path("features/<int:pk>/loop/send/", views_loop.loop_send, name="loop-send"),
    path("features/<int:pk>/loop/progress/", views_loop.loop_progress, name="loop-progress"),
    path("loop/messages/<int:pk>/", views_loop.loop_message_edit, name="loop-message-edit"),
    path("loop/unsubscribe/<str:token>/", views_loop.loop_unsubscribe, name="loop-unsubscribe"),
    path("customers/follow-ups/<int:pk>/done/", views_loop.follow_up_done, name="follow-up-done"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback-detail"),
    path("feedback/<int:pk>/link/", views.feedback_link, name="feedback-link"),
    path("feedback/<int:pk>/merge/", views_merge.feedback_merge, name="feedback-merge"),
    path(
        "feedback/merges/<int:pk>/undo/",
        views_merge.feedback_merge_undo,
        name="feedback-merge-undo",
    ),
    path(
        "feedback/<int:pk>/links/<int:link_pk>/delete/",
        views.feedback_unlink,
        name="feedback-unlink",
    ),
]
