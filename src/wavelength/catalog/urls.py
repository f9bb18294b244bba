from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("products/", views.product_list, name="product-list"),
    path("products/new/", views.product_create, name="product-create"),
    path("products/<slug:slug>/", views.product_detail, name="product-detail"),
    path("products/<slug:slug>/edit/", views.product_edit, name="product-edit"),
    path("features/", views.feature_list, name="feature-list"),
    path("features/new/", views.feature_create, name="feature-create"),
    path("features/<int:pk>/", views.feature_detail, name="feature-detail"),
    path("features/<int:pk>/edit/", views.feature_edit, name="feature-edit"),
    path("features/<int:pk>/move/", views.feature_move, name="feature-move"),
    path("releases/", views.release_list, name="release-list"),
    path("releases/new/", views.release_create, name="release-create"),
    path("releases/<int:pk>/", views.release_detail, name="release-detail"),
    path("releases/<int:pk>/edit/", views.release_edit, name="release-edit"),
    path("releases/<int:pk>/ship/", views.release_ship, name="release-ship"),
    path("releases/<int:pk>/gate/", views.release_gate, name="release-gate"),
    path("releases/<int:pk>/changelog/new/", views.changelog_create, name="changelog-create"),
    path("changelog/", views.changelog, name="changelog"),
    path("changelog/<int:pk>/edit/", views.changelog_edit, name="changelog-edit"),
]
