from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Feedback requests, ratings credited to the people who worked on the order, and claims for inspectors."""

    name = "feedback"
    verbose_name = "Feedback and claims"

    def ready(self):
        from feedback import receivers

        receivers.connect()
