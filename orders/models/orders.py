"""Orders with their items and append-only history; the status moves only through `Order.change_status`."""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, TransitionNotAllowed, transition

from core.models import Phrased
from core.roles import ORDER_WORKERS
from orders.models.customers import Customer
from orders.models.matrix import AwaitingPayment, Status, StatusTransition
from orders.models.shops import Shop

_M = TypeVar("_M", bound=models.Model)


class TransitionsOnlyQuerySet(models.QuerySet[_M]):
    """A state that moves only through its django-fsm transitions: a bulk update must not skip them."""

    state_field = "status"

    def update(self, **kwargs: Any) -> int:
        if self.state_field in kwargs:
            raise TransitionNotAllowed(
                f"{self.model.__name__} {self.state_field} changes only through its transitions."
            )
        return super().update(**kwargs)


class OrderQuerySet(TransitionsOnlyQuerySet["Order"]):
    def open(self) -> "OrderQuerySet":
        return self.filter(is_final=False)


class Order(ConcurrentTransitionMixin, models.Model):
    class Type(models.TextChoices):
        B2C = "b2c", _("B2C")
        B2B = "b2b", _("B2B")

    class Method(models.TextChoices):
        CART = "cart", _("Cart")
        ONE_CLICK = "one_click", _("One click")
        PHONE = "phone", _("Phone")
        LANDING = "landing", _("Landing page")
        CHAT = "chat", _("Chat")
        MANUAL = "manual", _("Manual")
        MARKETPLACE = "marketplace", _("Marketplace")

    class PaymentState(models.TextChoices):
        UNPAID = "unpaid", _("Not paid")
        PARTLY_PAID = "partly_paid", _("Partly paid")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Payment failed")
        REFUNDED = "refunded", _("Refunded")

    class PaymentMethod(models.TextChoices):
        CARD_ONLINE = "card_online", _("Card online")
        CARD_ON_DELIVERY = "card_on_delivery", _("Card on delivery")
        CASH_ON_DELIVERY = "cash_on_delivery", _("Cash on delivery")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer (invoice)")

    class DeliveryMethod(models.TextChoices):
        COURIER = "courier", _("Courier")
        PICKUP = "pickup", _("Pickup")
        PICKUP_POINT = "pickup_point", _("Pick-up point")
        POST = "post", _("Post")

    number = models.CharField(_("number"), max_length=32, unique=True, null=True, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders", verbose_name=_("shop"))
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer")
    )
    order_type = models.CharField(_("type"), max_length=3, choices=Type.choices, default=Type.B2C)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices, default=Method.CART)
    region = models.CharField(_("region"), max_length=80, blank=True)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=Decimal("0"))
    payment_state = models.CharField(
        _("payment state"), max_length=16, choices=PaymentState.choices, default=PaymentState.UNPAID
    )
    paid_amount = models.DecimalField(_("paid amount"), max_digits=12, decimal_places=2, default=Decimal("0"))
    comment = models.TextField(_("comment"), blank=True)
    delivery_address = models.TextField(_("delivery address"), blank=True)
    payment_method = models.CharField(
        _("payment method"), max_length=16, blank=True, choices=PaymentMethod.choices
    )
    delivery_method = models.CharField(
        _("delivery method"), max_length=16, blank=True, choices=DeliveryMethod.choices
    )
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    # The delivery slot on the shop's clock, on `delivery_date` (delivery_slot_errors says what goes together).
    delivery_time_from = models.TimeField(_("delivery from"), null=True, blank=True)
    delivery_time_to = models.TimeField(_("delivery until"), null=True, blank=True)
    tracking_code = models.CharField(_("tracking code"), max_length=64, blank=True)
    # Indexed by order_manager_open_idx, which leads with the manager.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        db_index=False,
        verbose_name=_("manager"),
    )
    status = FSMField(_("status"), max_length=32, default="new", protected=True)
    is_final = models.BooleanField(_("is final"), default=False, editable=False)
    status_entered_at = models.DateTimeField(_("status entered at"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    is_overdue = models.BooleanField(_("is overdue"), default=False)
    overdue_since = models.DateTimeField(_("overdue since"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=200, blank=True)
    # Calls in a row that did not reach the customer: the step of the no-answer ladder the order is on.
    missed_calls = models.PositiveSmallIntegerField(_("missed calls"), default=0, editable=False)
    # Set only by the customer's feedback (orders.services.order_record_rating), never edited by staff.
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True, editable=False)
    # A hash per field of what the storefront sent, so a repeat of the same external_id with other content is
    # told apart from a retry (empty for orders typed in by hand).
    intake_fingerprint = models.JSONField(_("intake fingerprint"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "external_id"], condition=~Q(external_id=""), name="order_unique_external_id"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="order_rating_1_5"
            ),
        ]
        indexes = [
            # The overdue sweep reads only open, not yet flagged orders whose deadline has passed.
            models.Index(fields=["deadline"], condition=Q(is_overdue=False, is_final=False), name="order_due_idx"),
            models.Index(
                fields=["overdue_since"],
                condition=Q(is_overdue=True, escalated_at__isnull=True, is_final=False),
                name="order_escalation_idx",
            ),
            # Active orders per manager (quotas, load).
            models.Index(fields=["manager", "is_final"], name="order_manager_open_idx"),
            # The unassigned queue, oldest first (routing, "Take it", the dashboard): as long as the queue, not
            # as the history.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(manager__isnull=True, is_final=False),
                name="order_queue_idx",
            ),
            models.Index(fields=["shop", "-created_at"], name="order_shop_created_idx"),
            # The storefront's changes list (status API): a shop's orders by (updated_at, id), one range per page.
            models.Index(fields=["shop", "updated_at", "id"], name="order_updated_idx"),
            models.Index(fields=["external_id"], name="order_external_id_idx"),  # the list's search
            models.Index(fields=["status", "-created_at"], name="order_status_created_idx"),
            # The queue priority of the order list: open first, overdue first, then soonest due, then oldest.
            models.Index(fields=["is_final", "-is_overdue", "deadline", "created_at"], name="order_priority_idx"),
            # "N hours before the delivery slot": the every-minute check reads open orders with a slot soon.
            models.Index(
                fields=["delivery_date"],
                condition=Q(delivery_time_from__isnull=False, is_final=False),
                name="order_slot_idx",
            ),
        ]

    def __str__(self):
        return gettext("Order %(number)s") % {"number": self.number or self.pk}

    @property
    def balance_due(self) -> Decimal:
        """What the customer still owes: the total less what was paid, never below nothing."""
        return max(self.total - self.paid_amount, Decimal("0"))

    def clean(self) -> None:
        errors = delivery_slot_errors(self.delivery_date, self.delivery_time_from, self.delivery_time_to)
        if errors:
            raise ValidationError(errors)

    @property
    def delivery_slot(self) -> str:
        """The delivery slot as the shop writes it, "14:00–16:00" ("" without one)."""
        if self.delivery_time_from is None or self.delivery_time_to is None:
            return ""
        return f"{self.delivery_time_from:%H:%M}–{self.delivery_time_to:%H:%M}"

    @property
    def delivery_slot_starts(self) -> datetime | None:
        """When the delivery slot begins, on the shop's clock (None without a slot)."""
        if self.delivery_date is None or self.delivery_time_from is None:
            return None
        return datetime.combine(self.delivery_date, self.delivery_time_from, tzinfo=self.shop.zone)

    @transition(field=status, source="*", target=RETURN_VALUE())
    def change_status(self, target: str, by=None) -> str:
        """The only way a status changes: the (current, target) pair must be in the matrix, and the user must be
        in one of the pair's groups (managers and supervisors when it names none); superusers and the desk's own
        moves (by=None) skip the group check, but never the step's prepayment rule."""
        step = (
            StatusTransition.objects.filter(source__code=self.status, target__code=target)
            .prefetch_related("groups")
            .first()
        )
        if step is None:
            names = dict(Status.objects.filter(code__in=[self.status, target]).values_list("code", "name"))
            step_name = f"{names.get(self.status, self.status)} → {names.get(target, target)}"
            raise TransitionNotAllowed(
                gettext("The status matrix does not allow %(step)s.") % {"step": step_name}, object=self
            )
        allowed = (
            Q(pk__in=[group.pk for group in step.groups.all()]) if step.groups.all() else Q(name__in=ORDER_WORKERS)
        )
        if by is not None and not by.is_superuser and not by.groups.filter(allowed).exists():
            raise TransitionNotAllowed(
                gettext("Your role may not move orders from %(source)s to %(target)s.")
                % {"source": step.source, "target": step.target},
                object=self,
            )
        # A prepayment step: nobody, the desk and the shell included, skips it.
        waiting = step.payment_wait(self, fresh=True)
        if waiting:
            raise AwaitingPayment(waiting, object=self)
        return target


def delivery_slot_errors(day: date | None, starts: time | None, ends: time | None) -> dict[str, str]:
    """What is wrong with a delivery slot, by field: a slot has both ends, starts before it ends, and is on a
    delivery date."""
    if starts is None and ends is None:
        return {}
    if starts is None or ends is None:
        field = "delivery_time_from" if starts is None else "delivery_time_to"
        return {field: gettext("Give the delivery slot both its start and its end, e.g. 14:00–16:00.")}
    if starts >= ends:
        return {"delivery_time_to": gettext("The delivery slot must end after it starts.")}
    if day is None:
        return {"delivery_date": gettext("A delivery slot needs a delivery date: give the day.")}
    return {}


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items", verbose_name=_("order"))
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=200)
    qty = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    price = models.DecimalField(
        _("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.qty} × {self.name}"

    @property
    def line_total(self) -> Decimal:
        return self.qty * self.price


class OrderEvent(Phrased):
    """Append-only history of an order: who did what, when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        ASSIGNMENT = "assignment", _("Assigned")
        MANAGER = "manager", _("Manager changed")
        CALL = "call", _("Call")
        TASK = "task", _("Task")
        NOTE = "note", _("Note")
        PAYMENT = "payment", _("Payment")
        EDIT = "edit", _("Edited")
        DELIVERY = "delivery", _("Delivery")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION = "escalation", _("Escalated")
        TRIGGER = "trigger", _("Trigger")
        RATING = "rating", _("Rating")
        MESSAGE = "message", _("Wrote to the customer")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_events",
        verbose_name=_("actor"),
    )
    text = models.CharField(_("text"), max_length=500)
    # What the line keeps besides its text, read and written only through its kind's shape in orders.history.
    # The details that queries filter or group on are columns (a status line's move, a change of hands, a
    # call's outcome), set on the lines of those kinds only; the rest are keys of `data`.
    data = models.JSONField(_("data"), default=dict, blank=True)
    status_from = models.CharField(_("status from"), max_length=32, null=True, blank=True)
    status_to = models.CharField(_("status to"), max_length=32, null=True, blank=True)
    manager_from = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        verbose_name=_("manager from"),
    )
    manager_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        verbose_name=_("manager to"),
    )
    call_outcome = models.CharField(_("call outcome"), max_length=16, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("order history line")
        verbose_name_plural = _("order history lines")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["order", "created_at"], name="orderevent_order_idx"),
            # The KPIs' orders completed or cancelled in a day read the status lines entering those statuses.
            models.Index(
                fields=["status_to", "created_at"],
                condition=Q(status_to__isnull=False),
                name="orderevent_status_to_idx",
            ),
            # Who was handed what (and a person's lines found when they are deleted): change-of-hands lines only.
            models.Index(fields=["manager_to"], condition=Q(manager_to__isnull=False), name="orderevent_to_idx"),
            models.Index(
                fields=["manager_from"], condition=Q(manager_from__isnull=False), name="orderevent_from_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.shown_text}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError(gettext("Order history is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError(gettext("Order history is append-only."))


# History lines that change an order's hands, and those written when its manager works on it, writing to the
# customer included (each sends `order_touched`, which stops routing's acceptance clock).
HAND_KINDS = frozenset({OrderEvent.Kind.ASSIGNMENT, OrderEvent.Kind.MANAGER})
TAKE_UP_KINDS = frozenset(
    {
        OrderEvent.Kind.STATUS,
        OrderEvent.Kind.CALL,
        OrderEvent.Kind.NOTE,
        OrderEvent.Kind.TASK,
        OrderEvent.Kind.EDIT,
        OrderEvent.Kind.MESSAGE,
    }
)
