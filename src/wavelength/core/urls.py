from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/panel/", views.notification_panel, name="notification-panel"),
    path("notifications/read/", views.notification_read_all, name="notification-read-all"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification-open"),
]
