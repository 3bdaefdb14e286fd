from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Signed outbound webhooks to a shop's site: an outbox row per event and endpoint, written in the transaction
    of the change, sent by q2 (webhooks/services/). Above orders, below desk: desk records the events."""

    name = "webhooks"
    verbose_name = _("Webhooks")
