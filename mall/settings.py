"""Settings for the mall server.

Everything that differs between a laptop and a real mall comes from the environment
(DESIGN.md, "Configuration"); the embedded defaults need no service: a SQLite file in the
project and the in-memory channel layer.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_number(name: str, default: str, kind: type = float) -> float:
    """A number from the environment; a clear error naming the variable if it is not one."""
    value = os.environ.get(name, default)
    try:
        number = kind(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None
    if number < 0:
        raise ImproperlyConfigured(f"{name} must not be negative, not {value!r}.")
    return number


def _env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


SECRET_KEY = os.environ.get(
    "SECRET_KEY", "django-insecure-development-key-set-SECRET_KEY-in-production-0123456789"
)
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "axes",
    "csp",
    "mall",
    "customers",
    "stock",
    "matching",
    "kiosks",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mall.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "mall.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: it turns a lockout into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mall.urls"

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
                "mall.context_processors.locale",
            ],
        },
    },
]

WSGI_APPLICATION = "mall.wsgi.application"
ASGI_APPLICATION = "mall.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Kept across requests: a worker runs all its sync work in one thread
        # (mall/handlers.py), so the connection is reused, not piled up per request.
        conn_max_age=_env_number("CONN_MAX_AGE", "600", int),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Sales and sightings write from several threads (ASGI); wait for the lock instead of
    # failing at once, and use WAL so readers never block the writer.
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent writers queue on
    # the timeout instead of failing when a read upgrades to a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A serving process checkpoints the log from a thread (mall/sqlite.py); a commit still
    # does at 10,000 pages (SQLite's default: 1,000), if that falls behind. 0: no thread,
    # and SQLite's default.
    SQLITE_CHECKPOINT_EVERY = _env_number("SQLITE_CHECKPOINT_EVERY", "0.5")
    if SQLITE_CHECKPOINT_EVERY > 0:
        DATABASES["default"]["OPTIONS"]["init_command"] += " PRAGMA wal_autocheckpoint=10000;"
    # Tests use a file, not shared-cache memory, so that they see real locking; one per
    # process, so parallel runs never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"mall-test-{os.getpid()}.sqlite3")
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels-redis's layer with fewer round trips per push (mall/layers.py).
            "BACKEND": "mall.layers.BatchedRedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # A push is sent inside an HTTP write: an unreachable Redis must fail
                        # it fast (it is logged and dropped), not hang the request.
                        "socket_connect_timeout": 2,
                        # Above channels-redis's 5 s blocking pop, or idle receivers drop
                        # (channels_redis issue 422; redis-py 8 defaults to 5 s).
                        "socket_timeout": 10,
                        # Ping a pooled connection idle this long before use: one left over
                        # from before a Redis restart is replaced instead of failing a push.
                        "health_check_interval": 30,
                        "socket_keepalive": True,
                    }
                ],
                # channels-redis queues the messages of every socket of a worker process in
                # one Redis list, and group_send drops silently when it is full: a worker
                # with hundreds of shop screens needs far more than the default 100.
                "capacity": 20000,
                "expiry": 60,
            },
        }
    }
else:
    # channels' in-memory layer, sweeping expired messages once a second instead of on
    # every send and receive (mall/layers.py).
    CHANNEL_LAYERS = {"default": {"BACKEND": "mall.layers.SweptInMemoryChannelLayer"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
#: Languages the pages may be shown in (from the browser's Accept-Language, through
#: LocaleMiddleware); translations live in ``locale/``.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
#: One date and number format per language (``mall/formats/<lang>/formats.py``).
FORMAT_MODULE_PATH = ["mall.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
#: ISO 4217 code of the mall's prices; pages show it as a symbol ("€12.50").
CURRENCY = os.environ.get("CURRENCY", "EUR").strip().upper() or "EUR"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Only set when collectstatic has a place to write (production); the finders serve otherwise.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
# Serve straight from the finders: the two set-up commands need no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

#: Private files (face photos). Never served by a public URL: only an authorised view reads
#: them (DESIGN.md, "Live pushes").
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Nothing is routed under it: face photos use PrivateStorage, which has no URL at all.
MEDIA_URL = "/media/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/shop/login/"
LOGIN_REDIRECT_URL = "/shop/"

#: Seconds a shopper may be out of range of every kiosk before their data is erased.
DEPARTURE_GRACE = _env_number("DEPARTURE_GRACE", "600", int)
#: Metres added to a distance for each floor changed.
FLOOR_CHANGE_METRES = _env_number("FLOOR_CHANGE_METRES", "30")
#: DRF rate for anonymous registration; "none" turns the throttle off.
REGISTRATION_THROTTLE = os.environ.get("REGISTRATION_THROTTLE", "20/minute")
#: Shops per want that get the shopper's card: the first of that want's list (DESIGN.md,
#: flow 3), plus the shop of the kiosk that saw them if it has a match.
CARD_SHOPS = _env_number("CARD_SHOPS", "3", int)
#: DRF rate for the anonymous search (``GET /api/search/``); "none" turns the throttle off.
SEARCH_THROTTLE = os.environ.get("SEARCH_THROTTLE", "120/minute")
#: How many proxies in front add ``X-Forwarded-For``; 0: the socket's address is the client.
TRUSTED_PROXIES = _env_number("TRUSTED_PROXIES", "0", int)
#: Per shop: look-ups by code that find no shopper the shop may see, and shares by code.
CODE_LOOKUP_THROTTLE = os.environ.get("CODE_LOOKUP_THROTTLE", "30/minute")
#: Seconds between the checks that a live socket may still see what it receives.
SOCKET_RECHECK_SECONDS = _env_number("SOCKET_RECHECK_SECONDS", "5")
#: Days the access log keeps its rows about a shopper after their data is erased.
ACCESS_LOG_DAYS = _env_number("ACCESS_LOG_DAYS", "90", int)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mall.authentication.KioskKeyAuthentication",
        "mall.authentication.ShopperTokenAuthentication",
        # A phone paired by the kiosk's QR code (customers.pairing): its session stands
        # for the shopper's token. Before SessionAuthentication, so that a phone that is
        # also logged in as a clerk is still the shopper on /api/me/.
        "customers.pairing.PairedPhoneAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        # DRF's, refusing what json.loads takes but the server cannot (mall/parsers.py).
        # JSON only, as the schema says; registration also takes a multipart form (photo).
        "mall.parsers.JSONParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "mall.api_errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "mall.schema.MallAutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "registration": None if REGISTRATION_THROTTLE.lower() == "none" else REGISTRATION_THROTTLE,
        "search": None if SEARCH_THROTTLE.lower() == "none" else SEARCH_THROTTLE,
        "code_lookup": None if CODE_LOOKUP_THROTTLE.lower() == "none" else CODE_LOOKUP_THROTTLE,
        # A phone pairing from the kiosk's QR code; a shopper's messages to shops.
        "pairing": "30/minute",
        "shopper_requests": "10/minute",
    },
    # DRF's own notion of the client (mall.throttles.client_address gives the same).
    "NUM_PROXIES": TRUSTED_PROXIES,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Mall customer solicitation API",
    "DESCRIPTION": "Shoppers, stock, sightings and sales. See DESIGN.md, 'HTTP API'.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema's own warnings do not depend on the deployment: ``check --deploy`` judges
    # the environment only (tests/scale/test_deploy_check.py).
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

if REDIS_URL:
    # Rate limits are counted by every worker together.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mall-cache",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Login lockout (django-axes): five wrong passwords for one username from one address lock
# that pair out for 15 minutes, on the clerks' page and the admin's. Attempts are rows in
# the database, so every worker sees them.
AUTHENTICATION_BACKENDS = [
    "mall.auth_backends.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _env_number("LOGIN_FAILURE_LIMIT", "5", int)
AXES_COOLOFF_TIME = _env_number("LOGIN_LOCKOUT_MINUTES", "15") / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "mall.throttles.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Content Security Policy (django-csp): scripts, styles and fonts only from this site;
# photos also from ``data:``/``blob:`` (the entrance webcam); sockets to this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:", "mediastream:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if not DEBUG and _env_bool("SECURE", False):
    # A real mall behind a TLS proxy (README, "Running a real mall").
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = _env_number("SECURE_HSTS_SECONDS", "31536000", int)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Each kiosk call is logged by the agent itself; httpx would say it twice.
        "httpx": {"level": "WARNING"},
        # A line per login would drown the log; lockouts still show as warnings.
        "axes": {"level": "WARNING"},
    },
}
