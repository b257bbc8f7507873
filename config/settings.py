"""Settings for the claim annotator.

Everything that differs between a laptop and a deployment comes from the environment.
The defaults give a working local setup on SQLite; production sets `DEBUG=0`,
`SECRET_KEY`, `ALLOWED_HOSTS` and `DATABASE_URL` (see README, "Deploying").
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    """Read a yes/no value; anything but the usual spellings is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def envint(name: str, default: int) -> int:
    """Read a whole number; a value that is not one is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def envlist(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list, ignoring blanks around items."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-local-development-only-never-deploy-this-key"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "knox",
    "axes",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "core",
    "core.cache",
    "sources",
    "annotator",
    "framing",
    "classroom",
    "suggestions",
]

MIDDLEWARE = [
    # First, so that a database error anywhere below answers 503 (core/http/outage.py).
    "core.http.outage.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous visitors see the login page only: every view is private unless it
    # is explicitly marked @login_not_required (scripts get a 401 rather than a redirect).
    "core.http.middleware.LoginRequiredMiddleware",
    # Django's, with the storage made when first used (core/http/middleware.py).
    "core.http.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-csp's, with the policy built once (core/http/security_headers.py).
    "core.http.security_headers.CSPMiddleware",
    "core.http.security_headers.SecurityHeadersMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # `{% url %}` with the URLs it reverses remembered (the fast path "url_cache").
            "builtins": ["core.templatetags.urls"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a health check that asks the socket instead of the server.
    DATABASES["default"]["ENGINE"] = "core.db.backends.postgresql"
if DATABASES["default"]["ENGINE"] == "core.db.backends.postgresql" and envbool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # The server binds the parameters, and a statement a connection runs again and again
    # (every tag write's) is prepared after 5 runs, so PostgreSQL plans it once instead of
    # on every request. Behind a pooler that cannot keep prepared statements (PgBouncer
    # before 1.21 in transaction mode) set DATABASE_PREPARED_STATEMENTS=0.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}

# Bounds on every database call, so that a database that is down, paused or locked makes
# requests fail (503, see core/http/outage.py) instead of piling up for ever. Seconds.
DATABASE_CONNECT_TIMEOUT = envint("DATABASE_CONNECT_TIMEOUT", 5)
DATABASE_STATEMENT_TIMEOUT = envint("DATABASE_STATEMENT_TIMEOUT", 30)
DATABASE_LOCK_TIMEOUT = envint("DATABASE_LOCK_TIMEOUT", 20)
if DATABASES["default"]["ENGINE"] == "core.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=DATABASE_CONNECT_TIMEOUT,
        options=(
            f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}"
            f" -c lock_timeout={DATABASE_LOCK_TIMEOUT * 1000}"
        ),
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's, opening a connection again when the file is locked while it is first
    # switched to WAL (core/db/backends/sqlite3).
    DATABASES["default"]["ENGINE"] = "core.db.backends.sqlite3"
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at the
        # start of a transaction so two writers queue instead of failing mid-way.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        # How long to wait for another process's write lock before "database is locked".
        "timeout": DATABASE_LOCK_TIMEOUT,
    }
    # The shared cache (rate counters, limits) in a SQLite file of its own, so that
    # counting a request does not queue for the app's write lock: core/cache/routers.py.
    from core.cache.routers import sqlite_cache_database

    DATABASES["cache"] = sqlite_cache_database(DATABASES["default"])
    DATABASE_ROUTERS = ["core.cache.routers.CacheRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared between server processes, so that API rates and join-code limits hold for the
# whole site: Redis when REDIS_URL is set, else a table in the database (made by a
# migration of the annotator app). Local memory is not shared.
if os.environ.get("REDIS_URL", "").strip():
    CACHES = {
        "default": {
            # Django's RedisCache, counting a request's rates in one round trip.
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"].strip(),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.DatabaseCache",
            "LOCATION": "annotator_cache",
            # Past this many entries Django deletes a third of them, live counts included:
            # room for every client's counts (a few per client and window).
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# Seconds a client is told to wait (Retry-After) when the database is unavailable.
DATABASE_RETRY_AFTER = envint("DATABASE_RETRY_AFTER", 10)
# Proxies in front of the app that append the client's address to X-Forwarded-For (a
# load balancer, nginx): 0 trusts no header and takes the connection's address.
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes' check comes first in it: a locked-out login is refused before a password
# is hashed (core/auth/backend.py).
AUTHENTICATION_BACKENDS = ["core.auth.backend.RoleBackend"]
# Django's database sessions, read by a statement written out (core/http/sessions.py).
SESSION_ENGINE = "core.http.sessions"

# Login throttling (django-axes): after LOGIN_MAX_FAILURES failed logins for one account,
# or from one address, logins for it (or from it) are refused for LOGIN_LOCKOUT_MINUTES,
# right password or not. Failures are counted in the database, which every server
# process shares; the admin lists them ("Access attempts") and deleting one unlocks.
AXES_ENABLED = envbool("LOGIN_THROTTLING", True)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = envint("LOGIN_MAX_FAILURES", 10)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.auth.backend.client_address"
AXES_LOCKOUT_CALLABLE = "core.auth.backend.locked_out"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "article-list"
LOGOUT_REDIRECT_URL = "login"

# E-mail, for password resets: printed on the server's console (standard output) unless
# EMAIL_HOST names an SMTP server. EMAIL_PORT 587 uses STARTTLS, 465 TLS from the start;
# EMAIL_USE_TLS / EMAIL_USE_SSL say otherwise for other ports.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    if EMAIL_USE_SSL and EMAIL_USE_TLS:
        raise ImproperlyConfigured("EMAIL_USE_SSL and EMAIL_USE_TLS: set one of them, not both")
    EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or "webmaster@localhost"
# A reset link works once, for this many hours; requests for a link are limited per client
# address and per e-mail address within PASSWORD_RESET_WINDOW_MINUTES.
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_HOURS", 24) * 3600
PASSWORD_RESET_MAX_PER_IP = envint("PASSWORD_RESET_MAX_PER_IP", 10)
PASSWORD_RESET_MAX_PER_EMAIL = envint("PASSWORD_RESET_MAX_PER_EMAIL", 3)
PASSWORD_RESET_WINDOW_MINUTES = envint("PASSWORD_RESET_WINDOW_MINUTES", 60)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# whitenoise serves from STATIC_ROOT after collectstatic; while developing, the finders.
WHITENOISE_USE_FINDERS = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production (after `collectstatic`), the imports
        # between JavaScript modules included; plain files while developing and
        # testing, so no build step is needed.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "core.staticfiles.ModuleAwareStaticFilesStorage"
        ),
    },
}

# Security: on by default whenever DEBUG is off; each can be relaxed by environment
# (for example behind a proxy that terminates TLS and talks plain HTTP to us).
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
if envbool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): every script is one of the app's static files,
# so no inline script or event handler runs, nor anything from elsewhere; htmx is told
# not to eval (allowEval) nor to add a style element (base.html's htmx-config). Inline
# style attributes stay allowed: the admin and the API docs use them, and a style runs
# no code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Fast paths: the places that replace a piece of Django's or DRF's own code with a
# quicker one (core/fast_paths.py lists them; the README's Benchmarks section gives what
# each saves a request). All on by default; FAST_PATHS=0 runs the frameworks' own code
# everywhere instead (CI runs the API tests so too); a comma-separated list of names
# turns on only those (for measuring one at a time: bench/fast_paths.py).
FAST_PATH_NAMES = (
    "serializer_fields",
    "tag_representation",
    "token_sql",
    "token_counts",
    "permissions_sql",
    "connection_check",
    "url_cache",
    "session_sql",
    "session_user",
    "read_ahead",
    "plain_body",
)


def envnames(name: str, choices: tuple[str, ...]) -> frozenset[str]:
    """Read an on/off switch for a set of names: a boolean (all or none) or a
    comma-separated list of some of `choices`; anything else is a configuration error."""
    raw = os.environ.get(name, "").strip()
    if "," not in raw and raw.lower() not in choices:
        return frozenset(choices) if envbool(name, True) else frozenset()
    names = frozenset(item.strip() for item in raw.split(",") if item.strip())
    if unknown := sorted(names - set(choices)):
        raise ImproperlyConfigured(
            f"{name}: unknown {', '.join(unknown)} (use 1/0 or some of {', '.join(choices)})"
        )
    return names


FAST_PATHS = envnames("FAST_PATHS", FAST_PATH_NAMES)

# REST API: nothing is open by accident. Authentication by token (scripts) or session
# (the pages); every view states its own permissions on top of IsAuthenticated. Token
# comes first so that a request without credentials gets 401 rather than 403.


def envrate(name: str, default: str) -> str:
    """Read a request rate such as "100/minute" (per second, minute, hour or day)."""
    raw = os.environ.get(name, "").strip() or default
    count, _, period = raw.partition("/")
    if not (count.isdigit() and period[:1] in {"s", "m", "h", "d"}):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a rate (use e.g. 100/minute)")
    return raw


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Pagination",
    "PAGE_SIZE": 100,
    # ?format= is an ordinary (unknown, so refused) query parameter, not a renderer switch.
    "URL_FORMAT_OVERRIDE": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonThrottle",
        "core.api.throttling.UserThrottle",
    ],
    # Per client: anonymous requests by address; the others per user. "write" counts
    # every write on top of "user", "import" every article import on top of both.
    "DEFAULT_THROTTLE_RATES": {
        "anon": envrate("API_THROTTLE_ANON", "60/minute"),
        "user": envrate("API_THROTTLE_USER", "10000/hour"),
        "write": envrate("API_THROTTLE_WRITE", "3000/hour"),
        "import": envrate("API_THROTTLE_IMPORT", "300/hour"),
    },
}
# Personal API tokens (django-rest-knox): stored as SHA-512 digests, shown once, and
# expiring API_TOKEN_DAYS days after they are made.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=envint("API_TOKEN_DAYS", 90)),
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Claim annotator API",
    "DESCRIPTION": (
        "Articles, sentences, outlets and claim tags. Authenticate with a personal token "
        "(`Authorization: Token <key>`, from /api/tokens/ or the account page) or a "
        'logged-in session. Errors are JSON objects: `{"detail": ...}`, or for a 400 '
        '`{"<field>": [messages]}`. Query parameters that an endpoint does not list are '
        "refused with 400."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # validatorUrl: the Swagger UI would otherwise send our schema's URL to swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

# Imports: a single article file larger than this is refused (JSON Lines files are
# read record by record, and the limit applies to each record's text).
ANNOTATOR_MAX_ARTICLE_BYTES = envint("ANNOTATOR_MAX_ARTICLE_BYTES", 5 * 1024 * 1024)
# Request bodies: the largest body (JSON, form fields) read into memory; larger ones get
# 413. It holds the largest article an import accepts, sent as JSON: twice its bytes
# leaves room for JSON's escapes, plus 1 MB for the other fields. Files uploaded with
# multipart/form-data are spooled to disk and checked against the article limit itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint(
    "API_MAX_BODY_BYTES", 2 * ANNOTATOR_MAX_ARTICLE_BYTES + 1024 * 1024
)
# How deep arrays and objects may nest in a JSON body (the API's own are 3 deep at most).
API_MAX_JSON_DEPTH = envint("API_MAX_JSON_DEPTH", 32)

# Join codes: failed attempts allowed per client address and per code within the window
# (counted in the default cache; give several server processes a shared cache).
CLASSROOM_JOIN_MAX_FAILURES_PER_IP = envint("CLASSROOM_JOIN_MAX_FAILURES_PER_IP", 10)
CLASSROOM_JOIN_MAX_FAILURES_PER_CODE = envint("CLASSROOM_JOIN_MAX_FAILURES_PER_CODE", 20)
CLASSROOM_JOIN_WINDOW_SECONDS = envint("CLASSROOM_JOIN_WINDOW_SECONDS", 15 * 60)

# The blind rule (classroom/selectors/blindness.py): for viewers who may not see individual tags,
# a derived count below this is shown as "fewer than k" (outlet figures, cited sources).
ANNOTATOR_MIN_CELL_SIZE = envint("ANNOTATOR_MIN_CELL_SIZE", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Label suggestions (suggestions/): where `manage.py train_suggester` saves the
# model, and the bot account `manage.py suggest` tags as.
SUGGESTER_MODEL_DIR = Path(os.environ.get("SUGGESTER_MODEL_DIR", BASE_DIR / "var" / "suggester"))
SUGGESTER_BOT_USERNAME = os.environ.get("SUGGESTER_BOT_USERNAME", "suggester-bot")

# Bulk imports (POST /api/articles/bulk/ and the import page): a batch of more records
# than this runs as a background job (django-tasks, its database backend: run
# `manage.py db_worker --queue-name '*'` beside the server, or one worker for `default`,
# the imports, and one for `stories`, filing imported articles into their stories);
# smaller ones are imported in the request.
ANNOTATOR_BULK_SYNC_MAX = envint("ANNOTATOR_BULK_SYNC_MAX", 500)
# The largest JSON array body a bulk import reads into memory, and the largest JSON
# Lines or multipart body, which is read a line or a file at a time.
API_MAX_BULK_JSON_BYTES = envint("API_MAX_BULK_JSON_BYTES", 64 * 1024 * 1024)
API_MAX_BULK_BYTES = envint("API_MAX_BULK_BYTES", 1024 * 1024 * 1024)
# Where a background import's records wait for the worker (it must see the same folder).
ANNOTATOR_IMPORT_SPOOL_DIR = Path(
    os.environ.get("ANNOTATOR_IMPORT_SPOOL_DIR", BASE_DIR / "var" / "imports")
)
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "stories"],
    }
}
