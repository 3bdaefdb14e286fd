from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The bottom layer every app may import: roles, the root error, pagination, HTTP helpers. It imports no
    app of the desk."""

    name = "core"
    verbose_name = "Core"
