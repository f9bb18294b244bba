"""Single sign-on with OpenID Connect (mozilla-django-oidc), set up from the environment.

With ``OIDC_ISSUER``, ``OIDC_CLIENT_ID`` and ``OIDC_CLIENT_SECRET`` set, the sign-in page
offers "Sign in with <OIDC_PROVIDER_NAME>". The provider's endpoints come from its discovery
document (``<issuer>/.well-known/openid-configuration``, read when someone signs in and kept
in the shared cache for an hour). On every sign-in the person's role and the teams named in
``OIDC_ROLE_GROUPS`` / ``OIDC_TEAM_GROUPS`` follow the provider's groups claim; someone
unknown is created on first sign-in when ``OIDC_CREATE_USERS`` is on. See docs/security.md.
"""

import logging

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.shortcuts import redirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import services

log = logging.getLogger(__name__)

# mozilla-django-oidc's settings for the provider's endpoints, and their discovery keys.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_SECONDS = 3600
SESSION_KEY = "signed_in_with_sso"


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def discovery() -> dict:
    """The provider's discovery document, from the shared cache or fetched (10 s at most)."""
    issuer = settings.OIDC_ISSUER.rstrip("/")
    key = f"oidc-discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        url = f"{issuer}/.well-known/openid-configuration"
        try:
            answer = requests.get(url, timeout=10, verify=settings.OIDC_VERIFY_SSL)
            answer.raise_for_status()
            document = answer.json()
        except (requests.RequestException, ValueError) as exc:
            message = f"The identity provider's {url} cannot be read: {exc}"
            raise ImproperlyConfigured(message) from exc
        if document.get("issuer", "").rstrip("/") != issuer:
            raise ImproperlyConfigured(f"{url} names another issuer: {document.get('issuer')}")
        cache.set(key, document, DISCOVERY_SECONDS)
    return document


def get_settings(attr, *args):
    """mozilla-django-oidc's settings, with the endpoints the provider's discovery gives."""
    if attr in ENDPOINTS and not getattr(settings, attr, None):
        return discovery()[ENDPOINTS[attr]]
    return import_from_settings(attr, *args)


def groups_of(claims: dict) -> set[str]:
    value = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(value, str):
        value = [value]
    return {str(g) for g in value if g}


class SignInBackend(OIDCAuthenticationBackend):
    """Signs in (and, when allowed, creates) the person the provider vouches for by e-mail,
    then brings their role and teams in line with the provider's groups."""

    get_settings = staticmethod(get_settings)

    def __init__(self, *args, **kwargs):
        # Django makes every backend for every sign-in, passwords included: the provider's
        # settings are only read (and its discovery document fetched) for its own callback.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not enabled() or "nonce" not in kwargs:
            return None
        try:
            super().__init__()
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, ImproperlyConfigured) as exc:
            log.warning("Single sign-on refused: %s", exc)
            return None

    def verify_token(self, token, **kwargs):
        """The signature and nonce (the library), and that the token is this provider's and
        for this workspace."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        issuer = settings.OIDC_ISSUER.rstrip("/")
        if str(payload.get("iss", "")).rstrip("/") != issuer:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is meant for another client.")
        return payload

    def verify_claims(self, claims):
        verified = claims.get("email_verified", True) not in (False, "false")
        return bool(claims.get("email")) and verified and super().verify_claims(claims)

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip().lower()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims):
        if not settings.OIDC_CREATE_USERS:
            return None
        return services.sso_sign_in(
            user=None, email=claims["email"], name=_name(claims), groups=groups_of(claims)
        )

    def update_user(self, user, claims):
        return services.sso_sign_in(
            user=user, email=claims["email"], name=_name(claims), groups=groups_of(claims)
        )


def _name(claims: dict) -> str:
    name = claims.get("name") or " ".join(
        p for p in (claims.get("given_name"), claims.get("family_name")) if p
    )
    return str(name)[:150]


class SignInStart(OIDCAuthenticationRequestView):
    """Off to the provider; back to the sign-in page with the reason when there is none or it
    cannot be reached."""

    get_settings = staticmethod(get_settings)

    def __init__(self, *args, **kwargs):
        self.unavailable = not enabled()
        if not self.unavailable:
            try:
                super().__init__(*args, **kwargs)
            except ImproperlyConfigured as exc:
                log.warning("Single sign-on unavailable: %s", exc)
                self.unavailable = True

    def get(self, request):
        if self.unavailable:
            return redirect(reverse("accounts:login") + "?sso=failed")
        return super().get(request)


class SignInCallback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(get_settings)

    @property
    def failure_url(self):
        return reverse("accounts:login") + "?sso=failed"

    def login_success(self):
        response = super().login_success()
        self.request.session[SESSION_KEY] = True
        return response
