from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Who gets in: two-factor sign-in for the roles that need it (login throttling: django-axes, in settings)."""

    name = "accounts"
    verbose_name = "Sign-in"
