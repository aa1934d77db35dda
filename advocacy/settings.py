"""Chorus settings: everything comes from the environment (12-factor).

With nothing set, Chorus runs on embedded defaults: SQLite under ``var/``, the
local-memory cache, a file-system Celery broker that needs no server and the
social-network sandbox on loopback. ``DATABASE_URL`` and ``REDIS_URL`` switch to
PostgreSQL and Redis. Every variable read here is documented in README.md.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env.str("CHORUS_VAR_DIR", default=str(BASE_DIR / "var")))

# Nothing configured at all is the embedded default (a developer's machine): development
# mode. A deployment sets SECRET_KEY (and DEBUG=false, as docker-compose.yml does), and then
# DEBUG is off unless asked for.
DEBUG = env.bool("DEBUG", default=not env.str("SECRET_KEY", default=""))
_INSECURE_KEY = "django-insecure-chorus-local-development-only"
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_KEY if DEBUG else "")
if not SECRET_KEY or (not DEBUG and (SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 50)):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 50 characters when DEBUG is "
        "off. For local development run with DEBUG=true (make run does)."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "csp",  # Content-Security-Policy (CONTENT_SECURITY_POLICY below): its system checks
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc as static files: the API docs work offline
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "advocacy",
    "content_library",
    "guidelines",
    "social",
    "social.providers",  # allauth providers: Instagram Login, Facebook pages
    # After social: their demo seeders build on the demo's shares.
    "campaigns",
    "analytics",
    # After the apps whose events it turns into notifications (their signals).
    "notifications",
]

MIDDLEWARE = [
    # Outermost: every error under /api/ leaves in the API's error format (advocacy/api/middleware.py).
    "advocacy.api.middleware.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # /s/<code> (the tracked-link redirect) is answered here, before the session, locale,
    # CSRF, auth and message middleware it does not need (advocacy/bare_routes.py); a 302
    # carries no document, so the CSP and Permissions-Policy below are not needed on it.
    "advocacy.bare_routes.BareRouteMiddleware",
    "advocacy.security_headers.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "advocacy.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "advocacy.urls"
#: Path prefix -> the URLconf of its bare routes (advocacy/bare_routes.py); the root URLconf
#: includes the same URLconf under the same prefix.
BARE_ROUTES = {"/s/": "social.urls.links"}
WSGI_APPLICATION = "advocacy.wsgi.application"
ASGI_APPLICATION = "advocacy.asgi.application"

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
                "advocacy.context_processors.chorus",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'chorus.sqlite3'}"),
}
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis"))
if IS_POSTGRES:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, Celery -------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "advocacy.redis_cache.RedisCache",  # one client per pool (see there)
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "chorus",
            # A Redis that stops answering costs a request this long at most: request paths
            # treat a failing cache as a miss (advocacy/soft_cache.py).
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=1.0),
                "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=1.0),
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

_CELERY_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (_CELERY_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_CELERY_DIR / "queue"),
        "data_folder_out": str(_CELERY_DIR / "queue"),
        "processed_folder": str(_CELERY_DIR / "processed"),
        # Exchange bindings; kombu's default is ./control relative to the working directory.
        "control_folder": str(_CELERY_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
# Crash recovery of the publishing queue. Its tasks are acknowledged late (after they ran) and
# a message whose worker died is delivered again (social/tasks/publishing.py says why that is
# safe). Redis hands an unacknowledged message to another worker only once it has been
# unacknowledged for the visibility timeout (kombu's default: 1 hour), so the timeout is derived
# from the publishing tasks' hard time limit: a message is unacknowledged at most that long
# while its task runs, plus the margin. Other tasks run up to CELERY_TASK_TIME_LIMIT, longer than
# the visibility timeout, so they are acknowledged when they start (a late ack would let Redis
# hand a task that is still running to a second worker). The sweep's thresholds derive from the
# same numbers (social.services.publish_queue); README "Configuration".
CELERY_TASK_ACKS_LATE = False
CELERY_TASK_REJECT_ON_WORKER_LOST = True
SOCIAL_PUBLISH_TIME_LIMIT = env.int("SOCIAL_PUBLISH_TIME_LIMIT", default=60)
SOCIAL_PUBLISH_RECOVERY_MARGIN_SECONDS = env.int(
    "SOCIAL_PUBLISH_RECOVERY_MARGIN_SECONDS", default=30
)
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int(
    "CELERY_BROKER_VISIBILITY_TIMEOUT",
    default=SOCIAL_PUBLISH_TIME_LIMIT + SOCIAL_PUBLISH_RECOVERY_MARGIN_SECONDS,
)
if CELERY_BROKER_VISIBILITY_TIMEOUT <= SOCIAL_PUBLISH_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_BROKER_VISIBILITY_TIMEOUT must be longer than SOCIAL_PUBLISH_TIME_LIMIT, or Redis "
        "hands a publishing task that is still running to a second worker."
    )
if CELERY_BROKER_URL.startswith(("redis://", "rediss://", "unix://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
        # Look for messages to deliver again every few seconds (kombu: every 100 s by default).
        "unacked_restore_interval": max(1, min(10, SOCIAL_PUBLISH_RECOVERY_MARGIN_SECONDS // 3)),
        "unacked_restore_throttle": 1,
    }
# How often beat runs the publishing sweep (due scheduled shares, crash recovery).
SOCIAL_PUBLISH_SWEEP_SECONDS = env.float("SOCIAL_PUBLISH_SWEEP_SECONDS", default=30.0)
# How often members hear about new content at most (one notification per batch window).
NOTIFICATIONS_CONTENT_BATCH_MINUTES = env.int("NOTIFICATIONS_CONTENT_BATCH_MINUTES", default=240)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
# Queues and routes: publishing never waits behind metrics or bulk work.
CHORUS_QUEUES = ("default", "publishing", "metrics", "bulk")
CELERY_TASK_ROUTES = {
    "social.tasks.publish_*": {"queue": "publishing"},
    "social.tasks.reconcile_*": {"queue": "publishing"},
    "*.tasks.metrics_*": {"queue": "metrics"},
    "*.tasks.bulk_*": {"queue": "bulk"},
}
CELERY_BEAT_SCHEDULE = {
    "invitations-expire": {
        "task": "advocacy.tasks.invitations_expire",
        "schedule": 3600.0,
    },
    "content-feed-sources-import": {
        "task": "content_library.tasks.feed_sources_import_due",
        "schedule": 1800.0,
    },
    "social-clicks-drain": {"task": "social.tasks.clicks_drain", "schedule": 15.0},
    "social-metrics-refresh-due": {"task": "social.tasks.metrics_refresh_due", "schedule": 300.0},
    "social-publish-due-scheduled": {
        "task": "social.tasks.publish_due_scheduled",
        "schedule": SOCIAL_PUBLISH_SWEEP_SECONDS,
    },
    "campaigns-amplifications-sweep": {
        "task": "campaigns.tasks.amplifications_sweep",
        "schedule": SOCIAL_PUBLISH_SWEEP_SECONDS,
    },
    "social-accounts-refresh-expiring": {
        "task": "social.tasks.accounts_refresh_expiring",
        "schedule": 3600.0,
    },
    "campaigns-points-weekly-streaks": {
        "task": "campaigns.tasks.points_weekly_streaks",
        "schedule": 3600.0,
    },
    "social-accounts-warn-expiring": {
        "task": "social.tasks.accounts_warn_expiring",
        "schedule": 6 * 3600.0,
    },
    # Scheduled campaigns go live at their start, live ones end at their end.
    "campaigns-clock": {"task": "campaigns.tasks.campaigns_clock", "schedule": 60.0},
    "campaigns-raffles-close-due": {"task": "campaigns.tasks.raffles_close_due", "schedule": 60.0},
    "campaigns-hashtags-fetch": {"task": "campaigns.tasks.hashtags_fetch_due", "schedule": 3600.0},
    # Leaderboards are rebuilt from the ledger every night (the bulk queue), as a safety net
    # under the incremental updates (campaigns/tasks/boards.py).
    "campaigns-leaderboards-rebuild": {
        "task": "campaigns.tasks.bulk_leaderboards_rebuild_all",
        "schedule": 24 * 3600.0,
    },
    # Notifications: the new-content batch window, and e-mails due after quiet hours.
    "notifications-content-batch": {
        "task": "notifications.tasks.bulk_content_batch",
        "schedule": NOTIFICATIONS_CONTENT_BATCH_MINUTES * 60.0,
    },
    "notifications-deliveries-due": {
        "task": "notifications.tasks.bulk_deliveries_due",
        "schedule": 300.0,
    },
}

# --- Auth and accounts (django-allauth) --------------------------------------
AUTH_USER_MODEL = "advocacy.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "advocacy.forms.account.SignupOrganizationForm"
ACCOUNT_ADAPTER = "advocacy.adapters.AccountAdapter"
# Proxies in front of Chorus that append to X-Forwarded-For (0 = the client is REMOTE_ADDR and
# the header is ignored). The one source of the client's address for login rate limits
# (allauth), API throttles (DRF's NUM_PROXIES) and click hashing; set it to the number of
# proxies in front of web, or every user shares the proxy's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "5/h/ip,3/h/key",
    "confirm_email": "3/10m/key",
}
# Network logins only connect accounts (social/oauth.py); tokens go encrypted into
# social.NetworkAccount, never into allauth's plain-text SocialToken.
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ADAPTER = "social.oauth.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
# SOCIALACCOUNT_PROVIDERS (the network apps) is set with the network bases below.

# --- E-mail ------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    # Each e-mail printed once and briefly (recipients, subject, text), not as raw MIME.
    EMAIL_BACKEND = "advocacy.devlog.BriefConsoleBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Chorus <no-reply@chorus.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- I18N --------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("lt", _("Lithuanian")),
    ("et", _("Estonian")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
#: Our own formats first (advocacy/formats/<locale>/formats.py), then Django's. Figures
#: get their thousands separators through |intcomma in the templates (not through
#: USE_THOUSAND_SEPARATOR, which would also group ids in URLs and form values).
FORMAT_MODULE_PATH = ["advocacy.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media --------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
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

# --- REST framework ----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "advocacy.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "advocacy.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "advocacy.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON nested deeper than the parser's limit is a 400, never a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "advocacy.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Rates per client address (anonymous), person, personal token, and for authentication
    # endpoints (advocacy/api/throttling.py); kept in the default cache (Redis).
    "DEFAULT_THROTTLE_CLASSES": [
        "advocacy.api.throttling.AnonThrottle",
        "advocacy.api.throttling.UserThrottle",
        "advocacy.api.throttling.TokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
        "token": env.str("API_THROTTLE_TOKEN", default="300/minute"),
        "auth": env.str("API_THROTTLE_AUTH", default="10/hour"),
    },
    # The client address behind TRUSTED_PROXY_COUNT proxies (see above); 0 = REMOTE_ADDR.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chorus API",
    "DESCRIPTION": "Employee advocacy: content, sharing, campaigns and analytics, per organization.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # `check --deploy` is about running safely; schema completeness is tested on its own
    # (tests/test_settings.py generates and validates the schema).
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    # The error responses (400/401/403/404/429 in the one error format) are documented once,
    # for every operation, by advocacy/api/schema.py; the first hook is drf-spectacular's default.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "advocacy.api.schema.document_error_responses",
    ],
    # The docs pages load Swagger UI and Redoc from our own static files (drf-spectacular-sidecar),
    # never from a CDN, so they work offline and behind a strict firewall.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Redoc's default fonts come from Google Fonts; the page uses the system's fonts instead
    # (templates/api_docs/redoc.html drops the font links).
    "REDOC_UI_SETTINGS": {
        "theme": {
            "typography": {
                "fontFamily": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                "headings": {
                    "fontFamily": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
                },
                "code": {"fontFamily": "ui-monospace, 'DejaVu Sans Mono', Menlo, monospace"},
            }
        }
    },
    # One component per shared choice set, whatever the field is called.
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "advocacy.models.Role",
        "LanguageEnum": "advocacy.settings.LANGUAGES",
        "NetworkEnum": "advocacy.networks.Network",
        "ContentKindEnum": "content_library.models.Kind",
        "ContentStatusEnum": "content_library.models.Status",
        "SuggestionKindEnum": "content_library.models.SuggestionKind",
        "SuggestionStatusEnum": "content_library.models.SuggestionStatus",
        "DocumentKindEnum": "guidelines.models.DocumentKind",
        "RuleKindEnum": "guidelines.models.RuleKind",
        "ShareStateEnum": "social.models.ShareState",
        "ShareMethodEnum": "social.models.ShareMethod",
        "AccountStatusEnum": "social.models.AccountStatus",
        "OrganizationAccountKindEnum": "social.models.OrganizationAccountKind",
        "AmplificationStateEnum": "campaigns.models.AmplificationState",
        "PointsActionEnum": "campaigns.models.PointsAction",
        "PointsEarningActionEnum": "campaigns.models.EARNING_ACTION_CHOICES",
        "ChatKindEnum": "notifications.models.ChatKind",
    },
}

# --- Security (production) ---------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # HSTS preloading is hard to undo, so it is opt-in; without it `check --deploy` would
    # warn (security.W021) on every deployment that has not opted in deliberately.
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy of every response (django-csp; advocacy/security_headers.py adds the
# networks' consent-page origins to form-action per request). No 'unsafe-inline' and no
# 'unsafe-eval': the templates have no inline scripts, styles or event handlers, and htmx runs
# with allowEval off (templates/base.html). The API docs pages send their own, looser policy
# (advocacy/api/docs.py), which the middleware leaves alone.
# img-src allows any https: image: a link's preview image (ContentItem.preview_image_url) is
# hot-linked from the linked site. Proxying it would make the server fetch arbitrary URLs on
# page views; an image cannot run code, and with the same-origin referrer policy the image's
# host learns no Chorus URL. Scripts, styles, frames, fonts and connections stay on our origin.
# A site on HTTPS needs no http: images (browsers upgrade them to https:); one served over plain
# HTTP (development, the tests) also shows the previews of plain-HTTP sites.
_IMAGE_SOURCES = ["'self'", "data:", "https:"]
if SITE_URL.startswith("http://"):
    _IMAGE_SOURCES.append("http:")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": _IMAGE_SOURCES,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Permissions-Policy (django-permissions-policy): no page uses these browser features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
}

# --- Logging -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "filters": {"periodic_chatter": {"()": "advocacy.devlog.PeriodicChatterFilter"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # The periodic sweeps (CELERY_BEAT_SCHEDULE, every 15 s for the click drain) log no
        # "received"/"succeeded"/"sending due task" lines at INFO; their warnings and errors do.
        "celery.app.trace": {"filters": ["periodic_chatter"]},
        "celery.worker.strategy": {"filters": ["periodic_chatter"]},
        "celery.beat": {"filters": ["periodic_chatter"]},
        # A printed e-mail (BriefConsoleBackend) shows whatever LOG_LEVEL says.
        "chorus.mail": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        # 403/404 are answered with friendly pages; only server errors deserve a traceback.
        "django.request": {"level": env.str("DJANGO_REQUEST_LOG_LEVEL", default="ERROR")},
    },
}

# --- Chorus ------------------------------------------------------------------
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=14)
# Content library: default of the per-organization "edited after approval goes back to review".
CONTENT_REAPPROVAL_ON_EDIT_DEFAULT = env.bool("CONTENT_REAPPROVAL_ON_EDIT_DEFAULT", default=True)
CONTENT_IMAGE_MAX_BYTES = env.int("CONTENT_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
# SSRF guard (advocacy/safe_http.py): loopback is refused unless a test overrides this; it is
# never read from the environment and is ignored outside DEBUG and the test settings.
SAFE_HTTP_ALLOW_LOOPBACK_FOR_TESTS = False
# The one loopback place the fetcher may read: the demo's own feed and article pages
# (content_library/static/content_library/demo/), so the offline demo imports its RSS source.
DEMO_SITE_URL = f"{SITE_URL.rstrip('/')}/{STATIC_URL.strip('/')}/content_library/demo/"
SAFE_HTTP_LOOPBACK_ALLOWLIST = (DEMO_SITE_URL,)

# --- Social networks (see ../shared/design/SOCIAL_APIS.md and README) ----------
# Every base URL and API version is configuration. With SOCIAL_SANDBOX_URL set (the demo
# and the tests), every base points into the project's sandbox (social_sandbox/).
SOCIAL_SANDBOX_URL = env.str("SOCIAL_SANDBOX_URL", default="")
_NETWORK_BASE_DEFAULTS = {
    "LINKEDIN_API_BASE": "https://api.linkedin.com",
    "LINKEDIN_OAUTH_BASE": "https://www.linkedin.com/oauth",
    "LINKEDIN_WWW_BASE": "https://www.linkedin.com",
    "META_GRAPH_BASE": "https://graph.facebook.com",
    "INSTAGRAM_GRAPH_BASE": "https://graph.instagram.com",
    "INSTAGRAM_OAUTH_BASE": "https://api.instagram.com",
    "INSTAGRAM_WWW_BASE": "https://www.instagram.com",
    "FACEBOOK_WWW_BASE": "https://www.facebook.com",
}
if SOCIAL_SANDBOX_URL:
    from social_sandbox.mapping import bases as _sandbox_bases

    _NETWORK_BASE_DEFAULTS = _sandbox_bases(SOCIAL_SANDBOX_URL)
NETWORK_BASES = {
    name: env.str(name, default=default) for name, default in _NETWORK_BASE_DEFAULTS.items()
}
LINKEDIN_API_VERSION = env.str("LINKEDIN_API_VERSION", default="202610")
META_GRAPH_VERSION = env.str("META_GRAPH_VERSION", default="v24.0")
_SANDBOX_CLIENT = (
    ("chorus-sandbox-client", "chorus-sandbox-secret") if SOCIAL_SANDBOX_URL else ("", "")
)
LINKEDIN_CLIENT_ID = env.str("LINKEDIN_CLIENT_ID", default=_SANDBOX_CLIENT[0])
LINKEDIN_CLIENT_SECRET = env.str("LINKEDIN_CLIENT_SECRET", default=_SANDBOX_CLIENT[1])
INSTAGRAM_APP_ID = env.str("INSTAGRAM_APP_ID", default=_SANDBOX_CLIENT[0])
INSTAGRAM_APP_SECRET = env.str("INSTAGRAM_APP_SECRET", default=_SANDBOX_CLIENT[1])
META_APP_ID = env.str("META_APP_ID", default=_SANDBOX_CLIENT[0])
META_APP_SECRET = env.str("META_APP_SECRET", default=_SANDBOX_CLIENT[1])
# The network apps for django-allauth, from the settings above (no SocialApp rows). LinkedIn is
# allauth's OpenID Connect provider with id "linkedin"; Instagram and Facebook are Chorus's own
# providers (social/providers/), which read NETWORK_BASES at request time.
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "linkedin",
                "name": "LinkedIn",
                "client_id": LINKEDIN_CLIENT_ID,
                "secret": LINKEDIN_CLIENT_SECRET,
                "settings": {
                    "server_url": NETWORK_BASES["LINKEDIN_OAUTH_BASE"],
                    "token_auth_method": "client_secret_post",
                    "scope": [
                        "openid",
                        "profile",
                        "email",
                        "w_member_social",
                        "r_member_postAnalytics",
                        # Approved partners add r_member_social (reconciliation's author finder).
                        *env.list("LINKEDIN_EXTRA_SCOPES", default=[]),
                    ],
                },
            }
        ]
    },
    "instagram": {
        "APPS": [
            {"name": "Instagram", "client_id": INSTAGRAM_APP_ID, "secret": INSTAGRAM_APP_SECRET}
        ]
    },
    "facebook": {
        "APPS": [{"name": "Facebook", "client_id": META_APP_ID, "secret": META_APP_SECRET}]
    },
}
SOCIAL_HTTP_TIMEOUT = env.float("SOCIAL_HTTP_TIMEOUT", default=10.0)
# Per-post metrics calls of one account in flight at once (social.connectors.concurrent).
SOCIAL_METRICS_CONCURRENCY_PER_ACCOUNT = env.int(
    "SOCIAL_METRICS_CONCURRENCY_PER_ACCOUNT", default=4
)
# Publishing (social/services/publishing.py): retries of transient failures, then "failed".
SOCIAL_PUBLISH_MAX_ATTEMPTS = env.int("SOCIAL_PUBLISH_MAX_ATTEMPTS", default=6)
SOCIAL_PUBLISH_BACKOFF_SECONDS = env.float("SOCIAL_PUBLISH_BACKOFF_SECONDS", default=30.0)
SOCIAL_PUBLISH_BACKOFF_MAX_SECONDS = env.float("SOCIAL_PUBLISH_BACKOFF_MAX_SECONDS", default=3600.0)
# Reconciling a create whose answer was lost (social/services/publishing.py): the first look
# after this many seconds, then looks with doubling pauses until the window (seconds after the
# create call went out) has passed, and only then is anything sent again; a network may finish
# a create late (LinkedIn was seen at 45 s). At most this many looks per attempt.
SOCIAL_RECONCILE_DELAY_SECONDS = env.float("SOCIAL_RECONCILE_DELAY_SECONDS", default=20.0)
SOCIAL_RECONCILE_WINDOW_SECONDS = env.float("SOCIAL_RECONCILE_WINDOW_SECONDS", default=180.0)
SOCIAL_RECONCILE_MAX_CHECKS = env.int("SOCIAL_RECONCILE_MAX_CHECKS", default=8)
# Wait when a network throttles us without saying for how long (Meta's app-level throttle).
SOCIAL_RATE_LIMIT_DEFAULT_SECONDS = env.float("SOCIAL_RATE_LIMIT_DEFAULT_SECONDS", default=300.0)
# Fernet keys (comma-separated, newest first) for network tokens at rest; unset = derived from SECRET_KEY.
TOKEN_ENCRYPTION_KEYS = env.list("TOKEN_ENCRYPTION_KEYS", default=[])
# Public base of tracked links (/s/<code>); defaults to SITE_URL.
TRACKED_LINK_BASE_URL = env.str("TRACKED_LINK_BASE_URL", default=SITE_URL)
# Salt for the hash that stands in for a clicker's IP address.
CLICK_HASH_SALT = env.str("CLICK_HASH_SALT", default=SECRET_KEY)
# Request header a CDN or proxy sets to the visitor's ISO country (CF-IPCountry, X-Country-Code);
# empty = no country recorded.
CLICK_COUNTRY_HEADER = env.str("CLICK_COUNTRY_HEADER", default="")
# Click events queue in Redis (defaults to REDIS_URL; empty = straight to the database).
CLICKS_REDIS_URL = env.str("CLICKS_REDIS_URL", default=REDIS_URL)
# Seconds a tracked link's code -> target stays in the cache (deactivating evicts it at once).
TRACKED_LINK_CACHE_SECONDS = env.int("TRACKED_LINK_CACHE_SECONDS", default=60)
