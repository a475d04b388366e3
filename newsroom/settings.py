"""
Newsroom settings, read from the environment.

Every deployment setting comes from an environment variable with a safe local
default, so the same code runs the laptop demo (SQLite, local-memory cache) and
a multi-server deployment (PostgreSQL, Redis, S3-compatible storage). The
variables are listed in docs/operations.md.
"""

import os
import warnings
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django_prose_editor.config import html_tags
from js_asset import static_lazy

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in "
            "production, or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else ""
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin on the site of newsroom/signin.py: two-factor sign-in.
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Articles' search vector is its field (a check error without it on Django 6).
    "django.contrib.postgres",
    "django.forms",
    "csp",
    # Sign-in: lockout after repeated failures, one-time codes (TOTP).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # manage.py backup and restore (newsroom/backups.py).
    "dbbackup",
    # django-taggit, shown in the admin as "Tags" (articles/apps.py).
    "articles.apps.TagsConfig",
    "reversion",
    "django_prose_editor",
    "ninja",
    # Background tasks: Django's Tasks API (built in from Django 6; the
    # django-tasks backport on 5.2) with a database-backed queue.
    *([] if find_spec("django.tasks") else ["django_tasks"]),
    "django_tasks_db",
    # Project-wide commands only (run_worker): no models.
    "newsroom",
    "articles",
    "sections",
    "related",
    "images",
    # The library of files that are not pictures: audio, video, documents.
    "attachments",
    # The editors' desk: front-page curation and the dashboard.
    "frontpage",
    "dashboard",
    # The reader's side, above the apps it shows (they never import it).
    "reading",
    "demo",
    # Moving a WordPress site in (manage.py import_wordpress); nothing imports it.
    "wordpress",
    "api",
]

MIDDLEWARE = [
    # Permissions-Policy on every answer, cached pages and probes included.
    "newsroom.middleware.PermissionsPolicyMiddleware",
    # /healthz and /readyz, before the HTTPS redirect, host check and page
    # cache (newsroom/health.py).
    "newsroom.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Old addresses (WordPress's ?p=123, /2013/01/10/slug/) that no URL
    # pattern matches: 301 to the article (reading/redirects.py).
    "reading.redirects.FormerURLMiddleware",
    # Serves cached pages before the middleware below runs (pagecache.py).
    "reading.pagecache.PageCacheMiddleware",
    # Tags pages for shared HTTP caches' purges; stored with them (purge.py).
    "reading.purge.CacheTagsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    # Turns a sign-in refused for too many failures into its page (last).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "reading.context_processors.navigation",
                "newsroom.context_processors.site",
            ],
        },
    },
]

# Widget templates are looked up like page templates, so templates/ can hold them.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A connection reused from an earlier request is checked (SELECT 1) first.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # psycopg prepares a query sent with server-side binding after this many
    # runs on a connection: the article page's query (reading/page_query.py).
    # Off for connection poolers that cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database server fails a request within seconds instead
    # of holding a worker for minutes (cached pages are served meanwhile).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3"))
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The site and its task worker (`make run`) write to one file: a write
    # transaction takes the lock when it begins and waits for another's
    # (up to 20 s), instead of failing with "database is locked" when two
    # upgrade their read locks at once; with the WAL journal, pages are read
    # while a write goes on. Options given in DATABASE_URL win.
    _sqlite = DATABASES["default"].setdefault("OPTIONS", {})
    _sqlite.setdefault("transaction_mode", "IMMEDIATE")
    _sqlite.setdefault("timeout", 20)
    _sqlite.setdefault("init_command", "PRAGMA journal_mode=WAL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the content version that keeps cached pages exact, so every
# process serving the site must see the same one: Redis. A local-memory cache
# is exact only while one process serves the site (newsroom/single_process.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
NEWSROOM_SINGLE_PROCESS = env_bool("NEWSROOM_SINGLE_PROCESS")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            # A Redis host that stops answering must cost a request a
            # moment, not the operating system's TCP timeout: the page is
            # then rendered without the cache (docs/operations.md).
            "OPTIONS": {
                "socket_connect_timeout": float(
                    os.environ.get("REDIS_CONNECT_TIMEOUT", "0.5")
                ),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "2")),
            },
        }
    }
elif not DEBUG and not NEWSROOM_SINGLE_PROCESS:
    raise ImproperlyConfigured(
        "REDIS_URL is not set. With debug off, Newsroom needs Redis "
        "(REDIS_URL=redis://host:6379/0) to keep the pages of every process "
        "exact: without it each process caches pages on its own, and one would "
        "keep serving an unpublished article for minutes. Set "
        "NEWSROOM_SINGLE_PROCESS=true instead only if one process serves the "
        "site (e.g. gunicorn --workers 1)."
    )
elif NEWSROOM_SINGLE_PROCESS:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom",
        }
    }
else:
    # Development (`make run`): the server and the task worker are two
    # processes on one machine; a cache in files is one they both see.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get(
                "NEWSROOM_CACHE_DIR", str(BASE_DIR / ".cache" / "django")
            ),
        }
    }

# Derived work (related lists, renditions, bulk actions, view-count flushes)
# runs as tasks in `manage.py run_worker` processes, which any number of
# machines may run: the queue is a table in the site's database.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
if NEWSROOM_SINGLE_PROCESS and not REDIS_URL:
    # One process, one cache: tasks run in it, when the editor's change
    # commits, so that the content version they move is the one pages use.
    _tasks = "django.tasks" if find_spec("django.tasks") else "django_tasks"
    TASKS = {"default": {"BACKEND": f"{_tasks}.backends.immediate.ImmediateBackend"}}

# Sign-in (newsroom/signin.py, docs/operations.md "Signing in"). django-axes
# counts failed sign-ins per account and per address; either reaching the
# limit refuses sign-in (429) until the lockout ends or an administrator
# unlocks it. A wrong one-time code counts as a failure.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("NEWSROOM_SIGNIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("NEWSROOM_SIGNIN_LOCKOUT_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "newsroom.clients.client_address"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Lockouts are logged (warnings, with the account and address); not each
# attempt, nor the version banner at start.
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = []
# Editors and Administrators (and superusers) must sign in with a one-time
# code from an authenticator app; others may choose to.
NEWSROOM_REQUIRE_2FA = env_bool("NEWSROOM_REQUIRE_2FA")
OTP_TOTP_ISSUER = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
]

LANGUAGE_CODE = os.environ.get("DJANGO_LANGUAGE_CODE", "en-gb")
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = os.environ.get("DJANGO_STATIC_URL", "/static/")
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
if DEBUG:
    # Development serves static files from the apps; collectstatic is not needed.
    WHITENOISE_USE_FINDERS = True
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "newsroom.staticfiles.StaticFilesStorage"
        )
    },
}


def s3_media_storage(environ):
    """Return (STORAGES["default"], media origin) for S3-compatible storage.

    Only called when AWS_STORAGE_BUCKET_NAME is set; Django imports
    django-storages (and boto3) through the dotted path, so a site on local
    files never loads them. Credentials come the usual boto3 way (AWS_ACCESS_KEY_ID
    and AWS_SECRET_ACCESS_KEY, or the machine's role).
    """
    bucket = environ["AWS_STORAGE_BUCKET_NAME"]
    region = environ.get("AWS_S3_REGION_NAME") or None
    endpoint = environ.get("AWS_S3_ENDPOINT_URL") or None
    domain = environ.get("AWS_S3_CUSTOM_DOMAIN") or None
    options = {
        "bucket_name": bucket,
        "region_name": region,
        "endpoint_url": endpoint,
        "custom_domain": domain,
        "location": environ.get("AWS_LOCATION", ""),
        # Media is public and its names never change: plain, cacheable URLs.
        "querystring_auth": False,
        "default_acl": environ.get("AWS_DEFAULT_ACL") or None,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    if domain:
        origin = f"https://{domain}"
    elif endpoint:
        origin = endpoint.rstrip("/")
    else:
        origin = f"https://{bucket}.s3.{region or 'us-east-1'}.amazonaws.com"
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, origin


MEDIA_ORIGINS = []
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"], _media_origin = s3_media_storage(os.environ)
    MEDIA_ORIGINS.append(_media_origin)
elif MEDIA_URL.startswith(("https://", "http://")):
    # Local files published through another host (a CDN in front of MEDIA_ROOT).
    MEDIA_ORIGINS.append("/".join(MEDIA_URL.split("/")[:3]))

# Security. Production runs behind TLS; local development does not.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_TLS_PROXY") else None
)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Cookies are sent over HTTPS only. Behind a proxy that terminates TLS keep
# them secure and set DJANGO_BEHIND_TLS_PROXY; false only for a site served
# over plain HTTP end to end (then sign-in would fail without it).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool(
    "DJANGO_SECURE_COOKIES", not DEBUG
)
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Browser features no page of the site uses, refused for it and its frames.
PERMISSIONS_POLICY = os.environ.get(
    "NEWSROOM_PERMISSIONS_POLICY",
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "usb=(), browsing-topics=()",
)

# No inline scripts anywhere. The admin's rich-text editor loads an import map,
# which is allowed through a per-request nonce (see articles.admin).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Refusals (403, suspicious 400s) are logged as one line, without a
    # traceback.
    "filters": {"one_line_refusals": {"()": "newsroom.logs.RefusalOnOneLine"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["one_line_refusals"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
    "loggers": {
        "django.security.DisallowedHost": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

# The body editor's own extension: "link to a library file" (its button adds
# links, which the Link extension already allows).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("admin-extra/file-link.js")],
        "extensions": {"FileLink": html_tags(tags=["a"], attributes={"a": ["href"]})},
    }
]

TAGGIT_CASE_INSENSITIVE = True
TAGGIT_TAGS_FROM_STRING = "articles.tagging.parse_tags"
TAGGIT_STRING_FROM_TAGS = "articles.tagging.edit_string"

# Newsroom's own settings.
NEWSROOM_SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")
NEWSROOM_PAGE_SIZE = 20
# Reads count towards "Popular posts" over this many days.
NEWSROOM_POPULAR_DAYS = 7
# A reader's repeat reads of one article within this many seconds count once.
NEWSROOM_VIEW_DEDUPE_SECONDS = 30 * 60
# Beacons one address may send per minute, whatever browsers it claims to
# be, before they are refused (429).
NEWSROOM_VIEW_RATE_LIMIT = int(os.environ.get("NEWSROOM_VIEW_RATE_LIMIT", "60"))
# Reads of one article counted per address and day, whatever browsers it
# claims to be (readers behind one office or home address share it).
NEWSROOM_VIEW_ADDRESS_CAP = int(os.environ.get("NEWSROOM_VIEW_ADDRESS_CAP", "20"))
# How often buffered reads reach the database (flush_view_counts, or the demo).
NEWSROOM_VIEW_FLUSH_SECONDS = int(os.environ.get("NEWSROOM_VIEW_FLUSH_SECONDS", "60"))
# Behind a load balancer, the request header holding the reader's address,
# e.g. HTTP_X_FORWARDED_FOR. Used only, hashed, to count repeat reads once.
NEWSROOM_CLIENT_IP_HEADER = os.environ.get("NEWSROOM_CLIENT_IP_HEADER", "")
# How many proxies of yours append to that header: the client's address is
# that many entries from its end (what comes before, a client can forge).
NEWSROOM_CLIENT_IP_PROXIES = int(os.environ.get("NEWSROOM_CLIENT_IP_PROXIES", "1"))
# Feeds carry the whole article body instead of the standfirst.
NEWSROOM_FEED_FULL_TEXT = env_bool("NEWSROOM_FEED_FULL_TEXT")

# Image library (images/): upload limits. The pixel limit guards against
# decompression bombs: small files that unpack into huge pictures.
NEWSROOM_IMAGE_MAX_UPLOAD_MB = int(os.environ.get("NEWSROOM_IMAGE_MAX_UPLOAD_MB", "20"))
NEWSROOM_IMAGE_MAX_MEGAPIXELS = int(
    os.environ.get("NEWSROOM_IMAGE_MAX_MEGAPIXELS", "50")
)
# File library (attachments/): the largest audio, video or document file.
NEWSROOM_FILE_MAX_UPLOAD_MB = int(os.environ.get("NEWSROOM_FILE_MAX_UPLOAD_MB", "100"))
# Django serves MEDIA_ROOT itself: for development and small single-server
# sites; larger ones let the web server, or S3 and a CDN, serve media.
NEWSROOM_SERVE_MEDIA = env_bool(
    "NEWSROOM_SERVE_MEDIA", DEBUG and not os.environ.get("AWS_STORAGE_BUCKET_NAME")
)

# Server-side page cache for anonymous readers (reading/pagecache.py).
NEWSROOM_PAGE_CACHE = env_bool("NEWSROOM_PAGE_CACHE", True)
# Data shown on every page (section menu, Popular posts) is kept per process
# under the content version, so uncached pages skip those queries too.
NEWSROOM_FRAGMENT_CACHE = env_bool("NEWSROOM_FRAGMENT_CACHE", True)
NEWSROOM_PAGE_CACHE_SECONDS = int(os.environ.get("NEWSROOM_PAGE_CACHE_SECONDS", "300"))
# While one request renders a page that changed, others get its previous copy
# for at most this long after the change (never after a retraction), or wait
# for the new one as long, at most.
NEWSROOM_PAGE_STALE_SECONDS = int(os.environ.get("NEWSROOM_PAGE_STALE_SECONDS", "2"))
# A page's last copy is kept this long, to be served when the database is
# unreachable.
NEWSROOM_PAGE_STALE_IF_ERROR_SECONDS = int(
    os.environ.get("NEWSROOM_PAGE_STALE_IF_ERROR_SECONDS", "3600")
)
# Cache-Control for browsers and for a CDN in front of the site.
NEWSROOM_BROWSER_MAX_AGE = int(os.environ.get("NEWSROOM_BROWSER_MAX_AGE", "0"))
NEWSROOM_CDN_MAX_AGE = int(os.environ.get("NEWSROOM_CDN_MAX_AGE", "30"))
NEWSROOM_CDN_STALE_SECONDS = int(os.environ.get("NEWSROOM_CDN_STALE_SECONDS", "30"))
# Shared HTTP caches in front (Varnish, deploy/varnish/default.vcl): base
# URLs that get a BAN of every page when the content version moves
# (reading/purge.py), and how long each may take to answer, in seconds.
NEWSROOM_HTTP_CACHES = env_list("NEWSROOM_HTTP_CACHES")
if any(not url.startswith(("http://", "https://")) for url in NEWSROOM_HTTP_CACHES):
    raise ImproperlyConfigured(
        "NEWSROOM_HTTP_CACHES must list http:// or https:// addresses, "
        f"e.g. http://127.0.0.1:6081, not {os.environ['NEWSROOM_HTTP_CACHES']!r}."
    )
NEWSROOM_HTTP_CACHE_TIMEOUT = float(
    os.environ.get("NEWSROOM_HTTP_CACHE_TIMEOUT", "0.5")
)

# /readyz fails when the oldest due task has waited longer than this, or a
# periodic task is this much later than its interval (no worker running).
NEWSROOM_READY_MAX_TASK_WAIT = int(
    os.environ.get("NEWSROOM_READY_MAX_TASK_WAIT", "120")
)

# Backups (manage.py backup / restore, newsroom/backups.py): the folder new
# backups go into by default.
NEWSROOM_BACKUP_DIR = Path(os.environ.get("NEWSROOM_BACKUP_DIR", BASE_DIR / "backups"))
DBBACKUP_CONNECTOR_MAPPING = {
    "django.db.backends.sqlite3": "newsroom.backups.SqliteConnector",
}
# Failures are raised and logged; dbbackup would also mail ADMINS.
DBBACKUP_SEND_EMAIL = False

TEST_RUNNER = "newsroom.test_runner.NewsroomTestRunner"
