"""Prepayment rules: a step of the status matrix an order takes only once enough of its total is paid."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.formats import money
from orders.models.matrix import Status, StatusTransition
from orders.models.orders import Order
from orders.models.shops import Shop


class PaymentRule(models.Model):
    """ "New → Assembly only when paid" (100 %) or "… once 30 % is paid", for every shop and method or only one.
    When several rules of a step apply to an order, the strictest decides."""

    transition = models.ForeignKey(
        StatusTransition,
        on_delete=models.CASCADE,
        related_name="payment_rules",
        verbose_name=_("status matrix step"),
    )
    shop = models.ForeignKey(
        Shop,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("shop"),
        help_text=_("Empty: every shop."),
    )
    method = models.CharField(
        _("method"), max_length=16, blank=True, choices=Order.Method.choices, help_text=_("Empty: every method.")
    )
    share = models.PositiveSmallIntegerField(
        _("paid share, %"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How much of the order's total must be paid before this step, from 1 to 100 (100: in full)."),
    )

    class Meta:
        verbose_name = _("prepayment rule")
        verbose_name_plural = _("prepayment rules")
        ordering = ["transition__source__position", "transition__target__position", "pk"]

    def __str__(self):
        return gettext("%(step)s once %(share)s%% is paid") % {"step": self.transition, "share": self.share}

    def clean(self):
        # An unpaid order must always be cancellable: a cancel step that waited for money could trap it.
        if self.transition_id and self.transition.target.group == Status.Group.CANCEL:
            raise ValidationError(
                {
                    "transition": gettext(
                        "A step to a cancel status never waits for payment: an unpaid order must stay cancellable."
                    )
                }
            )

    def applies_to(self, order: Order) -> bool:
        return self.shop_id in (None, order.shop_id) and self.method in ("", order.method)

    def wait(self, order: Order) -> str:
        """Why the order waits for its payment before the step ("" when enough is paid)."""
        needed = (order.total * self.share / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if order.paid_amount >= needed:
            return ""
        amounts = {
            "paid": money(order.paid_amount, order.shop.currency),
            "total": money(order.total, order.shop.currency),
        }
        if self.share == 100:
            return (
                gettext("Waiting for payment: %(paid)s of %(total)s paid (this step needs full payment).")
                % amounts
            )
        return gettext(
            "Waiting for payment: %(paid)s of %(total)s paid (this step needs %(share)s%% of the total)."
        ) % {**amounts, "share": self.share}
