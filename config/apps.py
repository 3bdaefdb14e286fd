from django.apps import AppConfig


class OrderdeskConfig(AppConfig):
    """The project layer: holds the commands that set up the whole desk (demo data, q2 schedules)."""

    name = "config"
    label = "orderdesk"
    verbose_name = "Orderdesk"
