"""A shop's webhook endpoints and the outbox of their deliveries (one row per event and endpoint)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from webhooks.addresses import url_check
from webhooks.exceptions import AddressRefused


class EventType(models.TextChoices):
    """Every event a shop's site can receive: the one place to add one (e.g. conversation.* once conversations
    exist), with the label admin shows. The desk records them (desk/flows.py)."""

    ORDER_CREATED = "order.created", _("Order created")
    ORDER_STATUS_CHANGED = "order.status_changed", _("Order status changed")
    ORDER_MANAGER_ASSIGNED = "order.manager_assigned", _("Manager assigned")
    ORDER_EDITED = "order.edited", _("Items or delivery details edited")
    ORDER_PAYMENT_RECORDED = "order.payment_recorded", _("Payment recorded")
    ORDER_DELIVERY_UPDATED = "order.delivery_updated", _("Delivery state updated")
    ORDER_RATING_RECEIVED = "order.rating_received", _("Rating received")
    CLAIM_OPENED = "claim.opened", _("Claim opened")
    CLAIM_CLOSED = "claim.closed", _("Claim closed")


def validate_event_types(value: object) -> None:
    if not isinstance(value, list) or not value or not all(v in EventType.values for v in value):
        raise ValidationError(_("Choose at least one event."), code="events")


class WebhookEndpoint(models.Model):
    shop = models.ForeignKey(
        "orders.Shop", verbose_name=_("shop"), on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("address"), max_length=500)
    # "whsec_" + base64 of 32 random bytes (Standard Webhooks); shown to the admin once, when made or rotated.
    secret = models.CharField(_("secret"), max_length=100, editable=False)
    # Event type values (EventType); a JSON list works the same on SQLite and PostgreSQL.
    events = models.JSONField(_("events"), default=list, validators=[validate_event_types])
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    disabled_reason = models.CharField(_("why it was switched off"), max_length=300, blank=True, editable=False)
    disabled_at = models.DateTimeField(_("switched off at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["shop", "pk"]

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        if self.url:  # checked again at every send: a host's addresses may change
            try:
                url_check(self.url)
            except AddressRefused as exc:
                raise ValidationError({"url": str(exc)}) from exc

    def wants(self, event_type: str) -> bool:
        return event_type in self.events


class WebhookDelivery(models.Model):
    """The outbox row: one event for one endpoint, its body built when the event happened."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(_("event id"), max_length=40)  # the same on every try ("evt_" + 32 hex)
    event_type = models.CharField(_("event"), max_length=40, choices=EventType.choices)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="webhook_deliveries",
    )
    payload = models.JSONField(_("body"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("tries"), default=0)
    next_try_at = models.DateTimeField(_("next try"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    response_code = models.PositiveIntegerField(_("response code"), null=True, blank=True)
    response_excerpt = models.CharField(_("answer (first bytes)"), max_length=500, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-pk"]
        indexes = [
            # The sender's query: due rows only (pending by next try, sending by claim time for stalled ones).
            models.Index(
                fields=["next_try_at"],
                name="webhook_due_idx",
                condition=Q(state__in=["pending", "sending"]),
            ),
            # "Is an earlier one for this order and endpoint still waiting?" (per-order order).
            models.Index(
                fields=["endpoint", "order", "id"],
                name="webhook_order_queue_idx",
                condition=Q(state__in=["pending", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} #{self.pk}"
