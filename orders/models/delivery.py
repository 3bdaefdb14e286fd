"""Delivery tracking: what carriers report about an order's parcel, and which status each report moves the order to
(per shop, set in admin, applied through the status matrix)."""

from django.core.exceptions import ValidationError
from django.db import models

from orders.models.matrix import Status
from orders.models.orders import Order
from orders.models.shops import Shop


class DeliveryState(models.TextChoices):
    ACCEPTED = "accepted", "Accepted by the carrier"
    IN_TRANSIT = "in_transit", "In transit"
    AT_PICKUP_POINT = "at_pickup_point", "At the pick-up point"
    DELIVERED = "delivered", "Delivered"
    RETURNED = "returned", "Returned"
    LOST = "lost", "Lost"


class DeliveryEvent(models.Model):
    """One carrier report; the same report sent again is the same row."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="delivery_events")
    carrier = models.CharField(max_length=64)
    tracking_code = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=16, choices=DeliveryState.choices)
    at = models.DateTimeField(help_text="When the carrier says it happened.")
    location = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "state", "at"], name="delivery_event_once"),
        ]

    def __str__(self):
        return f"{self.order}: {self.get_state_display()} at {self.at}"


class DeliveryStatusRule(models.Model):
    """When a shop's carrier reports this state, the order moves to this status (if the matrix allows)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="delivery_rules")
    state = models.CharField(max_length=16, choices=DeliveryState.choices)
    target = models.ForeignKey("orders.Status", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "state"], name="delivery_rule_once_per_state")]
        verbose_name = "delivery state → status rule"

    # Reports that say the parcel did not reach the customer: never a reason to call the order a success.
    NOT_RECEIVED = (DeliveryState.LOST, DeliveryState.RETURNED)

    def __str__(self):
        return f"{self.shop}: {self.get_state_display()} → {self.target}"

    def clean(self):
        if self.state in self.NOT_RECEIVED and self.target_id and self.target.group == Status.Group.COMPLETE:
            raise ValidationError(
                {
                    "target": f"A parcel {self.get_state_display().lower()} did not reach the customer: move the "
                    f"order to a status that gets someone working on it (or cancels it), not to {self.target}."
                }
            )
