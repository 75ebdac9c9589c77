"""Django settings for Storefront AI.

Everything that differs between a laptop and production comes from the environment
(django-environ). With no environment at all the project runs against the private
PostgreSQL cluster that `make db` starts under `.local/` (see scripts/pg.sh).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV", default=True):  # the test runner turns it off
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core ------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="insecure-dev-key-only-for-local-debug-runs-0123456789abcdef" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "dashboard.apps.StoreAdminConfig",  # django.contrib.admin with the store's site (dashboard.sites)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_celery_results",
    "django_countries",
    "axes",
    "csp",
    "django_guid",
    "django_prometheus",
    "core",
    "shop",
    "events",
    "accounts",
    "checkout",
    "orders",
    "payments",
    "privacy",
    "ml",
    "recommendations",
    "pricing",
    "support",
    "sentiment",
    "risk",
    "campaigns",
    "ops",
    "dashboard",
    "demo",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # first: times the whole request
    "django_guid.middleware.guid_middleware",  # the request id, in every log line of the request
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",  # a database outage in a view: 503, not 500
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into its response
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
                "shop.context_processors.storefront",
                "checkout.context_processors.cart",
            ],
        },
    }
]

# --- Database --------------------------------------------------------------------------------
# PostgreSQL only. The default points at the private cluster started by scripts/pg.sh.

LOCAL_PG_PORT = env.int("LOCAL_PG_PORT", default=54320)
DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default=f"postgres://postgres@127.0.0.1:{LOCAL_PG_PORT}/storefront",
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Server-side binding lets psycopg prepare a statement run 5 times on a connection, so repeated
# queries (the user, the page's lookups) are planned once per connection, not per request (issue
# #25). Set DB_PREPARED_STATEMENTS=false behind PgBouncer in transaction mode (docs/deployment.md).
DATABASES["default"].setdefault("OPTIONS", {}).update(
    {"server_side_binding": True, "prepare_threshold": 5 if env.bool("DB_PREPARED_STATEMENTS", default=True) else None}
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ----------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Per process. Room for the page cache (core/page_cache.py): Django's default of
    # 300 entries would evict pages of a large catalog before they are ever hit again.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "storefront",
            "OPTIONS": {"MAX_ENTRIES": env.int("LOCAL_CACHE_MAX_ENTRIES", default=5000)},
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Catalog pages (their shared part; personal fragments are filled per request) are served from the
# cache for this long (core/page_cache.py): the bound on staleness; 0 disables.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=30)

# --- Auth ------------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {
        # Email first: customers' username is their email, and "too similar to the email" is what they can act on.
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name", "username")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "shop:home"

# --- Accounts --------------------------------------------------------------------------------
# Customers sign in with their email; staff and older accounts may use their username
# (accounts.backends). django-axes counts failed logins per (username, client IP) and locks that
# pair out for AXES_COOLOFF_TIME after AXES_FAILURE_LIMIT failures: on the website, the API and the
# admin alike. The client IP is REMOTE_ADDR; behind a reverse proxy every client shares the proxy's
# address and the lockout becomes per username, which is stricter, never weaker.

AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",  # first: refuses a locked-out client before any password check
    "accounts.backends.EmailOrUsernameBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failed attempts only: no record of every customer's successful logins
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=2 * 3600)  # seconds a reset link works
# Password-reset emails per client IP and per address (django-ratelimit); past them none is sent.
PASSWORD_RESET_RATE_IP = env.str("PASSWORD_RESET_RATE_IP", default="10/h")
PASSWORD_RESET_RATE_EMAIL = env.str("PASSWORD_RESET_RATE_EMAIL", default="3/h")
# Sessions last two weeks and survive closing the browser, so a guest's cart does too. Logging in
# rotates the session key (Django's login()), and changing the password ends the other sessions.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation and money ----------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True
SHOP_CURRENCY = env.str("SHOP_CURRENCY", default="EUR")
SHOP_CURRENCY_SYMBOL = env.str("SHOP_CURRENCY_SYMBOL", default="€")
SHOP_NAME = env.str("SHOP_NAME", default="Storefront AI")
SHOP_LOW_STOCK_THRESHOLD = env.int("SHOP_LOW_STOCK_THRESHOLD", default=5)

# --- Static and media files ------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- REST API --------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first: DRF answers an unauthenticated request with the first class's challenge, so a
    # client without credentials gets 401 + `WWW-Authenticate: Token` (session-first would say 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON bodies only: the schema then promises exactly what the server can decode (nested bodies
    # such as checkout's address cannot travel as form fields), and generated clients send JSON.
    # An endpoint that takes an upload sets MultiPartParser on its own view.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.StorefrontPagination",
    "PAGE_SIZE": 24,
    "DEFAULT_SCHEMA_CLASS": "core.schema.StorefrontAutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Storefront AI API",
    "DESCRIPTION": (
        "Catalog, search and shopping API of Storefront AI. Bodies are JSON; all money values are decimal strings.\n\n"
        "**Build a client** from this schema, for example "
        "`openapi-python-client generate --url <host>/api/schema/?format=json --meta none` or "
        "`npx openapi-typescript <host>/api/schema/?format=json -o schema.d.ts --default-non-nullable false`. "
        "A product's `variants[].id` (or a search card's `default_variant`) is what `POST /api/v1/cart/lines/` "
        "takes; it also takes a `sku`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",  # tags and operation ids from the first segment after it
    # Choice sets that share a field name get explicit component names (else spectacular warns).
    "ENUM_NAME_OVERRIDES": {
        "TrainingRunStatusEnum": "ml.models.TrainingRun.Status",
        "ModelVersionStatusEnum": "ml.models.ModelVersion.Status",
        "OrderStatusEnum": "orders.models.Order.Status",
    },
    # Swagger UI and ReDoc are served from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # validatorUrl None: Swagger UI would otherwise send the schema to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

# --- Machine learning ------------------------------------------------------------------------
# See docs/workers.md. MODEL_ROOT must be storage that every worker and web process shares (a
# local folder on one machine; NFS or a mounted bucket across machines).

MODEL_ROOT = env.path("MODEL_ROOT", default=BASE_DIR / ".local/models")
ML_DEVICE = env.str("ML_DEVICE", default="auto")  # auto | cpu | cuda (ml.device.select_device)
# Web processes look for a new champion at most this often (one indexed query per model kind).
ML_CHAMPION_CHECK_SECONDS = env.float("ML_CHAMPION_CHECK_SECONDS", default=10.0)
# Quality gate: a candidate becomes champion unless its main metric is worse than the champion's
# by more than this fraction of the champion's value (0.02 = 2 %).
ML_QUALITY_TOLERANCE = env.float("ML_QUALITY_TOLERANCE", default=0.02)
# Training time limits: the soft limit fails the run cleanly, the hard one kills the worker child.
ML_TRAINING_SOFT_TIME_LIMIT = env.int("ML_TRAINING_SOFT_TIME_LIMIT", default=2 * 3600)
ML_TRAINING_TIME_LIMIT = ML_TRAINING_SOFT_TIME_LIMIT + 300
# A running training that has reported no progress for this long is marked failed (worker lost).
ML_TRAINING_STALE_SECONDS = env.int("ML_TRAINING_STALE_SECONDS", default=15 * 60)

# --- Celery ----------------------------------------------------------------------------------
# Redis when REDIS_URL is set; otherwise kombu's filesystem transport, which needs no server
# (config/celery.py creates its folders). Results go to PostgreSQL (django-celery-results).

CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    # Redis hands an unacknowledged message to another worker after the visibility timeout; it
    # must outlast the longest training, or a running training would be delivered twice.
    {"visibility_timeout": ML_TRAINING_TIME_LIMIT + 600}
    if REDIS_URL
    else {
        "data_folder_in": str(BASE_DIR / ".local/broker/queue"),
        "data_folder_out": str(BASE_DIR / ".local/broker/queue"),
        "processed_folder": str(BASE_DIR / ".local/broker/processed"),
        "control_folder": str(BASE_DIR / ".local/broker/control"),
        "store_processed": False,
    }
)
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True  # task name and arguments in the admin's task results
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
# Two queues: `default` for light work, `gpu` for training. A GPU machine consumes only `gpu`.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"ml.tasks.training_run_execute": {"queue": "gpu"}}
# One message at a time per worker process: a long training must not hold others back.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Interaction events ----------------------------------------------------------------------
# Shopper events are buffered in memory and written in batches after a response has been sent
# once the buffer holds this many events or its oldest event is this many seconds old.

INTERACTION_BUFFER_SIZE = env.int("INTERACTION_BUFFER_SIZE", default=50)
INTERACTION_FLUSH_SECONDS = env.float("INTERACTION_FLUSH_SECONDS", default=2.0)

# --- Privacy ---------------------------------------------------------------------------------
# Retention periods in days (privacy.models.RetentionPolicy overrides them in the admin), how long
# a customer's data export can be downloaded, where export files are kept (not under MEDIA_ROOT:
# they are served only to their owner), and the key that pseudonymises ids in training data
# (its own secret, derived from SECRET_KEY unless set).

PRIVACY_RETENTION_DAYS = {
    "events": env.int("PRIVACY_EVENTS_DAYS", default=365),
    "support": env.int("PRIVACY_SUPPORT_DAYS", default=730),
    "guest_cart": env.int("PRIVACY_GUEST_CART_DAYS", default=30),
    "dormant_address": env.int("PRIVACY_DORMANT_ADDRESS_DAYS", default=3 * 365),
    "audit": env.int("PRIVACY_AUDIT_DAYS", default=2 * 365),
}
PRIVACY_EXPORT_HOURS = env.int("PRIVACY_EXPORT_HOURS", default=72)
PRIVACY_EXPORT_ROOT = env.path("PRIVACY_EXPORT_ROOT", default=BASE_DIR / ".local/exports")
PRIVACY_REVEAL_MINUTES = env.int("PRIVACY_REVEAL_MINUTES", default=15)
PRIVACY_PSEUDONYM_KEY = env.str("PRIVACY_PSEUDONYM_KEY", default="") or f"pseudonym:{SECRET_KEY}"

# --- Checkout and payments -------------------------------------------------------------------
# The payment gateway class (payments.gateways). The built-in TestGateway behaves like providers'
# test modes (4242 4242 4242 4242 approves, 4000 0000 0000 0002 declines, 4000 0000 0000 0119 fails
# as a network error); a real provider is a new PaymentGateway subclass named here.

PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="payments.gateways.TestGateway")

# --- Email -----------------------------------------------------------------------------------

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".local/emails"))  # the file backend's folder
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shop@storefront.example")

# --- Orders --------------------------------------------------------------------------------
# Guest order lookups (number + email) allowed per client IP, counted in the cache by
# django-ratelimit, against enumeration of order numbers. The IP is REMOTE_ADDR unless
# RATELIMIT_IP_META_KEY names another request header (behind a reverse proxy, e.g. HTTP_X_REAL_IP;
# otherwise every visitor shares the proxy's address and so its limit).

ORDERS_LOOKUP_RATE = env.str("ORDERS_LOOKUP_RATE", default="10/10m")
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="") or None

# --- Security (production defaults whenever DEBUG is off) ------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp): scripts, styles, fonts and XHR from our own origin only. No
# page has an inline script or style, so neither 'unsafe-inline' nor nonces are needed; images may
# also be data: URIs (the icons of Swagger UI). Browser tests fail on any CSP violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging and observability --------------------------------------------------------------
# Every log line carries the request id (django-guid): taken from an incoming X-Request-ID header
# when it is a valid UUID, else new; returned in the response and passed on to Celery tasks.
# LOG_FORMAT=json writes one JSON object a line for a log shipper (the default when DEBUG is off).

DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": True,
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=True)],
}
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django_guid logs every generated id at INFO: the id is already on every line.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_guid": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # one INFO line per sign-in otherwise
    },
}
# /metrics (Prometheus, django-prometheus plus the store's own gauges in core/metrics.py) answers only
# clients in these networks: a Prometheus server scrapes it from inside, never the public.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])

# --- Recommendations ------------------------------------------------------------------------
# Lists published per version and per key (user, product, category); blocks show fewer.
RECOMMENDATIONS_PUBLISHED_PER_LIST = env.int("RECOMMENDATIONS_PUBLISHED_PER_LIST", default=30)
# Published lists and publications are cached per version this long (keys name the version).
RECOMMENDATIONS_CACHE_SECONDS = env.int("RECOMMENDATIONS_CACHE_SECONDS", default=3600)
RECOMMENDATIONS_MAX_PER_BRAND = env.int("RECOMMENDATIONS_MAX_PER_BRAND", default=3)  # diversity of one block
RECOMMENDATIONS_WARM_MIN_USERS = 5  # fewer users: the product's neighbours come from its catalog attributes
RECOMMENDATIONS_TRENDING_DAYS = 14
# Consumables: category slug (subcategories included) -> days after a purchase when the product may
# be recommended again to its buyer. Anything else bought is never recommended to its buyer again.
RECOMMENDATIONS_CONSUMABLES = {"skincare": 60, "hair-care": 60, "shaving-grooming": 45}
RECOMMENDATIONS_BLOCK_LIMIT = 8  # products per block on the pages
RECOMMENDATIONS_ACTIVE_DAYS = 30  # users with an event this recent get a published list; others a fold-in
RECOMMENDATIONS_RESPONSE_CACHE_SECONDS = 60  # API answers without anything personal are shared this long

# --- Review sentiment -----------------------------------------------------------------------
# How a submitted review is scored: "sync" right after its commit, in the request (milliseconds
# once the model is loaded), "task" by a Celery task, "off" not at all (the nightly re-score fills in).
SENTIMENT_SCORING = env.str("SENTIMENT_SCORING", default="sync")
SENTIMENT_ASPECT_REVIEWS = env.int("SENTIMENT_ASPECT_REVIEWS", default=500)  # newest reviews read per product
SENTIMENT_ASPECT_SIMILARITY = 0.8  # cosine of phrase embeddings that puts two phrases in one aspect
SENTIMENT_ASPECT_MIN_MENTIONS = 2  # reviews that must mention an aspect before the product page shows it

# --- Dynamic pricing ------------------------------------------------------------------------
# "suggest" (staff approve) or "automatic" for categories without their own CategoryPricing row.
PRICING_DEFAULT_MODE = env.str("PRICING_DEFAULT_MODE", default="suggest")
PRICING_WINDOW_DAYS = env.int("PRICING_WINDOW_DAYS", default=180)  # days of DailyVariantStats a run reads
# Small bounded price tests where a variant's elasticity is uncertain (pricing.ml.optimiser).
PRICING_EXPLORATION = env.bool("PRICING_EXPLORATION", default=True)
PRICING_RUN_AT = (4, 0)  # local (hour, minute) of the nightly pricing run, after the demand model's retraining
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["PriceSuggestionStatusEnum"] = "pricing.models.PriceSuggestion.Status"
# Guardrails of variants whose product and categories have none (percentages; the reference price is
# the variant's median price over the window).
PRICING_DEFAULT_GUARDRAIL = {
    "min_price": None,
    "max_price": None,
    "floor_pct": 70,
    "ceiling_pct": 150,
    "min_margin_pct": 10,
    "max_change_pct": 10,
    "max_weekly_change_pct": 20,
    "min_days_between_changes": 1,
    "frozen": False,
}

# --- Support bot ----------------------------------------------------------------------------
SUPPORT_MESSAGE_MAX_LENGTH = env.int("SUPPORT_MESSAGE_MAX_LENGTH", default=500)  # characters per chat message
SUPPORT_FAQ_MIN_SIMILARITY = env.float("SUPPORT_FAQ_MIN_SIMILARITY", default=0.7)  # cosine to answer from the FAQ
SUPPORT_HANDOFF_AFTER_MISUNDERSTOOD = 2  # consecutive misunderstood messages before the hand-off
SUPPORT_GUEST_LOOKUP_ATTEMPTS = 5  # wrong order number/email pairs per conversation and per client...
SUPPORT_GUEST_LOOKUP_WINDOW_SECONDS = 15 * 60  # ...within this window
SUPPORT_RETRAIN_DELAY_SECONDS = env.int("SUPPORT_RETRAIN_DELAY_SECONDS", default=300)  # after the last staff edit
SUPPORT_DATA_CHECK_SECONDS = 10.0  # how often a process checks whether the FAQ changed
SUPPORT_API_THROTTLE = env.str("SUPPORT_API_THROTTLE", default="30/min")  # chat messages per client
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["support"] = SUPPORT_API_THROTTLE
