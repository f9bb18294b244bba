from django.urls import path

from . import views

app_name = "processes"
urlpatterns = [
    path("playbooks/", views.playbook_list, name="playbook-list"),
    path("playbooks/new/", views.playbook_create, name="playbook-create"),
    path("playbooks/onboarding/", views.onboarding_settings, name="onboarding-settings"),
    path("playbooks/<slug:slug>/", views.playbook_detail, name="playbook-detail"),
    path("playbooks/<slug:slug>/edit/", views.playbook_edit, name="playbook-edit"),
    path(
        "playbooks/<slug:slug>/versions/<int:number>/",
        views.playbook_detail,
        name="playbook-version",
    ),
    path("playbooks/<slug:slug>/steps/new/", views.step_edit, name="step-create"),
    path("playbooks/<slug:slug>/steps/<int:position>/", views.step_edit, name="step-edit"),
    path(
        "playbooks/<slug:slug>/steps/<int:position>/<str:action>/",
        views.step_change,
        name="step-change",
    ),
    path("runs/", views.run_list, name="run-list"),
    path("runs/start/", views.run_start, name="run-start"),
    path("runs/team-onboarding/", views.team_onboarding, name="team-onboarding"),
    path("runs/for/<int:user_pk>/", views.runs_for_person, name="runs-for"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/cancel/", views.run_cancel, name="run-cancel"),
    path(
        "runs/<int:pk>/steps/<int:step_pk>/<str:action>/",
        views.step_action,
        name="step-action",
    ),
    path("steps/mine/", views.my_steps, name="my-steps"),
    path("steps/overdue/", views.overdue_steps, name="overdue-steps"),
    path("releases/<int:pk>/playbooks/", views.release_playbooks, name="release-playbooks"),
    path("products/<slug:slug>/playbooks/", views.product_playbooks, name="product-playbooks"),
]
