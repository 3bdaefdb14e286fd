from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    """The manager's inbox: "My conversations", a conversation's page (reply, make an order, close), the
    supervisor's view of their shops' open conversations. Pages only; no app imports it."""

    name = "inbox"
    verbose_name = _("Conversations")
