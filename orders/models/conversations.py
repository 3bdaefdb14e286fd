"""Conversations: a customer's messages that belong to no open order (a new number writing in, a known customer
with nothing open, a reply the desk cannot match). Each has a shop (the number or address it came to), a
responsible manager and a first-reply clock, like an order."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import Phrased
from orders.models.customers import Customer
from orders.models.orders import Order
from orders.models.shops import Shop


class Conversation(models.Model):
    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("conversation", "Open")
        WAITING = "waiting", _("Waiting for the customer")
        CLOSED = "closed", pgettext_lazy("conversation", "Closed")

    class CloseReason(models.TextChoices):
        ANSWERED = "answered", pgettext_lazy("conversation", "Answered")
        ORDER = "order", _("An order was created")
        SPAM = "spam", _("Spam")
        NOT_CUSTOMER = "not_customer", _("Not a customer")

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="conversations", verbose_name=_("shop"))
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="conversations", verbose_name=_("customer")
    )
    # Indexed by conversation_manager_open_idx, which leads with the manager.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
        db_index=False,
        verbose_name=_("manager"),
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    close_reason = models.CharField(_("close reason"), max_length=16, choices=CloseReason.choices, blank=True)
    # Set by "Create order from this conversation": the customer's later messages join that order's timeline.
    order = models.ForeignKey(
        Order,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
        verbose_name=_("order"),
    )
    # The first-reply clock: due by (working hours of the shop), and when staff first answered.
    first_reply_due_at = models.DateTimeField(_("first reply due by"), null=True, blank=True)
    first_replied_at = models.DateTimeField(_("first replied at"), null=True, blank=True)
    # The customer wrote since the manager last opened it.
    unread = models.BooleanField(_("unread"), default=True)
    last_message_at = models.DateTimeField(_("last message at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            # A customer has at most one conversation not closed: a new message joins it.
            models.UniqueConstraint(
                fields=["customer"], condition=~Q(state="closed"), name="conversation_one_open_per_customer"
            ),
            models.CheckConstraint(
                condition=Q(state="closed") ^ Q(closed_at__isnull=True), name="conversation_closed_has_time"
            ),
        ]
        indexes = [
            # Open conversations per manager (the inbox, load against quota).
            models.Index(fields=["manager", "state"], name="conversation_manager_open_idx"),
            # The unassigned queue, oldest first: as long as the queue, not as the history.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(manager__isnull=True) & ~Q(state="closed"),
                name="conversation_queue_idx",
            ),
            # Overdue first replies (the dashboard).
            models.Index(
                fields=["first_reply_due_at"],
                condition=Q(first_replied_at__isnull=True) & ~Q(state="closed"),
                name="conversation_reply_due_idx",
            ),
            models.Index(fields=["shop", "-last_message_at"], name="conversation_shop_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.customer}"

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED


class ConversationEvent(Phrased):
    """Append-only history of a conversation: routed, handed over, replied, linked to an order, closed."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="events", verbose_name=_("conversation")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    text = models.CharField(_("text"), max_length=500)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conversation history line")
        verbose_name_plural = _("conversation history lines")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["conversation", "-created_at"], name="conversationevent_idx")]

    def __str__(self):
        return self.text
