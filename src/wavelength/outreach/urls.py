from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("features/<int:pk>/loop/", views.loop_page, name="loop"),
    path("features/<int:pk>/loop/prepare/", views.loop_prepare, name="loop-prepare"),
    path("features/<int:pk>/loop/send/", views.loop_send, name="loop-send"),
    path("features/<int:pk>/loop/progress/", views.loop_progress, name="loop-progress"),
    path("loop/messages/<int:pk>/", views.loop_message_edit, name="loop-message-edit"),
    path("loop/unsubscribe/<str:token>/", views.loop_unsubscribe, name="loop-unsubscribe"),
    path("customers/follow-ups/<int:pk>/done/", views.follow_up_done, name="follow-up-done"),
]
