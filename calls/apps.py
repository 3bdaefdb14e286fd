from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    """The phone through Twilio Voice: incoming calls rung through the team, click-to-call and auto-dial, the
    caller's card pushed to the manager's page, missed calls, recordings. Imports core, orders, assignment and
    notifications (the Twilio account, the bell); only desk and config import it."""

    name = "calls"
    verbose_name = _("Phone calls")

    def ready(self):
        from calls import receivers

        receivers.connect()
