"""The JSON API under /api/v1/: one NinjaAPI, each app mounts its router.

Every error has one body shape, ``{"detail": [{"field": "<dotted name>", "message": "…"}]}``
(``field`` is "" when the whole request is refused): 401 without valid credentials, 403 when
the caller's role does not allow the change, 404 for an unknown id, 409 for a clash, 422 for
bad input, whether ninja's own validation or a rule in a service refused it.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import DataError, IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
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

    def _get_key(self, request):
        # Without a session cookie there is nothing to CSRF-check: let the request fall
        # through to a 401 rather than a CSRF 403 (a script with a revoked token, say).
        if not request.COOKIES.get(self.param_name):
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class WavelengthAPI(NinjaAPI):
    # Endpoints whose module moved to another app keep the operation ids they were published
    # with (ids are module + function names), so clients generated from the document keep
    # their method names.
    MOVED = {
        "wavelength.outreach.api": "wavelength.feedback.api_loop",
        "wavelength.prioritisation.api": "wavelength.feedback.api_scoring",
    }

    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__
        module = self.MOVED.get(module, module)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = WavelengthAPI(
    title="Wavelength API",
    version="1",
    description=(
        "The product source of truth: products, features, releases, changelog, history.\n\n"
        "Authenticate with the browser session or `Authorization: Bearer <token>` (create a "
        "token with POST /api/v1/tokens). Lists take `limit` (default 50, at most 200) and "
        "`offset` and answer `{items, count}`. Errors answer "
        '`{"detail": [{"field": "<dotted field name>", "message": "…"}]}`.'
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
)


def _error(request, status: int, message: str, field: str = ""):
    return api.create_response(
        request, {"detail": [{"field": field, "message": message}]}, status=status
    )


def _field_name(loc) -> str:
    """``["body", "payload", "tags", 0]`` → ``"tags.0"``; ``["query", "stage"]`` → ``"stage"``.

    Every body schema parameter is named ``payload``, so that name is dropped too.
    """
    source, *path = list(loc) or [""]
    if source == "body" and path and path[0] == "payload":
        path = path[1:]
    return ".".join(str(part) for part in path)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    detail = [
        {"field": _field_name(err.get("loc", ())), "message": str(err.get("msg", err))}
        for err in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    detail = [{"field": field, "message": msg} for field, msg in exc.errors.items()]
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return _error(request, 403, str(exc) or _("You do not have permission to do this."))


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def not_found(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(IntegrityError)
def integrity_error(request, exc):
    # The services check uniqueness first; this is the race they cannot see.
    return _error(request, 409, _("This clashes with a change made at the same time; retry."))


@api.exception_handler(DataError)
def data_error(request, exc):
    # Schemas and services check lengths and ranges; this is the net under them.
    return _error(request, 422, _("A value is too long or out of range."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(
        request, 401, _("Authentication required: sign in or send Authorization: Bearer <token>.")
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # Ninja's own refusals: an unparsable body (400), a failed CSRF check (403).
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = _("The request body is not valid JSON.")
    elif exc.status_code == 403 and message.startswith("CSRF"):
        message = _("CSRF check failed: send the csrftoken cookie's value as X-CSRFToken.")
    return _error(request, exc.status_code, message)


def _mount() -> None:
    from wavelength.accounts.api import router as accounts_router
    from wavelength.catalog.api import router as catalog_router
    from wavelength.conversations.api import router as conversations_router
    from wavelength.core.api import router as core_router
    from wavelength.feedback.api import router as feedback_router
    from wavelength.insights.api import router as insights_router
    from wavelength.integrations.api import router as integrations_router
    from wavelength.knowledge.api import router as knowledge_router
    from wavelength.meetings.api import router as meetings_router
    from wavelength.outreach.api import router as outreach_router
    from wavelength.planning.api import router as planning_router
    from wavelength.prioritisation.api import router as prioritisation_router
    from wavelength.processes.api import router as processes_router
    from wavelength.quality.api import router as quality_router
    from wavelength.research.api import router as research_router
    from wavelength.training.api import router as training_router

    api.add_router("/", catalog_router)
    api.add_router("/", accounts_router)
    api.add_router("/", core_router)
    api.add_router("/", integrations_router)  # before feedback: /feedback/export.csv
    api.add_router("/", feedback_router)
    api.add_router("/", prioritisation_router)
    api.add_router("/", outreach_router)
    api.add_router("/", processes_router)
    api.add_router("/", knowledge_router)
    api.add_router("/", quality_router)
    api.add_router("/", conversations_router)
    api.add_router("/", meetings_router)
    api.add_router("/", training_router)
    api.add_router("/", research_router)
    api.add_router("/", planning_router)
    api.add_router("/", insights_router)


_mount()
