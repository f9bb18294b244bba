from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("roadmap/", views.roadmap, name="roadmap"),
    path("roadmap/now-next-later/", views.roadmap_board, name="roadmap-board"),
    path("roadmap/export.csv", views.roadmap_export, name="roadmap-export"),
    path("roadmap/export.svg", views.roadmap_image, name="roadmap-image"),
    path("roadmap/share/", views.roadmap_share, name="roadmap-share"),
    path("roadmap/plan/", views.roadmap_plan, name="roadmap-plan"),
    path("roadmap/features/<int:pk>/move/", views.roadmap_move, name="roadmap-move"),
    path(
        "roadmap/features/<int:pk>/objectives/",
        views.objective_feature_link,
        name="objective-feature-link",
    ),  # fmt: skip
    path("roadmap/shared/<str:token>/", views.shared_roadmap, name="shared-roadmap"),
    path("roadmap/features/<int:pk>/stage/", views.feature_stage, name="feature-stage"),
    path("products/<slug:slug>/standards/", views.standards_edit, name="standards-edit"),
    path("objectives/", views.objective_list, name="objective-list"),
    path("objectives/new/", views.objective_create, name="objective-create"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective-detail"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective-edit"),
    path("objectives/<int:pk>/refresh/", views.objective_refresh, name="objective-refresh"),
    path(
        "objectives/<int:pk>/key-results/",
        views.objective_key_result_add,
        name="objective-key-result-add",
    ),  # fmt: skip
    path(
        "objectives/key-results/<int:pk>/edit/",
        views.objective_key_result_edit,
        name="objective-key-result-edit",
    ),  # fmt: skip
]
