from django.urls import path

from . import views

app_name = "prioritisation"
urlpatterns = [
    path("prioritisation/", views.prioritisation, name="prioritisation"),
    path("prioritisation/<int:pk>/", views.prioritisation_row, name="prioritisation-row"),
    path("prioritisation/<int:pk>/edit/", views.prioritisation_edit, name="prioritisation-edit"),
]
