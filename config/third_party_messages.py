"""The labels of the libraries' admin pages that their own Russian catalogues leave out or keep in English
(django-axes' sign-in records). Listed here with gettext_noop so that `makemessages` keeps them in our catalogue,
which LOCALE_PATHS puts ahead of the libraries' own; nothing imports this module."""

from django.utils.translation import gettext_noop

AXES = [
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Access Attempt"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Locked Out"),
    gettext_noop("Not set"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Session key hash (sha256)"),
]
