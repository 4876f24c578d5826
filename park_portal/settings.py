"""Settings for Park Portal.

Every value comes from the environment with a development default; production sets
DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, PARK_DOMAIN and the service URLs.
Nothing exists only in production.
"""

import os

import dj_database_url
from django.utils.translation import gettext_lazy as _

from park_portal.env import BASE_DIR, VAR_DIR, env_bool, env_int, env_list, load_services_env

load_services_env()

DEBUG = env_bool("DJANGO_DEBUG", True)
# check --deploy warns (park.W001) when production runs on this key or deploy/env.example's placeholder.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
PARK_DOMAIN = os.environ.get("PARK_DOMAIN", "park.localhost")
PARK_PORT = env_int("PARK_PORT", 8000)
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [PARK_DOMAIN, f".{PARK_DOMAIN}", "localhost", "127.0.0.1", "testserver"]
)

# ---------------------------------------------------------------- apps and tenancy
# The split is decided once (DESIGN.md, "Tenancy split"): what the park must see and serve
# lives in the public schema; what only an enterprise may see lives in its own schema.
SHARED_APPS = [
    "django_tenants",
    "apps.tenants",
    "apps.accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.humanize",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "import_export",
    "apps.core",
    "apps.audit",
    "apps.tasks",
    "apps.metadata",
    "apps.identifiers",
    "apps.resolution",
    "apps.imports",
    "apps.sync",
    "apps.buildcases",
    "apps.reports",
    "apps.billing",
    "apps.webhooks",
    "apps.workbench",
    "apps.terminals",
    "apps.evidence",
    "apps.bid",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "apps.enterprise_data",
    "apps.imports",
    "apps.terminals",  # readings and report batches: the enterprise's data, in its schema
    "apps.evidence",  # evidence content: the enterprise's data, in its schema
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Enterprise"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "park_portal.urls_public"
ROOT_URLCONF = "park_portal.urls_tenant"
# New enterprises are provisioned by cloning this schema (kept migrated by `manage.py bootstrap`).
TENANT_BASE_SCHEMA = "tenant_base"
TENANT_CREATION_FAKES_MIGRATIONS = True
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
REPLICA_MIDDLEWARE = "apps.core.replicas.ReplicaRoutingMiddleware"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.middleware.RequestContextMiddleware",
    "apps.tenants.middleware.ParkTenantMiddleware",
    # anonymous Handle REST / SNMS reads skip the session/auth stack below (hot path)
    "apps.resolution.middleware.ResolutionFastPathMiddleware",
    # the device API (POST /api/terminals/…) authenticates itself: same shortcut
    "apps.terminals.middleware.DeviceFastPathMiddleware",
    # the DID resolver path (GET /1.0/identifiers/<did>), a public read like Handle REST
    "apps.bid.middleware.BidResolverFastPathMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.middleware.ParkLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.accounts.middleware.IdleSessionTimeoutMiddleware",  # after messages: it flashes a notice
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.tenants.middleware.TenantMembershipMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.portal",
            ],
        },
    }
]
WSGI_APPLICATION = "park_portal.wsgi.application"
ASGI_APPLICATION = "park_portal.asgi.application"

# ---------------------------------------------------------------- services
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/park_portal")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
# Server-side prepared statements for the few queries that ask for them (the resolution record
# read: PostgreSQL plans its join once per connection, not per request). Django disables them
# by default for poolers; its own cursors bind client-side and never prepare anyway. Set
# DB_PREPARED_STATEMENTS=0 behind a pooler without protocol-level prepared statement support.
DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
    5 if env_bool("DB_PREPARED_STATEMENTS", True) else None
)

# Read replicas (PostgreSQL streaming standbys of the primary above), comma-separated URLs:
# aliases replica_1, replica_2… Dashboards, report generation, resolution misses and public
# pages read them; writes and whatever a user just changed read the primary (apps.core.replicas).
# Unset: no replica alias, router or middleware, everything on "default" as before.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", [])
DATABASE_REPLICAS: list[str] = []
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "5"))
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "5"))
REPLICA_READ_YOUR_WRITES_SECONDS = float(os.environ.get("REPLICA_READ_YOUR_WRITES_SECONDS", "10"))
REPLICA_CONNECT_TIMEOUT = float(os.environ.get("REPLICA_CONNECT_TIMEOUT", "2"))
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    _replica = dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    _replica["ENGINE"] = "apps.core.replica_backend"
    _replica["OPTIONS"] = {
        **DATABASES["default"]["OPTIONS"],
        "connect_timeout": max(1, int(REPLICA_CONNECT_TIMEOUT)),
    }
    _replica["TEST"] = {"MIRROR": "default"}  # the test suite reads its one database
    DATABASES[f"replica_{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica_{_number}")
if DATABASE_REPLICAS:  # the request's routing scope and read-your-writes stamp, the read router
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"), REPLICA_MIDDLEWARE
    )
    DATABASE_ROUTERS = ("apps.core.replicas.ReplicaRouter", *DATABASE_ROUTERS)

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        # Tests (and each xdist worker) get their own key space in the shared Redis.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX")
        or (
            f"pp-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
            if "PYTEST_VERSION" in os.environ
            else "pp"
        ),
    }
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "park")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE: dict = {}  # each app adds its entries in its AppConfig.ready()
# Queues per kind of work (deploy/README.md): "task-name-pattern=queue" pairs, e.g.
# CELERY_ROUTES=imports.*=bulk,apps.sync.*=sync. Unset: every task on CELERY_QUEUE.
CELERY_TASK_ROUTES = {
    pattern.strip(): {"queue": queue.strip()}
    for pattern, _sep, queue in (pair.partition("=") for pair in env_list("CELERY_ROUTES", []))
    if pattern.strip() and queue.strip()
}

# ---------------------------------------------------------------- auth and security
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "apps.accounts.backends.LockoutModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_URL_PATH = "/accounts/login/"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_RAISE_403 = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "apps.accounts.validators.ComplexityValidator"},
    # Not a rule: keeps the digest SNMS /identity/token/v1 logins are checked against.
    {"NAME": "apps.sync.credentials.SnmsPasswordDigestKeeper"},
]
if "PYTEST_VERSION" in os.environ:
    # Tests log in hundreds of times; a slow hash there buys nothing.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# MLPS level 3 login policy (等保三级): lockout and idle timeout, configurable.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
# The session store keeps a session longer than the idle timeout, so that IdleTimeoutMiddleware is
# what ends an idle one (with its audit entry and message); with equal ages the store expired it
# first and an idle logout was never recorded. The cookie itself ends with the browser.
SESSION_COOKIE_AGE = 2 * SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

SECURE_SSL = env_bool("DJANGO_SECURE_SSL", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
CSRF_TRUSTED_ORIGINS = env_list(
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    [
        f"http://{PARK_DOMAIN}:{PARK_PORT}",
        f"http://*.{PARK_DOMAIN}:{PARK_PORT}",
        f"https://{PARK_DOMAIN}",
        f"https://*.{PARK_DOMAIN}",
    ],
)

# ---------------------------------------------------------------- mail
# Development prints mail to the console; production sets EMAIL_BACKEND (SMTP) and its host.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"noreply@{PARK_DOMAIN}")

# ---------------------------------------------------------------- i18n
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------- files
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# ---------------------------------------------------------------- API
REST_FRAMEWORK = {
    # Token first: DRF answers 401 with its WWW-Authenticate challenge only when the first
    # class has one (SessionAuthentication has none, and made every refusal a 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "apps.tenants.permissions.IsTenantMember",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.ParkAutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Park Portal API",
    "DESCRIPTION": "工业互联网园区标识一体化门户 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name ("kind", "status") get names of their own instead of
    # drf-spectacular's hashed ones (KindE1cEnum), which `check --deploy` warns about.
    "ENUM_NAME_OVERRIDES": {
        "ChargeKindEnum": "apps.billing.choices.ChargeKind",
        "BillKindEnum": "apps.billing.choices.BillKind",
        "BillStatusEnum": "apps.billing.choices.BillStatus",
        "ReportKindEnum": "apps.reports.choices.ReportKind",
        "CaseStatusEnum": "apps.buildcases.choices.CaseStatus",
        "WebhookEventKindEnum": "apps.webhooks.choices.EventKind",
        "DeliveryStateEnum": "apps.webhooks.choices.DeliveryState",
        "KeyAlgorithmEnum": "apps.terminals.choices.KeyAlgorithm",
        "BidKeyTypeEnum": "apps.bid.choices.BidKeyType",
        "BidStateEnum": "apps.bid.choices.BidState",
        "BidSubjectEnum": "apps.bid.choices.BidSubject",
        "BidOperationEnum": "apps.bid.choices.BidOperation",
        "EnterpriseStatusEnum": "apps.tenants.choices.EnterpriseStatus",
        "EvidenceKindEnum": "apps.evidence.choices.EvidenceKind",
    },
}

# ---------------------------------------------------------------- park / identifiers
PARK_COUNTRY_CODE = os.environ.get("PARK_COUNTRY_CODE", "88")
IDENTIFIER_MAX_HANDLE_LENGTH = 255
IDENTIFIER_MAX_PREFIX_LENGTH = 64
PARK_CODE_WIDTH = env_int("PARK_CODE_WIDTH", 3)
ENTERPRISE_CODE_MAX_LENGTH = env_int("ENTERPRISE_CODE_MAX_LENGTH", 20)
# The park operator is the public tenant; its restricted values live in this schema, not public.
OPERATOR_DATA_SCHEMA = os.environ.get("OPERATOR_DATA_SCHEMA", "park_operator")
EXTRA_TENANT_SCHEMAS = [OPERATOR_DATA_SCHEMA]  # migrated by migrate_tenants with the enterprises
IMPORT_MAX_FILE_MB = env_int("IMPORT_MAX_FILE_MB", 50)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
RESOLUTION_RATE_LIMIT = os.environ.get("RESOLUTION_RATE_LIMIT", "600/m")
# Reverse proxies in front of the app (addresses or CIDR networks). When REMOTE_ADDR is one of
# them the resolution rate limit counts the right-most X-Forwarded-For entry that is not.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
# Keep local registry records in Redis too (the design: in process and in Redis), read before
# the database on an in-process miss. 0: one prepared SQL lookup per miss, no Redis on the path
# (apps/resolution/cache.py says when; tests/perf/bench_resolution.py times an all-miss run
# both ways).
RESOLUTION_SHARED_CACHE = env_bool("RESOLUTION_SHARED_CACHE", True)
# Records each process keeps in memory (an LRU; tests/perf/bench_resolution.py prints the memory
# per process with 1,000,000 of them).
RESOLUTION_LOCAL_MAX = env_int("RESOLUTION_LOCAL_MAX", 20_000)
UPSTREAM_RESOLVER_URL = os.environ.get("UPSTREAM_RESOLVER_URL", "")
# A slow upstream must not hold server threads: short timeout, then fail fast for a while.
UPSTREAM_RESOLVER_TIMEOUT = float(os.environ.get("UPSTREAM_RESOLVER_TIMEOUT", "1.5"))
UPSTREAM_FAILURE_SECONDS = float(os.environ.get("UPSTREAM_FAILURE_SECONDS", "10"))
UPSTREAM_NODE_URL = os.environ.get("UPSTREAM_NODE_URL", "")
UPSTREAM_NODE_USER = os.environ.get("UPSTREAM_NODE_USER", "")
UPSTREAM_NODE_PASSWORD = os.environ.get("UPSTREAM_NODE_PASSWORD", "")
# Secondary-node mode: dotted path of a factory (endpoint) -> UpstreamAdapter for the national
# top-level node (its interface is not public). Empty: no upstream; the node files monthly.
SYNC_NATIONAL_ADAPTER = os.environ.get("SYNC_NATIONAL_ADAPTER", "")
# GB/T 4754 fields sent with a template upstream when the template has none (4 levels).
SYNC_TEMPLATE_INDUSTRY = env_list("SYNC_TEMPLATE_INDUSTRY", ["M", "75", "759", "7590"])
# Reconciliation against a plain SNMS node reads this many random identifiers per prefix first.
SYNC_RECONCILE_SAMPLE = env_int("SYNC_RECONCILE_SAMPLE", 200)
# A build-case step whose task has not finished after this long may be retried.
BUILDCASE_STEP_STALE_SECONDS = env_int("BUILDCASE_STEP_STALE_SECONDS", 30 * 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# ---------------------------------------------------------------- terminals
# Terminal authentication (apps.terminals): the node id in the signed strings (default: the
# park's prefix 88.<park code>), token lifetime, rate limits per handle and per client address
# on /api/terminals/challenge and /token ("" turns one off).
TERMINALS_NODE_ID = os.environ.get("TERMINALS_NODE_ID", "")
TERMINALS_TOKEN_SECONDS = env_int("TERMINALS_TOKEN_SECONDS", 900)
TERMINALS_NONCE_SECONDS = 60
TERMINALS_RATE_PER_HANDLE = os.environ.get("TERMINALS_RATE_PER_HANDLE", "20/m")
TERMINALS_RATE_PER_ADDRESS = os.environ.get("TERMINALS_RATE_PER_ADDRESS", "600/m")

# ---------------------------------------------------------------- evidence
# Trusted evidence (apps.evidence): the log's name in its signed heads (default
# "<PARK_DOMAIN>/evidence"), its hash (sm3; sha256 only for a log checked against the RFC's
# vectors), the log key (SM2 private key PEM; empty: generated once and kept with the log),
# a tree head every N minutes when the log grew, the largest file recorded, and anchoring to
# 星火·链网 (EVIDENCE_ANCHOR="bif" with the BIF-Core node URL, account address and key).
EVIDENCE_LOG_ORIGIN = os.environ.get("EVIDENCE_LOG_ORIGIN", "")
EVIDENCE_HASH = os.environ.get("EVIDENCE_HASH", "sm3")
EVIDENCE_LOG_KEY_PEM = os.environ.get("EVIDENCE_LOG_KEY_PEM", "")
EVIDENCE_STH_MINUTES = env_int("EVIDENCE_STH_MINUTES", 10)
EVIDENCE_MAX_FILE_MB = env_int("EVIDENCE_MAX_FILE_MB", 20)
EVIDENCE_BULK_MAX = env_int("EVIDENCE_BULK_MAX", 500)
EVIDENCE_WITNESS_NAME = os.environ.get("EVIDENCE_WITNESS_NAME", "")
EVIDENCE_ANCHOR = os.environ.get("EVIDENCE_ANCHOR", "")
EVIDENCE_BIF_URL = os.environ.get("EVIDENCE_BIF_URL", "")
EVIDENCE_BIF_ADDRESS = os.environ.get("EVIDENCE_BIF_ADDRESS", "")
EVIDENCE_BIF_PRIVATE_KEY = os.environ.get("EVIDENCE_BIF_PRIVATE_KEY", "")
EVIDENCE_HTTP_TIMEOUT = env_int("EVIDENCE_HTTP_TIMEOUT", 10)

# ---------------------------------------------------------------- BID (星火·链网)
# apps.bid: the park's sub-chain AC code (4 lowercase letters/digits; empty: main-chain BIDs),
# the registrar key that signs BID documents (BIF's pri… form; empty: derived from SECRET_KEY),
# the resolver URL named in documents (default https://<park domain>/1.0/identifiers/), the
# BIDAuth random code's lifetime and rate limits, and the wallet login of enterprise
# administrators: "off", "second_factor" (password and wallet) or "alone" (wallet only).
BID_AC_CODE = os.environ.get("BID_AC_CODE", "")
BID_REGISTRAR_KEY = os.environ.get("BID_REGISTRAR_KEY", "")
BID_RESOLVER_URL = os.environ.get("BID_RESOLVER_URL", "")
BID_AUTH_CODE_SECONDS = 60
BID_AUTH_RATE_PER_BID = os.environ.get("BID_AUTH_RATE_PER_BID", "30/m")
BID_AUTH_RATE_PER_ADDRESS = os.environ.get("BID_AUTH_RATE_PER_ADDRESS", "300/m")
BID_WALLET_LOGIN = os.environ.get("BID_WALLET_LOGIN", "second_factor")
