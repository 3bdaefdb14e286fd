"""What the desk says to customers and what they say back: message templates, the outbox, inbound messages
and the channels a customer has switched off."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from notifications.exceptions import TemplateRefused
from notifications.rendering import template_validate
from orders.models import Conversation, Customer, Order


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"
    EMAIL = "email", pgettext_lazy("channel", "Email")


# Twilio refuses a longer SMS or WhatsApp body (error 21617): the message would fail after all its tries.
TWILIO_BODY_MAX = 1600


def body_too_long(body: str) -> str:
    """Why an SMS or WhatsApp text is refused for its length, or "" when it fits."""
    if len(body) <= TWILIO_BODY_MAX:
        return ""
    return gettext(
        "An SMS or WhatsApp message is at most %(limit)s characters (Twilio refuses longer); this one has "
        "%(length)s."
    ) % {"limit": f"{TWILIO_BODY_MAX:,}", "length": f"{len(body):,}"}


CONTENT_SID = RegexValidator(r"^HX[0-9a-fA-F]{32}$", _("A Twilio Content SID is HX followed by 32 hex digits."))


class MessageTemplate(models.Model):
    """A message to customers in Django template syntax over `order`, `customer`, `shop` and `manager`.

    WhatsApp refuses free text that starts a conversation (Twilio error 63016), so a WhatsApp template also
    names the approved Twilio Content template and the values of its numbered variables."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True, help_text=_("Email only."))
    body = models.TextField(
        _("text"), help_text=_("E.g. Hello {{ customer.name }}, your order {{ order.number }} is ready.")
    )
    content_sid = models.CharField(
        _("Content SID"), max_length=34, blank=True, validators=[CONTENT_SID], help_text=_("WhatsApp only: HX…")
    )
    content_variables = models.JSONField(
        _("content variables"),
        default=dict,
        blank=True,
        help_text=_('WhatsApp only: each numbered variable and its value, e.g. {"1": "{{ order.number }}"}.'),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.get_channel_display()})"

    def clean(self):
        errors = {}
        if self.channel == Channel.EMAIL and not self.subject.strip():
            errors["subject"] = gettext("An email needs a subject.")
        if self.channel != Channel.WHATSAPP and (self.content_sid or self.content_variables):
            errors["content_sid"] = gettext("Content SID and variables are for WhatsApp templates only.")
        if self.channel == Channel.WHATSAPP and self.content_variables and not self.content_sid:
            errors["content_sid"] = gettext("Variables belong to an approved template: give its Content SID.")
        if self.channel != Channel.EMAIL and body_too_long(self.body):
            errors["body"] = body_too_long(self.body)
        try:
            template_validate(subject=self.subject, body=self.body, content_variables=self.content_variables)
        except TemplateRefused as exc:
            errors.setdefault("body", str(exc))
        if errors:
            raise ValidationError(errors)


class OutboundMessage(models.Model):
    """The outbox: one row per message to a customer, written in the transaction of the change that caused it
    and sent after commit by a q2 worker that claims it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        HELD = "held", _("Held (quiet hours)")
        SENDING = "sending", _("Sending")
        SENT = "sent", pgettext_lazy("message", "Sent")
        DELIVERED = "delivered", pgettext_lazy("message", "Delivered")
        READ = "read", pgettext_lazy("message", "Read")
        FAILED = "failed", pgettext_lazy("message", "Failed")
        SKIPPED = "skipped", pgettext_lazy("message", "Not sent")

    class Purpose(models.TextChoices):
        TRIGGER = "trigger", _("Trigger")
        MANUAL = "manual", _("Written by staff")
        OFF_HOURS = "off_hours", _("Off-hours reply")
        FEEDBACK = "feedback", _("Feedback request")
        ANSWER = "answer", _("Answer to the customer")

    # What counts towards the daily cap and the duplicate rule: everything on its way or gone.
    COUNTED_STATES = ["pending", "held", "sending", "sent", "delivered", "read"]

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="messages_out", verbose_name=_("customer")
    )
    order = models.ForeignKey(
        Order,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages_out",
        verbose_name=_("order"),
    )
    conversation = models.ForeignKey(
        Conversation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages_out",
        verbose_name=_("conversation"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    content_sid = models.CharField(_("Content SID"), max_length=34, blank=True)
    content_variables = models.JSONField(_("content variables"), default=dict, blank=True)
    template = models.ForeignKey(
        MessageTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("message template"),
    )
    firing = models.ForeignKey(
        "notifications.TriggerFiring",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
        verbose_name=_("trigger firing"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    next_try_at = models.DateTimeField(_("next try at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # When a try began whose outcome is unknown (a timeout, a connection dropped after sending, a worker that
    # died mid-send): the provider may have taken the message, so it is asked before another try.
    uncertain_since = models.DateTimeField(_("uncertain since"), null=True, blank=True)
    provider_id = models.CharField(_("provider's id"), max_length=64, blank=True)
    # An email's Message-ID, set before its first try (the same on every retry): a reply names it in In-Reply-To.
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    error_code = models.CharField(_("error code"), max_length=16, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_id"], condition=~Q(provider_id=""), name="outbound_unique_provider_id"
            ),
        ]
        indexes = [
            # The sender reads only rows waiting to go (pending, held till morning, or a send that stalled).
            models.Index(
                fields=["next_try_at"],
                condition=Q(state__in=["pending", "held", "sending"]),
                name="outbound_due_idx",
            ),
            models.Index(fields=["customer", "-created_at"], name="outbound_customer_idx"),
            models.Index(fields=["order", "-created_at"], name="outbound_order_idx"),
            models.Index(fields=["message_id"], condition=~Q(message_id=""), name="outbound_message_id_idx"),
        ]

    def __str__(self):
        return gettext("%(channel)s to %(to)s: %(state)s") % {
            "channel": self.get_channel_display(),
            "to": self.to,
            "state": self.get_state_display(),
        }

    @property
    def at(self):
        return self.created_at

    @property
    def is_inbound(self) -> bool:
        return False

    @property
    def held_until(self):
        """When a message held through the customer's night goes, on the customer's clock."""
        if self.state != self.State.HELD or self.next_try_at is None:
            return None
        return self.next_try_at.astimezone(self.customer.zone)


class InboundMessage(models.Model):
    """A customer's SMS, WhatsApp message or email, kept once: per Twilio MessageSid (Twilio retries webhooks), an
    email per Message-ID (a provider retries, the IMAP mailbox is read again)."""

    # An email's is derived from its Message-ID (`email_in.email_sid`).
    message_sid = models.CharField(_("MessageSid"), max_length=64, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    from_address = models.CharField(_("from"), max_length=254)
    to_address = models.CharField(_("to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    in_reply_to = models.CharField(_("in reply to"), max_length=255, blank=True)
    body = models.TextField(_("text"), blank=True)
    media_count = models.PositiveSmallIntegerField(_("attachments"), default=0)
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages_in",
        verbose_name=_("customer"),
    )
    order = models.ForeignKey(
        Order,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages_in",
        verbose_name=_("order"),
    )
    # A message that belongs to no open order (or that the desk could not match) joins a conversation.
    conversation = models.ForeignKey(
        Conversation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages_in",
        verbose_name=_("conversation"),
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer's message")
        verbose_name_plural = _("customers' messages")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["order", "-received_at"], name="inbound_order_idx"),
            models.Index(fields=["customer", "-received_at"], name="inbound_customer_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"], condition=~Q(message_id=""), name="inbound_unique_message_id"
            ),
        ]

    def __str__(self):
        return gettext("From %(address)s: %(text)s") % {"address": self.from_address, "text": self.body[:40]}

    @property
    def at(self):
        return self.received_at

    @property
    def is_inbound(self) -> bool:
        return True


class InboundAttachment(models.Model):
    """A file that came with a customer's email, kept through Django's storage (never a public URL: staff open it
    through a view that checks they may see its order or conversation). One over the size limit is not kept: its
    row says so."""

    inbound = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("customer's message")
    )
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    # Blank: over the limit when it came, not kept.
    file = models.FileField(_("file"), upload_to="inbound/%Y/%m/", max_length=300, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @property
    def is_kept(self) -> bool:
        return bool(self.file)


class OptOut(models.Model):
    """A channel the customer switched off (STOP, or the carrier said they unsubscribed): nothing more goes
    to them on it until they write START."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="opt_outs", verbose_name=_("customer")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [models.UniqueConstraint(fields=["customer", "channel"], name="optout_unique_channel")]

    def __str__(self):
        return gettext("%(customer)s opted out of %(channel)s") % {
            "customer": self.customer,
            "channel": self.get_channel_display(),
        }
