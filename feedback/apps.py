from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Feedback requests, ratings credited to the people who worked on the order, and claims for inspectors."""

    name = "feedback"
    verbose_name = _("Feedback and claims")

    def ready(self):
        from feedback import receivers

        receivers.connect()
