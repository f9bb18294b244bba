"""The JSON API under /api/v1/: one NinjaAPI, each app mounts its router."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from wavelength.accounts.services import token_authenticate
from wavelength.core.exceptions import DomainError


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a personal API token."""

    def authenticate(self, request, token):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (CSRF-checked on writes)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


api = NinjaAPI(
    title="Wavelength API",
    version="1",
    description="The product source of truth: products, features, releases, changelog, history.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    detail = [{"field": field, "message": msg} for field, msg in exc.errors.items()]
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    message = str(exc) or _("You do not have permission to do this.")
    return api.create_response(request, {"detail": [{"field": "", "message": message}]}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    message = _("Not found.")
    return api.create_response(request, {"detail": [{"field": "", "message": message}]}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    message = _("Authentication required: sign in or send Authorization: Bearer <token>.")
    return api.create_response(request, {"detail": [{"field": "", "message": message}]}, status=401)


def _mount() -> None:
    from wavelength.accounts.api import router as accounts_router
    from wavelength.catalog.api import router as catalog_router
    from wavelength.core.api import router as core_router

    api.add_router("/", catalog_router)
    api.add_router("/", accounts_router)
    api.add_router("/", core_router)


_mount()
