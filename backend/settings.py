"""Settings from environment variables. The defaults are production's (DEBUG off, https only, secure cookies);
`make run` and the test suite relax only what plain http on localhost needs. SQLite and no services by default."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Real environment variables win over the file (ENV_FILE: another file than .env).
environ.Env.read_env(env("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

# Off unless asked for: `make run` serves with DEBUG off too (see the HTTPS section below).
DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    """SECRET_KEY, else the contents of SECRET_KEY_FILE (default var/secret_key, which `make install`
    generates for local runs; git-ignored). Only a debug build may fall back to a throwaway key.
    """
    key = env("SECRET_KEY", default="")
    key_file = BASE_DIR / env("SECRET_KEY_FILE", default="var/secret_key")
    if not key and key_file.is_file():
        key = key_file.read_text().strip()
    if key:
        return key
    if DEBUG:
        return "dev-insecure-key-change-me"
    raise ImproperlyConfigured(
        f"Set SECRET_KEY, or SECRET_KEY_FILE to a file holding it ({key_file} does not exist): DEBUG is off."
    )


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "notifications",
    "delivery",
    "ptw",
    "web",
]

MIDDLEWARE = [
    "backend.request_log.log_request_outcome",  # first: it logs the final status of every request
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "backend.csp.admin_inline_styles",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a locked-out login (django-axes) into the lockout page; last, as axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
ASGI_APPLICATION = "backend.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide overrides of other apps' templates (the admin's base_site), searched first.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default runs the web server and the job loop side by side: wait for locks
    # instead of failing, and take the write lock at BEGIN so two writers never deadlock.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A server that accepts the connection but never answers (frozen, a dropped network) fails
    # a connection attempt after this many seconds instead of a TCP timeout's minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Without collectstatic (tests, a first `runserver`), serve straight from the apps' static dirs.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)

REST_FRAMEWORK = {
    # Token first: an anonymous API call gets 401 with "WWW-Authenticate: Token", not a bare 403.
    # Expiring, revocable tokens stored hashed (django-rest-knox), still sent as `Authorization: Token <token>`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "ptw.api.exceptions.exception_handler",
    # Bodies are JSON only (another media type: 415): forms cannot say null or nest the closeout's
    # items, so the same body would mean different things. Nested too deep: a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": ["backend.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # JSON only: the browsable API's pages carry inline styles the Content-Security-Policy refuses;
    # /api/docs/ is the browsable documentation.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "backend.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    # The client address for rate limits and lockouts: REMOTE_ADDR, or with N trusted reverse proxies
    # in front, the N-th address from the right of X-Forwarded-For (never a client-chosen one).
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0),
}
# The health check answers 503 when the database has not answered within this many seconds.
HEALTH_TIMEOUT_SECONDS = env.float("HEALTH_TIMEOUT_SECONDS", default=1.0)
# `limit` (and the inbox's `page_size`) above this is reduced to it.
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=200)
SPECTACULAR_SETTINGS = {
    "TITLE": "Permit-to-Work API",
    "DESCRIPTION": "Permits, the verify/approve workflow, isolation, closeout, notifications and escalations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from this site (drf-spectacular-sidecar), as the Content-Security-Policy requires.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep-link anchors inside each operation's toggle button (a link in a button: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    # The error responses every operation can give (400/401/403/404/415/429), added in one place.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "backend.schema.add_error_responses",
    ],
}

# --- Notifications and escalations (specification: Configuration) ---
NOTIFICATIONS_ENABLED = env.bool("NOTIFICATIONS_ENABLED", default=True)
ESCALATIONS_ENABLED = env.bool("ESCALATIONS_ENABLED", default=False)
PTW_DEFAULT_ESCALATION_HOURS = env.float("PTW_DEFAULT_ESCALATION_HOURS", default=4)
PTW_EXPIRING_WARNING_MINUTES = env.int("PTW_EXPIRING_WARNING_MINUTES", default=60)
PTW_CLOSEOUT_WARNING_HOURS = env.float("PTW_CLOSEOUT_WARNING_HOURS", default=2)
# A permit's planned start may lie at most this far in the past (a crew that began before the paperwork
# was entered) and this far ahead; its length is bounded by its type's max_validity_hours.
PTW_PERMIT_START_MAX_PAST_HOURS = env.float("PTW_PERMIT_START_MAX_PAST_HOURS", default=24)
PTW_PERMIT_START_MAX_AHEAD_DAYS = env.int("PTW_PERMIT_START_MAX_AHEAD_DAYS", default=365)
PTW_NOTIFICATION_RETENTION_DAYS = env.int("PTW_NOTIFICATION_RETENTION_DAYS", default=30)
PTW_SWEEP_BATCH_SIZE = env.int("PTW_SWEEP_BATCH_SIZE", default=500)
# A job run still unfinished after this long lost its process: the next run (or health) marks it failed.
PTW_JOB_RUN_ABANDONED_AFTER_MINUTES = env.int("PTW_JOB_RUN_ABANDONED_AFTER_MINUTES", default=30)
# A row a job fails on in this many consecutive runs is quarantined (skipped, listed) until it changes.
PTW_JOB_QUARANTINE_AFTER_FAILURES = env.int("PTW_JOB_QUARANTINE_AFTER_FAILURES", default=3)
# Username of the verifier auto-assigned on submit when a project has several eligible ones.
PTW_DEFAULT_VERIFIER_USERNAME = env("PTW_DEFAULT_VERIFIER_USERNAME", default="")

# --- E-mail and SMS (delivery app; docs/architecture.md "Reaching people off-screen") ---
# Links in e-mails and SMS are absolute: SITE_URL + /dashboard/ptw/view/{id}.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# EMAIL_URL=smtp+tls://user:password@smtp.example.com:587 in production (django-environ's e-mail URL).
# Unset: e-mails are written to files under var/sent-mail/ (the demo; the delivery log shows each).
if env("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = BASE_DIR / "var" / "sent-mail"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PTW <ptw@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The right-hand side of every delivery's stable Message-ID (<ptw-delivery-42@DOMAIN>).
DELIVERY_MESSAGE_ID_DOMAIN = env("DELIVERY_MESSAGE_ID_DOMAIN", default="ptw.localhost")
# SMS: delivery.sms.ConsoleSmsBackend (the log) or delivery.sms.TwilioSmsBackend.
SMS_BACKEND = env("SMS_BACKEND", default="delivery.sms.ConsoleSmsBackend")
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=10)
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
# One of the two: a sending number (E.164) or a Messaging Service.
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER", default="")
TWILIO_MESSAGING_SERVICE_SID = env("TWILIO_MESSAGING_SERVICE_SID", default="")
# Another API base than https://api.twilio.com (a proxy; the tests' local server).
TWILIO_API_BASE_URL = env("TWILIO_API_BASE_URL", default="")
# Outbox: off → notifications stay in-app only.
OUTBOX_ENABLED = env.bool("OUTBOX_ENABLED", default=True)
# Wake a Celery worker to dispatch at each commit (default: when a broker is configured).
OUTBOX_DISPATCH_ON_COMMIT = env.bool(
    "OUTBOX_DISPATCH_ON_COMMIT", default=bool(env("CELERY_BROKER_URL", default="") or env("REDIS_URL", default=""))
)
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=200)
# Outcomes are written every this many messages: the most a killed dispatcher can send twice.
OUTBOX_RECORD_EVERY = env.int("OUTBOX_RECORD_EVERY", default=20)
# A claimed delivery not recorded within this long is claimed again (its dispatcher died).
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=30)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=3600)
# How often the `--loop` command's dispatcher looks for due deliveries.
OUTBOX_POLL_SECONDS = env.float("OUTBOX_POLL_SECONDS", default=1.0)
# Health answers 503 when a delivery has waited longer than this.
OUTBOX_HEALTH_MAX_AGE_SECONDS = env.int("OUTBOX_HEALTH_MAX_AGE_SECONDS", default=900)

# --- Live delivery of the bell (web/live/; docs/architecture.md "Live delivery") ---
# Open streams one user may hold in one web process; past it the page polls bell.json.
LIVE_STREAMS_PER_USER = env.int("LIVE_STREAMS_PER_USER", default=10)
# How often a web process checks its open streams against the database: on PostgreSQL a
# safety net (NOTIFY wakes the streams), on SQLite how news arrives.
LIVE_POLL_SECONDS = env.float(
    "LIVE_POLL_SECONDS", default=30.0 if DATABASES["default"]["ENGINE"].endswith("postgresql") else 1.0
)
# How often a page polls bell.json where it cannot stream (WSGI, or the stream refused).
LIVE_PAGE_POLL_SECONDS = env.float("LIVE_PAGE_POLL_SECONDS", default=2.0)
# Database threads (hence at most this many connections) shared by a process's streams.
LIVE_DATABASE_THREADS = env.int("LIVE_DATABASE_THREADS", default=4)

# --- Celery (scale-out; the embedded default needs none) ---
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Web pages (web app): the header's project and bell, project time zones ---
TEMPLATES[0]["OPTIONS"]["context_processors"].append("web.context_processors.header")  # type: ignore[index]
MIDDLEWARE.append("web.middleware.project_timezone")

# --- HTTPS, cookies and security headers -------------------------------------------------------
# Production defaults. Plain-http local runs relax only what http cannot do: `make run` and the
# tests set SECURE_SSL_REDIRECT, SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE to False.


def _proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """'HTTP_X_FORWARDED_PROTO,https' → the header and value a trusted proxy sets on https requests."""
    if not value:
        return None
    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 2 or not all(parts):
        raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must be 'HEADER,value', e.g. HTTP_X_FORWARDED_PROTO,https.")
    return parts[0], parts[1]


SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = env.list("SECURE_REDIRECT_EXEMPT", default=[])
# Only behind a proxy that always sets (or strips) this header: else a client could claim https.
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env("SECURE_PROXY_SSL_HEADER", default=""))
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = env.bool("SECURE_CONTENT_TYPE_NOSNIFF", default=True)
SECURE_REFERRER_POLICY = env("SECURE_REFERRER_POLICY", default="same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = env("SECURE_CROSS_ORIGIN_OPENER_POLICY", default="same-origin")
X_FRAME_OPTIONS = env("X_FRAME_OPTIONS", default="DENY")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
SESSION_COOKIE_HTTPONLY = env.bool("SESSION_COOKIE_HTTPONLY", default=True)
SESSION_COOKIE_SAMESITE = env("SESSION_COOKIE_SAMESITE", default="Lax")
# A shift, not Django's two weeks: site terminals are shared.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
CSRF_COOKIE_HTTPONLY = env.bool("CSRF_COOKIE_HTTPONLY", default=False)
CSRF_COOKIE_SAMESITE = env("CSRF_COOKIE_SAMESITE", default="Lax")

# Content-Security-Policy (django-csp): scripts and styles only from this site's files. No page
# has an inline script, event-handler attribute or style attribute.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browsers report violations to CSP_REPORT_URI when it is set (a lowercase name: django-csp reads
# upper-case CSP_* settings as its old format).
if csp_report_uri := env("CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [csp_report_uri]

# Rate limits count in this cache: set CACHE_URL=redis://… when several web processes serve, so they
# count together (the lockout below lives in the database and is always shared).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Login protection: a rate limit per address and a lockout per username and address ---------
# Every POST to the token endpoint or a login form counts against LOGIN_RATE per client address.
LOGIN_RATE = env("LOGIN_RATE", default="30/minute")
# The password-change endpoint checks the old password: the same kind of guessing, per user.
PASSWORD_CHANGE_RATE = env("PASSWORD_CHANGE_RATE", default="10/hour")
# django-axes: LOGIN_FAILURE_LIMIT wrong passwords for one username from one address lock that pair
# out (even with the right password) for LOGIN_LOCKOUT_MINUTES after the last failure. Keyed by the
# pair so that nobody can lock a colleague out from elsewhere; the rate limit bounds spraying.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not extend it: the Retry-After the user was given stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful logins are not logged by axes (last_login records them); failures are.
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "accounts.throttles.client_address"
AXES_LOCKOUT_CALLABLE = "web.views.account.locked_out"

# --- API tokens (django-rest-knox) ----------------------------------------------------------------
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.float("API_TOKEN_TTL_HOURS", default=12)),
    "AUTO_REFRESH": False,
}
# Logging in once more than this revokes the oldest of the user's tokens.
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=20)
# django-axes: its warnings (failed log-ins, lockouts) are kept; its per-login chatter is not.
# django.request: 5xx only (with their tracebacks); backend.request_log writes one line per other outcome.
LOGGING["loggers"] = {"axes": {"level": "WARNING"}, "django.request": {"level": "ERROR"}}
