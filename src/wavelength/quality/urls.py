from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("quality/", views.index, name="index"),
    path("quality/cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("quality/cases/<int:pk>/edit/", views.case_edit, name="case-edit"),
    path("quality/suites/<int:pk>/edit/", views.suite_edit, name="suite-edit"),
    path("quality/products/<slug:slug>/", views.product, name="product"),
    path("quality/products/<slug:slug>/suites/new/", views.suite_create, name="suite-create"),
    path("quality/products/<slug:slug>/cases/new/", views.case_create, name="case-create"),
]
