"""Settings for the CoSN Global Leadership site, read from the environment.

Every value has a default that lets `make run` work on a fresh machine; production
sets its own through environment variables (see docs/configuration.md).
"""

import datetime
import re
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long "
            "random string (or set DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # nosec B105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    # Django's admin, with the site's own index (cosn_global/admin.py).
    "cosn_global.apps.SiteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_prose_editor",
    "reversion",
    "axes",
    # Two-factor sign-in to the admin (cosn_global/two_factor.py): codes from an
    # authenticator app, and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    # Bottom: shared building blocks, and the page cache.
    "core",
    "pagecache",
    "mail",
    # Middle: the two content apps, side by side.
    "delegations",
    "symposium",
    # Top: what spans both (site-wide management commands).
    "cosn_global",
]

MIDDLEWARE = [
    "cosn_global.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "cosn_global.middleware.AdminContentSecurityPolicyMiddleware",
    "cosn_global.middleware.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached public pages for anonymous visitors, before the session and auth machinery.
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Pages with a form (a CSRF token) become `private`, whatever the view said.
    "cosn_global.middleware.PrivateFormPagesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a two-factor code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Turns a 404 at an old address into a 301 to the page's new one.
    "cosn_global.redirects.RedirectMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cosn_global.urls"

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
                # The admin's CSP nonce; public templates never use it (see ADMIN_CSP).
                "django.template.context_processors.csp",
                # Editors' changes to the pages' fixed wording (cosn_global/wording.py).
                "cosn_global.wording.changes",
            ],
        },
    },
]

WSGI_APPLICATION = "cosn_global.wsgi.application"

DATABASES = {
    "default": {
        **env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Keep connections open between requests, and check them before reuse.
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
    },
}

# Public pages are cached whole, keyed on the content version (the pagecache app).
# Redis in production so every worker and server shares one cache; local memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stops answering must not hold pages up: give up quickly and
            # serve from the database (pagecache/lookup.py).
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_TIMEOUT", default=0.5),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=0.5),
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
}
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
# Saving, deleting or re-linking any model of these apps retires every cached page...
PAGE_CACHE_APPS = ["core", "delegations", "symposium"]
# ...except these, which no public page shows (a visitor's inquiry is not an edit). An
# application changes the pages only when it takes or frees a place, and
# delegations/applications.py bumps the version then.
PAGE_CACHE_IGNORED_MODELS = [
    "delegations.Inquiry",
    "delegations.Application",
    "delegations.ApplicationEmail",
    # A draft or a share link changes no public page until the draft is published.
    "core.Draft",
    "core.ShareLink",
]
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=24 * 60 * 60)
# With Redis, each process also keeps pages in its own memory, up to this (pagecache/local.py).
PAGE_CACHE_LOCAL_MAX_BYTES = env.int("PAGE_CACHE_LOCAL_MB", default=32) * 1024 * 1024
# Names the deployed code in cache keys and ETags; by default a hash of code and templates.
RELEASE = env.str("RELEASE", default="")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The admin's address, e.g. "backoffice/": relative, ending in a slash.
ADMIN_URL = env.str("ADMIN_URL", default="admin/")
if not re.fullmatch(r"(?:[\w~-][\w.~-]*/)+", ADMIN_URL):
    raise ImproperlyConfigured(
        f"ADMIN_URL must be a path such as 'backoffice/': letters, digits, '-', '_', '.' "
        f"or '~', no slash at the start and one at the end (it is {ADMIN_URL!r})."
    )

# Admin logins (django-axes): after AXES_FAILURE_LIMIT failed logins for one username
# (from anywhere), or from one address (whatever the username), that username or address
# is locked out for AXES_COOLOFF_MINUTES, and each try meanwhile starts the wait again;
# 0 minutes means until an administrator lifts it (admin: Axes > Access attempts). The
# address is REMOTE_ADDR: the visitor's own, or behind a trusted proxy the one it reports
# (cosn_global/proxy.py); an X-Forwarded-For from anyone else is never believed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
_cooloff_minutes = env.int("AXES_COOLOFF_MINUTES", default=60)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_cooloff_minutes) if _cooloff_minutes else None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
# A wrong two-factor code counts as a failed login too (cosn_global/two_factor.py); the
# codes tried are not written into the failure log, nor are passwords.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# The name authenticator apps show beside the account's codes.
OTP_TOTP_ISSUER = "CoSN Global Leadership"
# No start-up banner: logs go to stdout, which commands (and their callers) read too.
# Lockouts are still logged, as warnings.
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files without a hash in their name (e.g. favicon) are cached for an hour; hashed names
# never change, and whitenoise tells browsers to keep those for ten years.
WHITENOISE_MAX_AGE = 60 * 60

# Uploaded files (report PDFs, photos, audio): the local filesystem by default, an
# S3-compatible object store when AWS_STORAGE_BUCKET_NAME is set, so that several app
# servers share one set of files.
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Behind nginx, let it send files from MEDIA_ROOT: set this to an `internal` location.
MEDIA_X_ACCEL_REDIRECT = env.str("MEDIA_X_ACCEL_REDIRECT", default="")
# What editors may upload (core/validators.py checks every upload's content).
UPLOAD_MAX_PDF_MB = env.int("UPLOAD_MAX_PDF_MB", default=50)
UPLOAD_MAX_IMAGE_MB = env.int("UPLOAD_MAX_IMAGE_MB", default=15)
UPLOAD_MAX_IMAGE_PIXELS = env.int("UPLOAD_MAX_IMAGE_PIXELS", default=40_000_000)
UPLOAD_MAX_AUDIO_MB = env.int("UPLOAD_MAX_AUDIO_MB", default=200)
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default=None),
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=86400"},
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Full-precision JSON for `backup_site` (see cosn_global/serializers.py).
SERIALIZATION_MODULES = {"precise-json": "cosn_global.serializers"}

# HTTPS: secure by default whenever DEBUG is off; each can be turned off by the variable
# of the same name, e.g. to try the production settings over plain http on loopback.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Behind a proxy that terminates TLS, e.g. "HTTP_X_FORWARDED_PROTO,https".
SECURE_PROXY_SSL_HEADER = (
    tuple(env.list("SECURE_PROXY_SSL_HEADER")) if env.str("SECURE_PROXY_SSL_HEADER", "") else None
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Addresses of the reverse proxies in front of the app (e.g. 127.0.0.1 for nginx on the
# same host): their X-Forwarded-For tells the visitor's address (cosn_global/proxy.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Security headers. The Content Security Policy is enforced in every environment (DEBUG
# too, so that a violation shows up while developing). Public pages are cached whole, so
# they cannot carry per-response nonces: they keep no inline script or style at all.
_media_options = MEDIA_STORAGE.get("OPTIONS", {})
if _media_options.get("custom_domain"):
    _media_url = f"https://{_media_options['custom_domain']}/"
elif _media_options.get("endpoint_url"):
    _media_url = _media_options["endpoint_url"]
elif AWS_STORAGE_BUCKET_NAME:
    _media_url = f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com/"
else:
    _media_url = MEDIA_URL
# Uploads served from another origin (object store, CDN) must be allowed explicitly.
_media = urlsplit(_media_url)
_media_origin = [f"{_media.scheme}://{_media.netloc}"] if _media.netloc else []
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, *_media_origin],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    # A podcast episode's audio may be any https URL (Dispatch.audio_url), e.g. its host's.
    "media-src": [CSP.SELF, "https:", *_media_origin],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # Only where the site is HTTPS-only: `make serve` answers over plain http on loopback.
    "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
}
# Admin pages are never cached, so they may use nonces, which Django's admin templates and
# django-prose-editor's inline import map carry (cosn_global/middleware.py applies this).
# The editor (tiptap) also injects its base CSS as a <style> without a nonce: that one
# fixed text is allowed by its hash (tests/test_security_headers.py recomputes it).
TIPTAP_CSS_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
ADMIN_CSP = SECURE_CSP | {
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE, TIPTAP_CSS_HASH],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Powerful browser features the site never uses, switched off for it and anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# Errors go to stdout, one JSON line each, for the platform's log collector.
ADMINS = env.list("ADMINS", default=[])
SERVER_EMAIL = env.str("SERVER_EMAIL", default="root@localhost")
_smtp_host = env.str("EMAIL_HOST", default="")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": env.int("EMAIL_PORT", default=587),
                "username": env.str("EMAIL_HOST_USER", default=""),
                "password": env.str("EMAIL_HOST_PASSWORD", default=""),
                "use_tls": env.bool("EMAIL_USE_TLS", default=True),
                "timeout": 10,
            },
        }
        if _smtp_host
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    ),
}
# The sender of the emails that pass visitors' inquiries on to a trip's contacts.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=SERVER_EMAIL)

# Every email goes through the outbox (mail/outbox.py) and is sent by the worker
# (`manage.py worker`), a task runner on the database; EMAIL_MAX_ATTEMPTS tries, with a
# growing delay between them, before an email is left "failed" for staff.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=6)
# Sign-ups to announcements not confirmed within this many days are forgotten.
SUBSCRIBER_CONFIRM_DAYS = env.int("SUBSCRIBER_CONFIRM_DAYS", default=7)
# Links to withdraw an application work for this many days after the email that carries it.
APPLICATION_LINK_DAYS = env.int("APPLICATION_LINK_DAYS", default=90)
# Inquiries and applications are deleted this many days after their trip ended
# (`manage.py remove_expired_personal_data`, daily).
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=365)

# The forms visitors send (core/ratelimit.py: inquiries, applications, sign-ups): at most
# this many of each per client (by REMOTE_ADDR) in each window of seconds; 0 turns the
# limit off (load tests).
INQUIRY_RATE_LIMIT = env.int("INQUIRY_RATE_LIMIT", default=5)
INQUIRY_RATE_WINDOW = env.int("INQUIRY_RATE_WINDOW", default=10 * 60)

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "cosn_global.logging.JSONFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {
            "handlers": ["stdout", *(["mail_admins"] if ADMINS else [])],
            "level": "WARNING",
            "propagate": False,
        },
    },
}
