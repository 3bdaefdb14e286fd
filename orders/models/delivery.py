"""Delivery tracking: what carriers report about an order's parcel, and which status each report moves the order to
(per shop, set in admin, applied through the status matrix)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from core.phrases import Phrase, Value, label, phrase
from orders.models.matrix import Status
from orders.models.orders import Order
from orders.models.shops import Shop


class DeliveryState(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted by the carrier")
    IN_TRANSIT = "in_transit", _("In transit")
    AT_PICKUP_POINT = "at_pickup_point", _("At the pick-up point")
    DELIVERED = "delivered", _("Delivered")
    RETURNED = "returned", _("Returned")
    LOST = "lost", _("Lost")


class DeliveryEvent(models.Model):
    """One carrier report; the same report sent again is the same row."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="delivery_events", verbose_name=_("order")
    )
    carrier = models.CharField(_("carrier"), max_length=64)
    tracking_code = models.CharField(_("tracking code"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=DeliveryState.choices)
    at = models.DateTimeField(_("at"), help_text=_("When the carrier says it happened."))
    location = models.CharField(_("location"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery event")
        verbose_name_plural = _("delivery events")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "state", "at"], name="delivery_event_once"),
        ]

    def __str__(self):
        return gettext("%(order)s: %(state)s at %(at)s") % {
            "order": self.order,
            "state": self.get_state_display(),
            "at": self.at,
        }

    @property
    def report(self) -> Phrase:
        """The report as a sentence ("CDEK: in transit (Moscow, Arbat 5)"): the order's history line, and the line
        the storefront's customer reads in the order's history (the status API)."""
        said: dict[str, Value] = {
            "carrier": self.carrier,
            "state": label(DeliveryState(self.state).label, lower=True),
        }
        if self.location:
            return phrase(gettext_noop("%(carrier)s: %(state)s (%(location)s)"), location=self.location, **said)
        return phrase(gettext_noop("%(carrier)s: %(state)s"), **said)


class DeliveryStatusRule(models.Model):
    """When a shop's carrier reports this state, the order moves to this status (if the matrix allows)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="delivery_rules", verbose_name=_("shop"))
    state = models.CharField(_("state"), max_length=16, choices=DeliveryState.choices)
    target = models.ForeignKey(
        "orders.Status", on_delete=models.CASCADE, related_name="+", verbose_name=_("target")
    )

    class Meta:
        verbose_name = _("delivery state → status rule")
        verbose_name_plural = _("delivery state → status rules")
        constraints = [models.UniqueConstraint(fields=["shop", "state"], name="delivery_rule_once_per_state")]

    # Reports that say the parcel did not reach the customer: never a reason to call the order a success.
    NOT_RECEIVED = (DeliveryState.LOST, DeliveryState.RETURNED)

    def __str__(self):
        return f"{self.shop}: {self.get_state_display()} → {self.target}"

    def clean(self):
        if self.state in self.NOT_RECEIVED and self.target_id and self.target.group == Status.Group.COMPLETE:
            raise ValidationError(
                {
                    "target": gettext(
                        "A parcel reported “%(state)s” did not reach the customer: move the order to a status "
                        "that gets someone working on it (or cancels it), not to %(status)s."
                    )
                    % {"state": self.get_state_display(), "status": self.target}
                }
            )
