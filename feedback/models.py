"""Feedback after delivery: the request to the customer, their replies, the rating credited to everyone who worked
on the order, and claims for inspectors when the customer is unhappy."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.models import Phrased
from core.people import staff_name
from core.phrases import shown
from notifications.exceptions import TemplateRefused
from notifications.models import CONTENT_SID, Channel, OutboundMessage
from notifications.models.messages import body_too_long
from notifications.rendering import render_message
from orders.durations import validate_not_negative_duration, validate_positive_duration
from orders.models import Customer, Order, Shop, SingletonSettings, TransitionsOnlyQuerySet

RATING = [MinValueValidator(1), MaxValueValidator(5)]


def validate_feedback_delay(value: timedelta) -> None:
    validate_not_negative_duration(value)
    if value > timedelta(days=14):
        raise ValidationError(_("Ask at most 14 days after the order is complete."))


class FeedbackSettings(SingletonSettings):
    ask_once_per = models.DurationField(
        _("ask once per"),
        default=timedelta(days=30),
        validators=[validate_positive_duration],
        help_text=_("A customer is asked at most once in this long, however many orders they complete."),
    )
    valid_for = models.DurationField(
        _("valid for"),
        default=timedelta(days=14),
        validators=[validate_positive_duration],
        help_text=_("How long a reply or a rating link still counts after the request went out."),
    )
    whatsapp_wait = models.DurationField(
        _("WhatsApp wait"),
        default=timedelta(hours=24),
        validators=[validate_positive_duration],
        help_text=_("With no WhatsApp delivery in this long, the email goes instead."),
    )
    claim_due_in = models.DurationField(
        _("claim due in"),
        default=timedelta(days=2),
        validators=[validate_positive_duration],
        help_text=_("An inspector's time per claim."),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("feedback settings")

    def __str__(self):
        return gettext("Feedback settings")


# What a shop's feedback texts can use (Django template syntax, as message templates): no order number, amount or
# name, on purpose (seed 003).
SAMPLE_LINKS = "5 — https://desk.example.com/feedback/rate/…/"


def feedback_text_context(*, signer: str, links: str = "") -> dict:
    return {"signer": signer, "links": links}


# What the desk says to a customer about their feedback, as shipped in each language: a shop's own text wins, a
# blank one reads these in the shop's customers' language (rendered under `translation.override`).
DEFAULT_TEXTS = {
    "whatsapp_text": _(
        "Hello! How do you like your purchase? Reply with a number from 1 to 5, where 5 is excellent. {{ signer }}"
    ),
    "email_subject": _("How was it?"),
    "email_text": _(
        "Hello!\n\nHow do you like your purchase? Just pick a number, 5 is excellent:\n\n{{ links }}\n\n"
        "Thank you,\n{{ signer }}"
    ),
    "thanks_text": _("Thank you for your rating! We are glad you liked it."),
    "sorry_text": _("We are sorry it went wrong. Our quality control has your answer and will get in touch."),
    "ask_contact_text": _("Thank you! Would you like us to contact you about it? Reply yes or no."),
    "contact_yes_text": _("Thank you: our quality control will contact you."),
    "contact_no_text": _("Understood. We are sorry it was not better, and thank you for telling us."),
}
# Sent by SMS or WhatsApp: at most what Twilio takes.
MESSAGE_TEXTS = (
    "whatsapp_text",
    "thanks_text",
    "sorry_text",
    "ask_contact_text",
    "contact_yes_text",
    "contact_no_text",
)
DEFAULT_HELP = _("Empty: the desk's own text, in the shop's customers' language.")


def _answer_text(label):
    return models.TextField(label, blank=True, help_text=DEFAULT_HELP)


class ShopFeedback(models.Model):
    """How a shop asks for feedback: when, who signs, and the texts (short, personal, no order number, amount or
    even the customer's name: seed 003). The email comes from the signer, as a person writes: plain text. Every
    text left empty is the desk's own, in the shop's customers' language."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("shop"))
    is_active = models.BooleanField(_("active"), default=True)
    delay = models.DurationField(
        _("delay"),
        default=timedelta(days=3),
        validators=[validate_feedback_delay],
        help_text=_("After the order is complete (0 to 14 days): time to use the goods."),
    )
    signer = models.CharField(
        _("signer"), max_length=80, help_text=_('A named person, e.g. "Maria, Green Garden".')
    )
    signer_email = models.EmailField(
        _("signer's email"),
        blank=True,
        help_text=_(
            "The email's From: the signer's own address (the director's or the inspector's; the shop's domain "
            "must let the desk send for it). Empty: DEFAULT_FROM_EMAIL's address, under the signer's name."
        ),
    )
    reply_to = models.EmailField(
        _("Reply-To"),
        blank=True,
        help_text=_(
            "Where the customer's answer by email goes, if not to the From address (e.g. the inspectors')."
        ),
    )
    whatsapp_content_sid = models.CharField(
        _("WhatsApp Content SID"),
        max_length=34,
        blank=True,
        validators=[CONTENT_SID],
        help_text=_(
            "The approved template asking for a 1–5 reply; its variable 1 is the signer. Empty: email only."
        ),
    )
    whatsapp_text = models.TextField(
        _("WhatsApp text"),
        blank=True,
        help_text=_(
            "What the approved template says, for the conversation on the order; {{ signer }} is the name above. "
            "Empty: the desk's own text, in the shop's customers' language."
        ),
    )
    email_subject = models.CharField(_("email subject"), max_length=120, blank=True, help_text=DEFAULT_HELP)
    email_text = models.TextField(
        _("email text"),
        blank=True,
        help_text=_(
            "Plain text. {{ links }} becomes the five rating links, {{ signer }} the name above. Empty: the "
            "desk's own text, in the shop's customers' language."
        ),
    )
    thanks_text = _answer_text(_("answer to a 4 or 5"))
    sorry_text = _answer_text(_("answer to a 1 or 2"))
    ask_contact_text = _answer_text(_("answer to a 3"))
    contact_yes_text = _answer_text(_("answer when they want to be contacted"))
    contact_no_text = _answer_text(_("answer when they do not"))

    class Meta:
        verbose_name = _("shop feedback")
        verbose_name_plural = _("shops' feedback")

    def __str__(self):
        return gettext("Feedback of %(shop)s") % {"shop": self.shop}

    def text(self, field: str) -> str:
        """The shop's text, else the desk's own in the active language (the caller overrides it with the shop's
        customers' language)."""
        return getattr(self, field) or str(DEFAULT_TEXTS[field])

    def clean(self):
        # The same rules as message templates: a text that does not render, or an SMS longer than Twilio takes, is
        # refused when saved, not when sent.
        context, errors = feedback_text_context(signer=self.signer or "Maria", links=SAMPLE_LINKS), {}
        for field in DEFAULT_TEXTS:
            text = getattr(self, field)
            if not text:
                continue
            if field in MESSAGE_TEXTS and body_too_long(text):
                errors[field] = body_too_long(text)
                continue
            try:
                rendered = render_message(subject="", body=text, content_variables={}, context=context).body
            except TemplateRefused as exc:
                errors[field] = str(exc)
                continue
            if field == "email_text" and SAMPLE_LINKS not in rendered:
                errors[field] = gettext("Put {{ links }} where the five rating links go.")
        if errors:
            raise ValidationError(errors)


class FeedbackRequest(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        SENT = "sent", _("Asked")
        CONTACT = "contact", _("Asked whether to contact them")
        ANSWERED = "answered", _("Answered")
        SKIPPED = "skipped", _("Not asked")

    OPEN_STATES = [State.SENT, State.CONTACT]

    order = models.OneToOneField(
        Order, on_delete=models.CASCADE, related_name="feedback_request", verbose_name=_("order")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="feedback_requests", verbose_name=_("customer")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PLANNED)
    due_at = models.DateTimeField(_("due at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    whatsapp_message = models.ForeignKey(
        OutboundMessage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("WhatsApp message"),
    )
    email_message = models.ForeignKey(
        OutboundMessage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("email"),
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True, validators=RATING)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback request")
        verbose_name_plural = _("feedback requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(state="planned"), name="feedback_due_idx"),
            # Asked on WhatsApp, no email yet: the fallback check reads only these.
            models.Index(
                fields=["sent_at"],
                condition=Q(state="sent", email_message__isnull=True, whatsapp_message__isnull=False),
                name="feedback_fallback_idx",
            ),
            models.Index(fields=["customer", "-sent_at"], name="feedback_customer_idx"),
        ]

    def __str__(self):
        return gettext("Feedback on %(order)s") % {"order": self.order}

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class FeedbackReply(models.Model):
    """What the customer answered (by message, by link, or as an inspector read it), and what came of it."""

    class Outcome(models.TextChoices):
        RATED = "rated", _("Rating recorded")
        CONTACT_YES = "contact_yes", _("Wants to be contacted: claim opened")
        CONTACT_NO = "contact_no", _("Does not want to be contacted")
        INSPECTOR = "inspector", _("For an inspector to read")
        AFTER = "after", _("After the answer: nothing changed")
        COMMENT = "comment", _("Comment")

    # An inspector's reading of a reply is recorded under this source; every other source is the customer's.
    BY_INSPECTOR = "inspector"

    request = models.ForeignKey(
        FeedbackRequest, on_delete=models.CASCADE, related_name="replies", verbose_name=_("feedback request")
    )
    text = models.TextField(_("text"), blank=True)
    source = models.CharField(_("source"), max_length=16)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback reply")
        verbose_name_plural = _("feedback replies")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(outcome="inspector", handled_at__isnull=True),
                name="reply_open_idx",
            )
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def source_label(self) -> str:
        """Where the reply came from, as staff read it: the channel, or the inspector's reading."""
        if self.source == self.BY_INSPECTOR:
            return gettext("read by an inspector")
        return str(Channel(self.source).label) if self.source in Channel.values else self.source


class RatingCredit(models.Model):
    """The order's rating, credited to one member of staff who worked on it (the KPI page reads these)."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="rating_credits", verbose_name=_("order")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rating_credits", verbose_name=_("staff")
    )
    rating = models.PositiveSmallIntegerField(_("rating"), validators=RATING)
    rated_at = models.DateTimeField(_("rated at"))
    # The KPI page counts a rating in the period the order was completed, however late it comes.
    completed_at = models.DateTimeField(_("order completed at"))

    class Meta:
        verbose_name = _("rating credit")
        verbose_name_plural = _("rating credits")
        constraints = [models.UniqueConstraint(fields=["order", "user"], name="credit_once_per_person")]
        indexes = [
            models.Index(fields=["user", "rated_at"], name="credit_user_idx"),
            models.Index(fields=["completed_at"], name="credit_completed_idx"),
        ]

    def __str__(self):
        return gettext("%(rating)s/5 for %(person)s on %(order)s") % {
            "rating": self.rating,
            "person": staff_name(self.user),
            "order": self.order,
        }


class ClaimQuerySet(TransitionsOnlyQuerySet["Claim"]):
    state_field = "state"


class Claim(ConcurrentTransitionMixin, models.Model):
    """An unhappy customer's case for an inspector: Created → In work → Resolved or Failed, and no other path."""

    class State(models.TextChoices):
        CREATED = "created", _("Created")
        IN_WORK = "in_work", _("In work")
        RESOLVED = "resolved", _("Resolved")
        FAILED = "failed", _("Failed")

    OPEN_STATES = [State.CREATED, State.IN_WORK]

    state = FSMField(_("state"), default=State.CREATED, choices=State.choices, protected=True)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="claims", verbose_name=_("order"))
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="claims", verbose_name=_("customer")
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="claims", verbose_name=_("shop"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims",
        verbose_name=_("inspector"),
    )
    request = models.ForeignKey(
        FeedbackRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims",
        verbose_name=_("feedback request"),
    )
    reason = models.TextField(_("reason"))
    # The desk's own reasons ("Rated 2/5") as data, said in each reader's language; a person's words stay as typed.
    reason_phrase = models.JSONField(_("reason as data"), null=True, blank=True, editable=False)
    due_at = models.DateTimeField(_("due at"))
    is_overdue = models.BooleanField(_("overdue"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(is_overdue=False, state__in=["created", "in_work"]),
                name="claim_due_idx",
            ),
            models.Index(fields=["inspector", "state"], name="claim_inspector_idx"),
        ]

    def __str__(self):
        return gettext("Claim %(number)s on %(order)s") % {"number": self.pk, "order": self.order}

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def shown_reason(self) -> str:
        """The reason in the reader's language when the desk wrote it, else as the person typed it."""
        return shown(self.reason_phrase, self.reason)

    @transition(field=state, source=State.CREATED, target=State.IN_WORK)
    def take(self):
        pass

    @transition(field=state, source=State.IN_WORK, target=State.RESOLVED)
    def resolve(self):
        pass

    @transition(field=state, source=State.IN_WORK, target=State.FAILED)
    def fail(self):
        pass


class ClaimEvent(Phrased):
    class Kind(models.TextChoices):
        CREATED = "created", _("Opened")
        TAKEN = "taken", _("Taken in work")
        NOTE = "note", _("Note")
        RESOLVED = "resolved", _("Resolved")
        FAILED = "failed", _("Failed")
        OVERDUE = "overdue", _("Overdue")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events", verbose_name=_("claim"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    text = models.CharField(_("text"), max_length=1000)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim event")
        verbose_name_plural = _("claim history")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.shown_text
