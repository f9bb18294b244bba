from django.urls import path

from . import views

app_name = "conversations"
urlpatterns = [
    path("comments/<slug:kind>/<int:object_id>/", views.comment_list, name="comment-list"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("comments/<int:pk>/resolve/", views.thread_resolve, name="thread-resolve"),
    path("follow/<slug:kind>/<int:object_id>/", views.follow_toggle, name="follow-toggle"),
    path("mentions/", views.mention_suggestions, name="mention-suggestions"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
