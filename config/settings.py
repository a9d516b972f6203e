"""Settings for Kỷ Cương, read from the environment (and an optional `.env` file).

Every value has a safe default for local development on SQLite except SECRET_KEY, which
is required whenever DEBUG is off: the web entry points refuse to start without it
(core/startup.py), while offline commands such as `makemigrations --check` still run.
Bad values fail loudly at start-up.
"""

import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env (written by bin/setup for development) is read if present; real
# environment variables always win over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# Left empty when DEBUG is off and none is given: Django refuses to sign anything with an empty
# key, and config/wsgi.py and asgi.py refuse to start.
SECRET_KEY = env.str("SECRET_KEY", default="") or ("insecure-development-only-key" if DEBUG else "")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the built-in widget templates, for FORM_RENDERER below
    # third party
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "guardian",
    "treebeard",
    "simple_history",
    "core.apps.SignInLockoutConfig",  # django-axes
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "template_partials",
    # ours
    "core",
    "accounts",
    "notifications",
    "scheduler",
    "tasks",
    "inspections",
    "reform",
    "emulation",
    "reports",
    "documents",
    "backups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.HealthCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Not Django's LocaleMiddleware: the browser's language is not asked (accounts.language).
    "accounts.language.InterfaceLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.security.DenialLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.security.SessionTimeoutMiddleware",
    "accounts.two_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # axes must be last: it turns lockouts into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "accounts.context_processors.navigation",
            ],
        },
    }
]

# Widgets are rendered with the project's templates too (templates/accounts/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Embedded default: WAL so readers never block the writer, IMMEDIATE so a write
    # transaction takes the lock up front (no upgrade deadlocks), and a busy timeout
    # so concurrent writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to SQLite or PostgreSQL.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",  # Django's ModelBackend, the two-step facts loaded with the user
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-guardian: anonymous users get no object grants.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

# django-axes: lock a username+address pair after repeated failures. Not the username alone: then
# anyone could lock any official out by typing wrong passwords under their name. Not the address
# alone: a whole office behind one NAT address would be locked out by one person's typos. The
# address is the client's as accounts.security.client_address sees it (X-Forwarded-For only from
# TRUSTED_PROXIES): without it, behind a proxy every client would share the proxy's address, and
# the pair would be the username alone again.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# A session ends after SESSION_IDLE_SECONDS without a request, and SESSION_ABSOLUTE_SECONDS after
# the login whatever happens (accounts.security.SessionTimeoutMiddleware); the cookie lasts as long.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=8 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS

# Two-step sign-in (TOTP, RFC 6238): required of administrators, inspectors and council members
# (accounts.two_factor.second_factor_required), optional for everyone else. After each wrong code
# the next try waits OTP_TOTP_THROTTLE_FACTOR * 2^(failures-1) seconds; a code is accepted once.
OTP_TOTP_ISSUER = "Kỷ Cương"
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_TOTP_THROTTLE_FACTOR", default=1)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Internationalisation -------------------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["core.formats"]

# --- Static and media -----------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# An uploaded file that no record refers to is removed by the nightly sweep once it is this old
# (younger ones may belong to an upload still being committed).
MEDIA_ORPHAN_MIN_AGE_SECONDS = env.int("MEDIA_ORPHAN_MIN_AGE_SECONDS", default=24 * 3600)

# Uploads: refuse anything larger before it reaches a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Excel imports: limits checked before a workbook is parsed.
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)

# --- E-mail ---------------------------------------------------------------------------

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kỷ Cương <no-reply@localhost>")
# Seconds to wait on the mail server before a try counts as failed (Django's default waits forever).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# A notification e-mail that fails in a way that may pass is tried again after this many seconds,
# the pause doubling after each failure up to the ceiling, and given up after this many tries.
NOTIFICATIONS_EMAIL_MAX_ATTEMPTS = env.int("NOTIFICATIONS_EMAIL_MAX_ATTEMPTS", default=10)
NOTIFICATIONS_EMAIL_RETRY_SECONDS = env.int("NOTIFICATIONS_EMAIL_RETRY_SECONDS", default=60)
NOTIFICATIONS_EMAIL_RETRY_MAX_SECONDS = env.int("NOTIFICATIONS_EMAIL_RETRY_MAX_SECONDS", default=6 * 3600)

# --- Security (production values are on by default when DEBUG is off) ----------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=False) else None
# Addresses or networks of our own reverse proxies: only a request from one of them has its
# X-Forwarded-For believed (accounts.security.client_address). Empty: the header is never believed.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: “{_proxy}” is not an IP address or network.") from None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts (htmx, the API docs) and styles come only from our origin; no inline script anywhere.
CONTENT_SECURITY_POLICY = env.str("CONTENT_SECURITY_POLICY", default=(
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"))

# --- API ------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "core.api_schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON with bounded nesting (core.parsers); forms and multipart as DRF has them.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "1200/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kỷ Cương API",
    "DESCRIPTION": "Tasks by 5 rõ, inspections, discipline and emulation for public bodies.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status` or `kind`: name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "tasks.models.TaskStatus",
        "InspectionStatusEnum": "inspections.models.InspectionStatus",
        "InspectionKindEnum": "inspections.models.InspectionKind",
        "FindingStatusEnum": "inspections.models.FindingStatus",
        "RecommendationStatusEnum": "inspections.models.RecommendationStatus",
        "DecisionStatusEnum": "inspections.models.DecisionStatus",
        "PauseKindEnum": "inspections.models.PauseKind",
        "DisciplineFormEnum": "inspections.models.DisciplineForm",
        "CriteriaSetStatusEnum": "reform.models.SetStatus",
        "AssessmentStatusEnum": "reform.models.AssessmentStatus",
        "SeverityEnum": "inspections.models.Severity",
        "HandlingEnum": "inspections.models.Handling",
        "UnitKindEnum": "accounts.models.UnitKind",
        "RatingLevelEnum": "emulation.models.RatingLevel",
        "PeriodStatusEnum": "emulation.models.PeriodStatus",
        "TitleEnum": "emulation.models.Title",
        "NominationStatusEnum": "emulation.models.NominationStatus",
        "StaffGroupEnum": "accounts.models.StaffGroup",
    },
}

# --- Scheduler ------------------------------------------------------------------------

# Seconds a job may start late (after a restart or a busy moment) and still run.
SCHEDULER_MISFIRE_GRACE_SECONDS = env.int("SCHEDULER_MISFIRE_GRACE_SECONDS", default=15 * 60)
# How often the scheduler records it is alive (and how often a standby retries the lock).
SCHEDULER_HEARTBEAT_SECONDS = env.int("SCHEDULER_HEARTBEAT_SECONDS", default=60)
# How often overdue tasks are looked for and marked (the mark records the deadline, not this time).
TASKS_OVERDUE_CHECK_SECONDS = env.int("TASKS_OVERDUE_CHECK_SECONDS", default=300)
SCHEDULER_STANDBY_POLL_SECONDS = env.float("SCHEDULER_STANDBY_POLL_SECONDS", default=5.0)

# --- Logging --------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "apscheduler": {"level": "WARNING"},
        # Sign-ins, failures, lockouts, expired sessions and refusals (accounts.security).
        "kycuong.security": {"level": "INFO"},
    },
}

# Absolute address of the site, used in links inside e-mails (e.g. https://kycuong.example.gov.vn).
SITE_URL = env.str("SITE_URL", default="")

# Tasks: remind the lead this many days before a deadline (and again on the day).
TASK_REMINDER_DAYS = env.int("TASK_REMINDER_DAYS", default=3)
# Days a subject has to explain (giải trình) a recorded finding.
FINDING_EXPLANATION_DAYS = env.int("FINDING_EXPLANATION_DAYS", default=5)

# Official documents (documents/): the place written before the date ("Buôn Ma Thuột, ngày …"),
# the LibreOffice binary that converts .docx to PDF, and how long one conversion may take.
DOCUMENTS_PLACE = env.str("DOCUMENTS_PLACE", default="Buôn Ma Thuột")
DOCUMENTS_SOFFICE = env.str("DOCUMENTS_SOFFICE", default="soffice")
DOCUMENTS_CONVERT_TIMEOUT = env.int("DOCUMENTS_CONVERT_TIMEOUT", default=60)
