from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The desk's pipeline: what follows, in order, when an order arrives or moves, and the other reactions
    between apps (desk/flows.py). Above every app: it may import them all, none imports it."""

    name = "desk"
    verbose_name = _("Desk")

    def ready(self) -> None:
        from desk import receivers

        receivers.connect()
