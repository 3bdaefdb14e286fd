from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Who gets in: two-factor sign-in for the roles that need it (login throttling: django-axes, in settings)."""

    name = "accounts"
    verbose_name = _("Sign-in")
