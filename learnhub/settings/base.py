"""Settings shared by every environment, read from the environment (12-factor).

Defaults run locally with nothing installed: SQLite for the database and Kombu's
filesystem transport for Celery. Production overrides live in ``production.py``.
"""

from pathlib import Path

import django_stubs_ext
import environ
from csp.constants import NONCE, NONE, SELF

# Generic Django classes subscriptable at run time (ModelAdmin[Organisation]), for mypy --strict.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# Real environment variables win over the file. LEARNHUB_ENV_FILE lets a test or a
# deployment point elsewhere (or at /dev/null) so a developer's .env cannot leak in.
environ.Env.read_env(env.str("LEARNHUB_ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

# Everything the running app writes (SQLite database, Celery's embedded broker, uploads).
VAR_DIR = Path(env.str("LEARNHUB_VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-development-only-not-secret")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# A form sent without a valid token gets a page that says nothing was saved and what to do.
CSRF_FAILURE_VIEW = "learnhub.errorpages.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.headless",
    "django_htmx",
    "csp",
    "learnhub",
    "accounts",
    "partnerships",
    "notifications",
    "grants",
    "consent",
    "pulse",
    "rhythm",
    "evidence",
    # The demo data (``seed_demo``): above every app, as it writes through all of them.
    "demo",
]

MIDDLEWARE = [
    "learnhub.uploads.RequestSizeMiddleware",  # before anything reads a request's body
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.ratelimits.RetryAfterMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "learnhub.middleware.MalformedRequestMiddleware",
]

ROOT_URLCONF = "learnhub.urls"
WSGI_APPLICATION = "learnhub.wsgi.application"

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
                "notifications.context_processors.unread_notifications",
                "csp.context_processors.nonce",
                "learnhub.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'learnhub.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A ``?conn_max_age=`` in DATABASE_URL wins over DJANGO_CONN_MAX_AGE.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates the file, not its folder: a fresh clone has no var/ yet.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The web, the worker's threads and beat write at once under `make run`: take the write
    # lock when a transaction starts (no "database is locked" half-way through one), let
    # readers and a writer work side by side (WAL), and wait for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

LANGUAGE_CODE = "en-gb"
# LearnHub's own wording for the packages' words (allauth's pages, forms and emails):
# locale/en_GB/LC_MESSAGES/django.po, compiled by `make messages`.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env.str("LEARNHUB_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# An upload stops being kept once it passes LEARNHUB_EVIDENCE_MAX_UPLOAD_BYTES.
FILE_UPLOAD_HANDLERS = [
    "learnhub.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Content-Security-Policy (django-csp) ---------------------------------------------
# Every page: our own origin only, and inline <script>/<style> only with the response's
# nonce (templates write nonce="{{ CSP_NONCE }}"). The brief's HTML export sends a
# stricter policy of its own (evidence/http.py: brief_export_response).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Email -----------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
# Unset parts (host and port of console:// or file://) keep Django's defaults.
vars().update({key: value for key, value in EMAIL_CONFIG.items() if value is not None})
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LearnHub <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- django-allauth ----------------------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraFieldsForm"
# Sign-up never says whether an address has an account, in every verification mode
# (accounts/signup.py); the headless sign-up uses the same form rules (accounts/urls.py).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_FORMS = {"signup": "accounts.signup.AccountSignupForm"}
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_ONLY = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "LearnHub"

# --- django-guardian ---------------------------------------------------------
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Django REST framework ---------------------------------------------------
# How often one person's words may be checked as they type: the brief's edit page
# (evidence:plain-words-check) and the API (api:plain-words-check) count apart.
LEARNHUB_PLAIN_WORDS_PER_MINUTE = env.int("LEARNHUB_PLAIN_WORDS_PER_MINUTE", default=60)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "learnhub.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "learnhub.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "learnhub.api.exception_handler",
    "DEFAULT_METADATA_CLASS": "learnhub.inputs.Metadata",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "learnhub.inputs.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Writes that send email or start work, per person (learnhub/throttles.py).
    "DEFAULT_THROTTLE_RATES": {
        "invitations": env.str("LEARNHUB_THROTTLE_INVITATIONS", default="30/hour"),
        "brief_requests": env.str("LEARNHUB_THROTTLE_BRIEF_REQUESTS", default="30/hour"),
        "plain_words": f"{LEARNHUB_PLAIN_WORDS_PER_MINUTE}/minute",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LearnHub API",
    "DESCRIPTION": "Learning partnerships for funders, grantees and learning partners.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # `<id:pk>` (learnhub.inputs.IdConverter) matches row ids only: 1 to 2**63 - 1.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "learnhub.api.document_pagination_errors",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name ("role", "status", "kind", "decision") each get a
    # name of their own, so clients see stable enum names (drf-spectacular W001 otherwise).
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "partnerships.models.Organisation.Kind",  # also a party's role
        "MembershipRoleEnum": "partnerships.models.Membership.Role",
        "PartnershipStatusEnum": "partnerships.models.Partnership.Status",
        "PartyStatusEnum": "partnerships.models.Party.Status",
        "DiscoveryBriefStatusEnum": "partnerships.models.DiscoveryBrief.Status",
        "QuestionStatusEnum": "partnerships.models.ResearchQuestion.Status",
        "QuestionDecisionEnum": "partnerships.models.QuestionResponse.Decision",
        "ConsentDecisionEnum": "consent.models.ConsentRecord.Decision",
        "LearningModeDecisionEnum": "consent.models.LearningModeAnswer.Decision",
        "EvidenceKindEnum": "evidence.models.Evidence.Kind",
        "InsightBriefStatusEnum": "evidence.models.InsightBrief.Status",
        "LearningActionStatusEnum": "evidence.models.LearningAction.Status",
        "LearningSessionKindEnum": "rhythm.models.LearningSession.Kind",
    },
}

# --- Celery ------------------------------------------------------------------
# How long the web (and the outbox) waits for Redis before it carries on without it: the
# cache treats the wait as a miss, the outbox leaves the task for its sweeper.
LEARNHUB_BROKER_TIMEOUT_SECONDS = env.float("LEARNHUB_BROKER_TIMEOUT_SECONDS", default=0.5)


def redis_cache(url: str) -> dict[str, object]:
    """Django's cache on Redis, as every environment with Redis uses it: an unreachable
    Redis is a cache miss after a short wait (``learnhub.cache``), never a 500."""
    return {
        "BACKEND": "learnhub.cache.ResilientRedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "socket_connect_timeout": LEARNHUB_BROKER_TIMEOUT_SECONDS,
            "socket_timeout": LEARNHUB_BROKER_TIMEOUT_SECONDS,
        },
    }


REDIS_URL = env.str("REDIS_URL", default="")
CELERY_DATA_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # How long Redis waits before handing an unacknowledged task (its worker died) to
    # another worker, and how often a worker sweeps for such tasks (Kombu scans every
    # interval x throttle seconds: 100 s by default). The worker tests shorten both.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": env.int("LEARNHUB_REDIS_VISIBILITY_TIMEOUT", default=3600),
        "unacked_restore_interval": env.int("LEARNHUB_REDIS_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": env.int("LEARNHUB_REDIS_RESTORE_THROTTLE", default=10),
    }
    # One cache for every web process, so allauth's rate limits hold across workers.
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    # Embedded default: Kombu's filesystem transport, so `make run` needs no Redis.
    CELERY_BROKER_URL = "filesystem://localhost//"  # the host is ignored; naming it stops a warning
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "polling_interval": 0.2,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Lets two stacks share one Redis (and lets the worker tests use a queue of their own).
CELERY_TASK_DEFAULT_QUEUE = env.str("LEARNHUB_CELERY_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DATA_DIR / "beat-schedule")
# Beat writes its schedule file after every task it sends: the file's age is its health.
CELERY_BEAT_SYNC_EVERY = 1
LEARNHUB_HEARTBEAT_SECONDS = env.float("LEARNHUB_HEARTBEAT_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "learnhub-heartbeat": {
        "task": "learnhub.heartbeat",
        "schedule": LEARNHUB_HEARTBEAT_SECONDS,
        # A heartbeat that waited longer than one interval says nothing: drop it.
        "options": {"expires": LEARNHUB_HEARTBEAT_SECONDS},
    },
}
# Insight briefs: look for ended cadence periods every few minutes (cheap: one row per
# active partnership), remind quiet parties twice a day.
# Days after a pre-publication notice was sent when a brief may be published even if the
# challenged party has not acknowledged it.
LEARNHUB_CHALLENGE_NOTICE_DAYS = env.int("LEARNHUB_CHALLENGE_NOTICE_DAYS", default=5)
LEARNHUB_BRIEF_SCHEDULE_SECONDS = env.float("LEARNHUB_BRIEF_SCHEDULE_SECONDS", default=300.0)
CELERY_BEAT_SCHEDULE["evidence-draft-due-briefs"] = {
    "task": "evidence.draft_due_briefs",
    "schedule": LEARNHUB_BRIEF_SCHEDULE_SECONDS,
    "options": {"expires": LEARNHUB_BRIEF_SCHEDULE_SECONDS},
}
CELERY_BEAT_SCHEDULE["evidence-remind-parties-without-evidence"] = {
    "task": "evidence.remind_parties_without_evidence",
    "schedule": 12 * 60 * 60.0,
    "options": {"expires": 60 * 60.0},
}
# The pulse: flag low or falling results the answers themselves did not (a safety net).
CELERY_BEAT_SCHEDULE["pulse-flag-periods"] = {
    "task": "pulse.flag_periods",
    "schedule": 60 * 60.0,
    "options": {"expires": 60 * 60.0},
}
# Organisation permission groups follow memberships; put right anything that drifted.
CELERY_BEAT_SCHEDULE["partnerships-reconcile-groups"] = {
    "task": "partnerships.reconcile_groups",
    "schedule": 60 * 60.0,
    "options": {"expires": 60 * 60.0},
}
# Learning sessions: remind attendees the day before (each session once, however often).
CELERY_BEAT_SCHEDULE["rhythm-send-session-reminders"] = {
    "task": "rhythm.send_session_reminders",
    "schedule": 15 * 60.0,
    "options": {"expires": 15 * 60.0},
}
# The outbox (learnhub.outbox): how often beat sweeps it, and how long a published task
# has to succeed before it is sent again (doubling each time, up to six hours).
LEARNHUB_OUTBOX_SWEEP_SECONDS = env.float("LEARNHUB_OUTBOX_SWEEP_SECONDS", default=30.0)
LEARNHUB_OUTBOX_REDELIVER_SECONDS = env.float("LEARNHUB_OUTBOX_REDELIVER_SECONDS", default=900.0)
CELERY_BEAT_SCHEDULE["learnhub-outbox-sweep"] = {
    "task": "learnhub.outbox_sweep",
    "schedule": LEARNHUB_OUTBOX_SWEEP_SECONDS,
    "options": {"expires": LEARNHUB_OUTBOX_SWEEP_SECONDS},
}
CELERY_TIMEZONE = TIME_ZONE

# --- LearnHub ----------------------------------------------------------------
LEARNHUB_INVITATION_DAYS = env.int("LEARNHUB_INVITATION_DAYS", default=14)
LEARNHUB_SITE_URL = env.str("LEARNHUB_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# What people call this LearnHub (pages, emails) and where they write for help (footer,
# contact and error pages).
# Only a demo site may load the demo accounts, whose passwords are public (local settings).
LEARNHUB_DEMO_SITE = False
LEARNHUB_SITE_NAME = env.str("LEARNHUB_SITE_NAME", default="LearnHub")
LEARNHUB_SUPPORT_EMAIL = env.str("LEARNHUB_SUPPORT_EMAIL", default="support@learnhub.example")
# Largest file a person may attach to an evidence item (bytes); 20 MB unless set.
LEARNHUB_EVIDENCE_MAX_UPLOAD_BYTES = env.int(
    "LEARNHUB_EVIDENCE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024
)

# How many due briefs one drafting task drafts together: a batch costs the queries of one
# brief (see evidence.services.briefs.briefs_draft). 25 unless set.
LEARNHUB_BRIEF_DRAFT_BATCH = env.int("LEARNHUB_BRIEF_DRAFT_BATCH", default=25)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
