from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("wavelength.accounts.urls")),
    path("accounts/sso/", include("mozilla_django_oidc.urls")),  # single sign-on (OIDC)
    path("", include("wavelength.portal.urls")),  # /portal/… and its staff pages
    path("", include("wavelength.catalog.urls")),
    path("", include("wavelength.integrations.urls")),  # before feedback/<pk>/
    path("", include("wavelength.feedback.urls")),
    path("", include("wavelength.prioritisation.urls")),
    path("", include("wavelength.outreach.urls")),
    path("", include("wavelength.knowledge.urls")),
    path("", include("wavelength.processes.urls")),
    path("", include("wavelength.quality.urls")),
    path("", include("wavelength.conversations.urls")),
    path("", include("wavelength.meetings.urls")),
    path("", include("wavelength.training.urls")),
    path("", include("wavelength.research.urls")),
    path("", include("wavelength.planning.urls")),
    path("", include("wavelength.insights.urls")),
    path("", include("wavelength.core.urls")),
]
