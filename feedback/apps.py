from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Feedback requests, ratings and claims: empty until the feedback issue (#13) builds them."""

    name = "feedback"
    verbose_name = "Feedback and claims"
