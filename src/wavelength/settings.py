"""Wavelength settings, read from environment variables with safe embedded defaults."""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def envbool(name: str, default: str = "False") -> bool:
    return os.getenv(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.getenv(name, str(default)))


PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(os.getenv("WAVELENGTH_DATA_DIR", PROJECT_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use SECRET_KEY when given; otherwise generate one once and keep it in the data dir."""
    if os.getenv("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG")
ALLOWED_HOSTS = [h for h in os.getenv("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "wavelength.core",
    "wavelength.accounts",
    "wavelength.catalog",
    "wavelength.feedback",
    "wavelength.prioritisation",
    "wavelength.portal",
    "wavelength.outreach",
    "wavelength.processes",
    "wavelength.quality",
    "wavelength.integrations",
    "wavelength.knowledge",
    "wavelength.conversations",
    "wavelength.meetings",
    "wavelength.training",
    "wavelength.research",
    "wavelength.planning",
    "wavelength.insights",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Signed in with a password only: finish the second step (or set it up when required).
    "wavelength.accounts.signin.TwoFactorMiddleware",
    # Keeps the client's address for the audit log; records exports and refusals.
    "wavelength.accounts.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wavelength.core.middleware.SecurityHeadersMiddleware",
    # Last, as django-axes asks: refuses sign-ins from locked-out accounts and addresses.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (django-axes): after SIGNIN_FAILURE_LIMIT wrong passwords for one account,
# or SIGNIN_ADDRESS_FAILURE_LIMIT from one address, sign-in is refused (429) for
# SIGNIN_LOCKOUT_MINUTES or until an administrator unlocks the account on the People page.
# Attempts are kept in the database, so every server process sees the same counts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "wavelength.accounts.sso.SignInBackend",  # does nothing until OIDC_ISSUER is set
]

# Single sign-on with OpenID Connect (docs/security.md): the provider's issuer URL, this
# workspace's client id and secret; the endpoints come from the provider's discovery document.
OIDC_ISSUER = os.getenv("OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = os.getenv("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.getenv("OIDC_CLIENT_SECRET", "")
OIDC_PROVIDER_NAME = os.getenv("OIDC_PROVIDER_NAME", "single sign-on")
OIDC_RP_SIGN_ALGO = os.getenv("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.getenv("OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_VERIFY_SSL = envbool("OIDC_VERIFY_SSL", "true")
OIDC_TIMEOUT = 10
OIDC_GROUPS_CLAIM = os.getenv("OIDC_GROUPS_CLAIM", "groups")
# "provider-group=role, …" (admin, editor, viewer) and "provider-group=team-slug, …".
OIDC_ROLE_GROUPS = os.getenv("OIDC_ROLE_GROUPS", "")
OIDC_TEAM_GROUPS = os.getenv("OIDC_TEAM_GROUPS", "")
OIDC_DEFAULT_ROLE = os.getenv("OIDC_DEFAULT_ROLE", "viewer")
OIDC_CREATE_USERS = envbool("OIDC_CREATE_USERS", "true")
OIDC_AUTHENTICATE_CLASS = "wavelength.accounts.sso.SignInStart"
OIDC_CALLBACK_CLASS = "wavelength.accounts.sso.SignInCallback"
AXES_FAILURE_LIMIT = envint("SIGNIN_FAILURE_LIMIT", 5)
SIGNIN_ADDRESS_FAILURE_LIMIT = envint("SIGNIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_HANDLER = "wavelength.accounts.signin.SignInHandler"
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "wavelength.accounts.signin.attempted_email"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

ROOT_URLCONF = "wavelength.urls"
WSGI_APPLICATION = "wavelength.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = os.getenv("DATABASE_URL", f"sqlite:///{DATA_DIR / 'wavelength.sqlite3'}")
# PostgreSQL connections are kept a minute by default (checked before reuse): opening one costs
# more than most requests. SQLite opens a file; it gains nothing.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=envint("DB_CONN_MAX_AGE", 60 if DATABASE_URL.startswith("postgres") else 0),
        conn_health_checks=True,
    )
}
# PostgreSQL compiles a statement to machine code (JIT) when its estimated cost passes
# jit_above_cost, as the prioritisation table's does from a thousand features on (a subquery
# per feature): about 300 ms of compiling, on every page, for a statement that runs in about
# 40. Pages read small results, where compiling does not pay. A DATABASE_URL that sets
# ?options=… keeps its own.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }

# Redis, when the installation has one: unless they are set themselves, it is both the broker
# of background jobs (CELERY_BROKER_URL) and the shared cache (CACHE_URL).
REDIS_URL = os.getenv("REDIS_URL", "")

# One cache shared by every server process and worker, so that rate limits and throttles
# count every request: the database by default, Redis when CACHE_URL says redis://…
CACHE_URL = os.getenv("CACHE_URL", REDIS_URL)
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "wavelength",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "wavelength_cache",
            "KEY_PREFIX": "wavelength",
        }
    }
# The most-read pages, kept while nothing they read changes (core/pagecache.py): beside the
# shared cache, in a table of their own or under their own prefix. PAGE_CACHE_SECONDS=0: off.
CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "wavelength-pages"}
if CACHES["pages"]["BACKEND"].endswith("DatabaseCache"):
    CACHES["pages"].update(LOCATION="wavelength_pages", OPTIONS={"MAX_ENTRIES": 5000})
PAGE_CACHE_SECONDS = int(os.getenv("PAGE_CACHE_SECONDS", "300"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if envbool("WAVELENGTH_FAST_PASSWORDS"):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
_node = PROJECT_DIR / "node_modules"
for _prefix, _path in [
    ("vendor/htmx", _node / "htmx.org" / "dist"),
    ("vendor/chart", _node / "chart.js" / "dist"),
]:
    if _path.exists():
        STATICFILES_DIRS.append((_prefix, _path))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(os.getenv("EMAIL_FILE_PATH") or DATA_DIR / "mail")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "wavelength@localhost")
# E-mail a copy of every in-app notification (through the backend above).
NOTIFICATION_EMAILS = envbool("NOTIFICATION_EMAILS", "true")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy (SECURE_COOKIES=true), browsers are told to use HTTPS only.
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31_536_000) if SESSION_COOKIE_SECURE else 0
if SESSION_COOKIE_SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.getenv("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# With Redis, a job a worker took but never finished (the worker was killed or its machine
# lost) goes back to the queue this many seconds after it was taken; a job that may run longer
# locks its row, so a second delivery while it still runs does nothing.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600)}
# Beat keeps when each periodic job last ran in the data directory, not where it was started.
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Periodic jobs for `wavelength beat` (or one `wavelength worker --beat`); embedded installs
# run the same services from the matching commands, e.g. a daily cron of
# `wavelength knowledge-remind`. BEAT_INTERVALS changes how often named ones run.
CELERY_BEAT_SCHEDULE = {
    "knowledge-review-reminders": {
        "task": "wavelength.knowledge.send_review_reminders",
        "schedule": 24 * 60 * 60,
    },
    "research-follow-ups": {
        "task": "wavelength.research.send_follow_ups",
        "schedule": 60 * 60,
    },
    "loop-interrupted-sends": {
        "task": "wavelength.feedback.release_interrupted_sends",
        "schedule": 10 * 60,
    },
    "notification-digests": {
        "task": "wavelength.conversations.send_digests",
        "schedule": 15 * 60,
    },
    # Catches gate verdict flips no activity announced (each change re-checks at once).
    "release-gate-verdicts": {
        "task": "wavelength.conversations.check_all_gates",
        "schedule": 10 * 60,
    },
    "webhook-retries": {
        "task": "wavelength.integrations.send_due_webhooks",
        "schedule": 60,
    },
    "audit-retention": {
        "task": "wavelength.accounts.purge_audit_events",
        "schedule": 24 * 60 * 60,
    },
    "training-reminders": {
        "task": "wavelength.training.send_reminders",
        "schedule": 24 * 60 * 60,
    },
    "playbook-step-conditions": {
        "task": "wavelength.processes.check_conditions",
        "schedule": 10 * 60,
    },
    "meeting-agendas": {
        "task": "wavelength.meetings.send_agendas",
        "schedule": 60 * 60,
    },
    # Hourly, but each week's report is made and e-mailed once (see insights.services).
    "insights-weekly-reports": {
        "task": "wavelength.insights.send_weekly_reports",
        "schedule": 60 * 60,
    },
    # Nightly: the dashboard's summaries recounted from the live rows (a repair; every change
    # already recounts what it touched).
    "insights-rebuild-summaries": {
        "task": "wavelength.insights.rebuild_summaries",
        "schedule": 24 * 60 * 60,
    },
}


def _beat_intervals(schedule: dict, value: str) -> None:
    """``BEAT_INTERVALS="webhook-retries=30,audit-retention=3600"``: run the named periodic
    jobs every so many seconds instead."""
    for pair in (p.strip() for p in value.split(",")):
        if not pair:
            continue
        name, _sep, seconds = (part.strip() for part in pair.partition("="))
        if name not in schedule or not seconds.isdigit() or int(seconds) < 1:
            raise ImproperlyConfigured(
                f"BEAT_INTERVALS: {pair!r} is not <job>=<seconds> with a job among "
                f"{', '.join(schedule)} and a whole number of seconds above 0."
            )
        schedule[name]["schedule"] = int(seconds)


_beat_intervals(CELERY_BEAT_SCHEDULE, os.getenv("BEAT_INTERVALS", ""))

# Without a broker, background jobs queued by a request (notifying followers, webhook
# deliveries, re-checking release gates) run in a background thread of the process rather than
# in the request (see core/background.py); False runs them at once, as the tests do.
BACKGROUND_JOBS_IN_THREAD = True
# How long the audit log keeps its events (days); older ones are deleted daily.
AUDIT_RETENTION_DAYS = envint("AUDIT_RETENTION_DAYS", 365)
# The largest body sent without a length (chunked) that is read before the application sees
# it; the largest accepted upload (a JUnit report) is 64 MB.
CHUNKED_BODY_MAX_BYTES = envint("CHUNKED_BODY_MAX_MB", 65) * 1024 * 1024
# A JUnit report larger than this is recorded by a background job (the API answers 202 with
# the job's address) rather than while its request waits: 2 MB is about 25,000 tests.
JUNIT_BACKGROUND_BYTES = envint("JUNIT_BACKGROUND_MB", 2) * 1024 * 1024
# The largest file a page may have attached (bytes).
KNOWLEDGE_MAX_UPLOAD_BYTES = envint("KNOWLEDGE_MAX_UPLOAD_MB", 10) * 1024 * 1024

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
