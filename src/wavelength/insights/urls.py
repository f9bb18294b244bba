from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("insights/", views.dashboard, name="dashboard"),
    path("insights/figures/<slug:key>.csv", views.figure_export, name="figure-export"),
    path("insights/lists/<slug:key>/", views.figure_list, name="figure-list"),
    path("insights/views/", views.view_list, name="view-list"),
    path("insights/views/new/", views.view_create, name="view-create"),
    path("insights/views/<int:pk>/", views.view_open, name="view-open"),
    path("insights/views/<int:pk>/edit/", views.view_edit, name="view-edit"),
    path("insights/views/<int:pk>/delete/", views.view_delete, name="view-delete"),
    path("insights/reports/", views.report_list, name="report-list"),
    path("insights/reports/settings/", views.report_settings, name="report-settings"),
    path("insights/reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("features/<int:pk>/trace/", views.feature_trace, name="feature-trace"),
    path("features/<int:pk>/trace.md", views.feature_trace_markdown, name="feature-trace-md"),
    path("features/<int:pk>/trace.pdf", views.feature_trace_pdf, name="feature-trace-pdf"),
]
