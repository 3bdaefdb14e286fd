"""Orderdesk settings. Everything deployment-specific comes from environment variables (see README)."""

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy

from config.env import env_bool, env_int, env_list, env_str
from config.log_filters import not_a_twilio_status_callback

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# The fallback key is only good for a laptop; `check --deploy` flags it, and production sets SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-orderdesk-local-development-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Public base URL used in links that leave the site (emails, Twilio callbacks).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_fsm",
    "django_q",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "anymail",
    "core",
    "accounts",
    "orders",
    "assignment",
    "notifications",
    "feedback",
    "webhooks",
    "kpi",
    "dashboard",
    "inbox",
    "calls",
    "desk",
    "config",
]

MIDDLEWARE = [
    "config.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in person's language, else the desk's (LANGUAGE_CODE); never the browser's.
    "accounts.middleware.StaffLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "assignment.middleware.ActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "orders.context_processors.staff_roles",
                "notifications.context_processors.unread_notifications",
                "assignment.context_processors.presence",
                "accounts.context_processors.language_menu",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Persistent connections (with a health check before reuse) save a connect per request.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the q2 cluster share the file: wait for the lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
elif env_bool("DB_PREPARED_STATEMENTS", True):
    # Parameters bound by the server, and a statement prepared on its fifth use in a connection: PostgreSQL then
    # plans the desk's hot queries once per connection, not once per request (a quarter to a third less of its CPU
    # per order taken in). Turn off behind a pooler in transaction mode that cannot keep prepared statements.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is locked out for LOGIN_COOLOFF_MINUTES; attempts and lockouts are rows (admin → Axes), so a
# restart forgets nothing, and a right password during the lockout does not get in.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout page promises a time: knocking again during it does not move that time.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
AXES_VERBOSE = False

# Two-factor sign-in (django-otp, TOTP with backup codes): required for superusers and the groups named here,
# chosen by anyone else who enrols; TWO_FACTOR=0 turns it off (make demo does).
TWO_FACTOR = env_bool("TWO_FACTOR", True)
TWO_FACTOR_REQUIRED_FOR = env_list("TWO_FACTOR_REQUIRED_FOR", "Supervisor")
OTP_TOTP_ISSUER = "Orderdesk"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Seconds of inactivity after which a session ends (activity renews it; a manager then goes Offline).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 2 * 3600)

# The desk's language for anyone who has not chosen one (a user's own choice wins; see accounts); the shop's
# customer language is the shop's setting. Source strings are English; locale/ holds the Russian.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "ru")
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Desk formats per language (config/formats/<lang>/formats.py): the date pickers' input formats.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production sets STATIC_ROOT and runs collectstatic; without it WhiteNoise serves straight from static/.
STATIC_ROOT = env_str("STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console in development; SMTP when EMAIL_HOST is set.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Orderdesk <orders@orderdesk.local>")

# Customers' emails coming in (README, "Connecting inbound email"). Through a provider's inbound webhook
# (django-anymail, under /webhooks/email/): Mailgun signs with its webhook signing key; the others send HTTP basic
# auth "user:password" (ANYMAIL_WEBHOOK_SECRET, checked on every provider's URL). Without the variables the
# fallbacks are random per process, so nothing is accepted until they are set.
ANYMAIL = {
    "MAILGUN_WEBHOOK_SIGNING_KEY": env_str("MAILGUN_WEBHOOK_SIGNING_KEY") or secrets.token_urlsafe(32),
    "WEBHOOK_SECRET": env_str("ANYMAIL_WEBHOOK_SECRET") or f"anymail:{secrets.token_urlsafe(32)}",
}
# Or, for a shop without such a provider, a mailbox read every minute over IMAP (IMAP_HOST blank: not read).
IMAP_HOST = env_str("IMAP_HOST")
IMAP_PORT = env_int("IMAP_PORT", 993)
IMAP_USER = env_str("IMAP_USER")
IMAP_PASSWORD = env_str("IMAP_PASSWORD")
IMAP_SSL = env_bool("IMAP_SSL", True)
IMAP_FOLDER = env_str("IMAP_FOLDER", "INBOX")
# Outgoing emails about an order say Reply-To: reply+<signed order token>@this domain (blank: no Reply-To; replies
# are then matched by In-Reply-To alone). The domain's mail must reach the webhook or the IMAP mailbox.
INBOUND_EMAIL_DOMAIN = env_str("INBOUND_EMAIL_DOMAIN").lower()
# Larger attachments are not kept (the message says so).
INBOUND_ATTACHMENT_MAX_BYTES = env_int("INBOUND_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# The shop (its code) of a message to a number or address no shop claims, when there is more than one shop.
INBOUND_DEFAULT_SHOP = env_str("INBOUND_DEFAULT_SHOP")
# Where attachments are kept (Django's default storage). Never served as public media: a view checks access.
MEDIA_ROOT = env_str("MEDIA_ROOT") or str(BASE_DIR / "media")

# Twilio (SMS and WhatsApp). TWILIO_BASE_URL points the real client at another host (tests use a local fake).
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_SMS_FROM = env_str("TWILIO_SMS_FROM")
TWILIO_WHATSAPP_FROM = env_str("TWILIO_WHATSAPP_FROM")
TWILIO_BASE_URL = env_str("TWILIO_BASE_URL")
# Seconds the client waits for Twilio's answer; the outbox retries (looking the message up first), not the client.
TWILIO_TIMEOUT = float(env_str("TWILIO_TIMEOUT", "10"))

# Outbound webhooks to shops' sites (webhooks/): seconds a receiver has to answer (the whole exchange), bytes of
# its answer read at most, tries before a delivery fails (waiting WEBHOOKS_RETRY_SECONDS, doubled after each try),
# failures in a row that switch an endpoint off; WEBHOOKS_ALLOW_PRIVATE=1 lets the desk call private, loopback and
# link-local addresses (a receiver on the same network; tests on 127.0.0.1), refused by default (request forgery).
WEBHOOKS_TIMEOUT = float(env_str("WEBHOOKS_TIMEOUT", "5"))
WEBHOOKS_MAX_RESPONSE_BYTES = env_int("WEBHOOKS_MAX_RESPONSE_BYTES", 64 * 1024)
WEBHOOKS_MAX_ATTEMPTS = env_int("WEBHOOKS_MAX_ATTEMPTS", 8)
WEBHOOKS_RETRY_SECONDS = env_int("WEBHOOKS_RETRY_SECONDS", 60)
WEBHOOKS_DISABLE_AFTER = env_int("WEBHOOKS_DISABLE_AFTER", 5)
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)

Q_CLUSTER: dict[str, Any] = {
    "name": "orderdesk",
    "label": gettext_lazy("Background tasks"),  # its section in admin
    "orm": "default",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": 60,
    "retry": 90,
    "catch_up": False,
    "sync": env_bool("Q_SYNC", False),
}

# Orderdesk defaults; the admin-editable values live in the database and fall back to these.
ORDERDESK = {
    # Minutes after an order goes overdue before supervisors are alerted.
    "ESCALATION_GRACE_MINUTES": env_int("ORDERDESK_ESCALATION_GRACE_MINUTES", 15),
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
USE_X_FORWARDED_HOST = env_bool("BEHIND_PROXY", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0

# Headers: only the desk's own scripts and styles run (no inline script anywhere: a test scans the templates);
# style attributes stay allowed for colours and widths that come from data (a status's colour, a load bar).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "not_a_twilio_status_callback": {
            "()": "django.utils.log.CallbackFilter",
            "callback": not_a_twilio_status_callback,
        }
    },
    "formatters": {
        # Django's own format for runserver's request lines.
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # runserver prints its own request lines; the request log is for gunicorn (REQUEST_LOG=1 in make serve).
        "orderdesk.requests": {"level": "INFO" if env_bool("REQUEST_LOG", False) else "WARNING"},
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["not_a_twilio_status_callback"],
            "level": "INFO",
            "propagate": False,
        },
        # The twilio client dumps every request (a dozen lines a message) at INFO; the outbox logs one line.
        "twilio.http_client": {"level": "WARNING"},
        # q2 logs three lines per task at INFO (enqueued, processing, processed); Q_LOG_LEVEL=WARNING keeps
        # only its failures (make demo does).
        "django-q": {"level": env_str("Q_LOG_LEVEL", "INFO")},
    },
}
