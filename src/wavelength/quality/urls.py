from django.urls import path

from . import views, views_defects, views_gate, views_inspections, views_runs

app_name = "quality"
urlpatterns = [
    path("quality/", views.index, name="index"),
    path("quality/cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("quality/cases/<int:pk>/edit/", views.case_edit, name="case-edit"),
    path("quality/suites/<int:pk>/edit/", views.suite_edit, name="suite-edit"),
    path("quality/plans/<int:pk>/", views_runs.plan_detail, name="plan-detail"),
    path("quality/plans/<int:pk>/edit/", views_runs.plan_edit, name="plan-edit"),
    path("quality/runs/<int:pk>/", views_runs.run_detail, name="run-detail"),
    path("quality/runs/<int:pk>/close/", views_runs.run_close, name="run-close"),
    path("quality/results/<int:pk>/", views_runs.result_detail, name="result-detail"),
    path("quality/results/<int:pk>/set/", views_runs.result_set, name="result-set"),
    path("quality/results/<int:pk>/evidence/", views_runs.evidence_add, name="evidence-add"),
    path("quality/evidence/<int:pk>/", views_runs.evidence_download, name="evidence"),
    path("quality/checklists/", views_inspections.checklist_list, name="checklist-list"),
    path("quality/checklists/new/", views_inspections.checklist_create, name="checklist-create"),
    path(
        "quality/checklists/<int:pk>/edit/",
        views_inspections.checklist_edit,
        name="checklist-edit",
    ),
    path(
        "quality/checklists/<int:pk>/archive/",
        views_inspections.checklist_archive,
        name="checklist-archive",
    ),
    path(
        "quality/checklists/<int:pk>/",
        views_inspections.checklist_detail,
        name="checklist-detail",
    ),
    path(
        "quality/releases/<int:pk>/inspections/",
        views_inspections.release_inspections,
        name="release-inspections",
    ),
    path(
        "quality/releases/<int:pk>/inspections/<int:checklist_pk>/",
        views_inspections.inspection_save,
        name="inspection-save",
    ),
    path("quality/defects/", views_defects.defect_list, name="defect-list"),
    path("quality/defects/<int:pk>/", views_defects.defect_detail, name="defect-detail"),
    path("quality/defects/<int:pk>/links/", views_defects.defect_link, name="defect-link"),
    path(
        "quality/defects/<int:pk>/links/<int:link_pk>/delete/",
        views_defects.defect_unlink,
        name="defect-unlink",
    ),
    path(
        "quality/results/<int:pk>/defect/",
        views_defects.defect_from_result,
        name="defect-from-result",
    ),
    path("quality/products/<slug:slug>/", views.product, name="product"),
    path(
        "quality/products/<slug:slug>/defects/new/",
        views_defects.defect_create,
        name="defect-create",
    ),
    path("quality/products/<slug:slug>/suites/new/", views.suite_create, name="suite-create"),
    path("quality/products/<slug:slug>/cases/new/", views.case_create, name="case-create"),
    path("quality/products/<slug:slug>/runs/", views_runs.runs, name="runs"),
    path("quality/products/<slug:slug>/failures/", views_runs.failures, name="failures"),
    path("quality/products/<slug:slug>/gate/", views_gate.gate, name="gate"),
    path("quality/products/<slug:slug>/dashboard/", views_runs.dashboard, name="dashboard"),
    path("quality/products/<slug:slug>/plans/new/", views_runs.plan_create, name="plan-create"),
]
