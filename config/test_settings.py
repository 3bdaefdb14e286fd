"""Settings for the test suite: the same app, with q2 tasks run inline and fast password hashing."""

import tempfile

from config.settings import *  # noqa: F403
from config.settings import Q_CLUSTER

Q_CLUSTER = {**Q_CLUSTER, "sync": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Tests travel in time after logging in; sessions must outlive the trip (idle expiry is tested with explicit
# times).
SESSION_COOKIE_AGE = 365 * 24 * 3600
# Two-factor sign-in is off for the suite; its own tests (tests/accounts/) turn it on.
TWO_FACTOR = False
# The suite reads English unless a test asks for Russian (a Russian user, or translation.override("ru")).
LANGUAGE_CODE = "en"
# Inbound email: known webhook keys and a reply domain for the tests; attachments in a temporary folder.
ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": "test-mailgun-signing-key", "WEBHOOK_SECRET": "anymail:test-secret"}
INBOUND_EMAIL_DOMAIN = "reply.orderdesk.test"
MEDIA_ROOT = tempfile.mkdtemp(prefix="orderdesk-media-")
