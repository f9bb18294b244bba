from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.series_list, name="series-list"),
    path("meetings/new/", views.series_create, name="series-create"),
    path("meetings/calendar/", views.calendar_settings, name="calendar"),
    path("meetings/calendar/<str:secret>.ics", views.calendar_feed, name="calendar-feed"),
    path(
        "meetings/calendar/<str:secret>/series/<int:pk>.ics",
        views.calendar_feed,
        name="calendar-series-feed",
    ),
    path("meetings/<int:pk>/", views.series_detail, name="series-detail"),
    path("meetings/<int:pk>/edit/", views.series_edit, name="series-edit"),
    path("meetings/occurrences/<int:pk>/", views.occurrence_detail, name="occurrence-detail"),
    path("meetings/occurrences/<int:pk>/edit/", views.occurrence_edit, name="occurrence-edit"),
    path("meetings/occurrences/<int:pk>/agenda/", views.agenda_generate, name="agenda-generate"),
    path("meetings/occurrences/<int:pk>/items/", views.item_add, name="item-add"),
    path("meetings/occurrences/<int:pk>/decisions/", views.decision_add, name="decision-add"),
    path("meetings/occurrences/<int:pk>/actions/", views.action_add, name="action-add"),
    path("meetings/occurrences/<int:pk>/close/", views.occurrence_close, name="occurrence-close"),
    path(
        "meetings/occurrences/<int:pk>/send/<str:what>/",
        views.occurrence_send,
        name="occurrence-send",
    ),
    path("meetings/decisions/<int:pk>/", views.decision_detail, name="decision-detail"),
    path("meetings/decisions/<int:pk>/edit/", views.decision_edit, name="decision-edit"),
    path("meetings/items/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("meetings/items/<int:pk>/<str:action>/", views.item_change, name="item-change"),
    path("meetings/actions/<int:pk>/edit/", views.action_edit, name="action-edit"),
]
