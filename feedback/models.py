"""Feedback after delivery: the request to the customer, their replies, the rating credited to everyone who worked
on the order, and claims for inspectors when the customer is unhappy."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from notifications.exceptions import TemplateRefused
from notifications.models import CONTENT_SID, OutboundMessage
from notifications.rendering import render_message
from orders.durations import validate_not_negative_duration, validate_positive_duration
from orders.models import Customer, Order, Shop, SingletonSettings, TransitionsOnlyQuerySet
from orders.roles import staff_name

RATING = [MinValueValidator(1), MaxValueValidator(5)]


def validate_feedback_delay(value: timedelta) -> None:
    validate_not_negative_duration(value)
    if value > timedelta(days=14):
        raise ValidationError("Ask at most 14 days after the order is complete.")


class FeedbackSettings(SingletonSettings):
    ask_once_per = models.DurationField(
        default=timedelta(days=30),
        validators=[validate_positive_duration],
        help_text="A customer is asked at most once in this long, however many orders they complete.",
    )
    valid_for = models.DurationField(
        default=timedelta(days=14),
        validators=[validate_positive_duration],
        help_text="How long a reply or a rating link still counts after the request went out.",
    )
    whatsapp_wait = models.DurationField(
        default=timedelta(hours=24),
        validators=[validate_positive_duration],
        help_text="With no WhatsApp delivery in this long, the email goes instead.",
    )
    claim_due_in = models.DurationField(
        default=timedelta(days=2),
        validators=[validate_positive_duration],
        help_text="An inspector's time per claim.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "feedback settings"

    def __str__(self):
        return "Feedback settings"


# What a shop's feedback texts can use (Django template syntax, as message templates): no order number, amount or
# name, on purpose (seed 003).
SAMPLE_LINKS = "5 — https://desk.example.com/feedback/rate/…/"


def feedback_text_context(*, signer: str, links: str = "") -> dict:
    return {"signer": signer, "links": links}


class ShopFeedback(models.Model):
    """How a shop asks for feedback: when, who signs, and the texts (short, personal, no order number, amount or
    even the customer's name: seed 003). The email comes from the signer, as a person writes: plain text."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="feedback")
    is_active = models.BooleanField(default=True)
    delay = models.DurationField(
        default=timedelta(days=3),
        validators=[validate_feedback_delay],
        help_text="After the order is complete (0 to 14 days): time to use the goods.",
    )
    signer = models.CharField(max_length=80, help_text='A named person, e.g. "Maria, Green Garden".')
    signer_email = models.EmailField(
        "signer's email",
        blank=True,
        help_text="The email's From: the signer's own address (the director's or the inspector's; the shop's "
        "domain must let the desk send for it). Empty: DEFAULT_FROM_EMAIL's address, under the signer's name.",
    )
    reply_to = models.EmailField(
        "Reply-To",
        blank=True,
        help_text="Where the customer's answer by email goes, if not to the From address (e.g. the inspectors').",
    )
    whatsapp_content_sid = models.CharField(
        "WhatsApp Content SID",
        max_length=34,
        blank=True,
        validators=[CONTENT_SID],
        help_text="The approved template asking for a 1–5 reply; its variable 1 is the signer. Empty: email only.",
    )
    whatsapp_text = models.TextField(
        default="Hello! How do you like your purchase? Reply with a number from 1 to 5, where 5 is excellent. "
        "{{ signer }}",
        help_text="What the approved template says, for the conversation on the order; {{ signer }} is the name "
        "above.",
    )
    email_subject = models.CharField(max_length=120, default="How was it?")
    email_text = models.TextField(
        default="Hello!\n\nHow do you like your purchase? Just pick a number, 5 is excellent:\n\n{{ links }}\n\n"
        "Thank you,\n{{ signer }}",
        help_text="Plain text. {{ links }} becomes the five rating links, {{ signer }} the name above.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "shop feedback"

    def __str__(self):
        return f"Feedback of {self.shop}"

    def clean(self):
        # The same rule as message templates: a text that does not render is refused when saved, not when sent.
        context, errors = feedback_text_context(signer=self.signer or "Maria", links=SAMPLE_LINKS), {}
        texts = {
            "email_subject": self.email_subject,
            "email_text": self.email_text,
            "whatsapp_text": self.whatsapp_text,
        }
        for field, text in texts.items():
            try:
                rendered = render_message(subject="", body=text, content_variables={}, context=context).body
            except TemplateRefused as exc:
                errors[field] = str(exc)
                continue
            if field == "email_text" and SAMPLE_LINKS not in rendered:
                errors[field] = "Put {{ links }} where the five rating links go."
        if errors:
            raise ValidationError(errors)


class FeedbackRequest(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", "Planned"
        SENT = "sent", "Asked"
        CONTACT = "contact", "Asked whether to contact them"
        ANSWERED = "answered", "Answered"
        SKIPPED = "skipped", "Not asked"

    OPEN_STATES = [State.SENT, State.CONTACT]

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="feedback_request")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="feedback_requests")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNED)
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    whatsapp_message = models.ForeignKey(
        OutboundMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email_message = models.ForeignKey(
        OutboundMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    answered_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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
        return f"Feedback on {self.order}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class FeedbackReply(models.Model):
    """What the customer answered (by message, by link, or as an inspector read it), and what came of it."""

    class Outcome(models.TextChoices):
        RATED = "rated", "Rating recorded"
        CONTACT_YES = "contact_yes", "Wants to be contacted: claim opened"
        CONTACT_NO = "contact_no", "Does not want to be contacted"
        INSPECTOR = "inspector", "For an inspector to read"
        AFTER = "after", "After the answer: nothing changed"
        COMMENT = "comment", "Comment"

    # An inspector's reading of a reply is recorded under this source; every other source is the customer's.
    BY_INSPECTOR = "inspector"

    request = models.ForeignKey(FeedbackRequest, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(blank=True)
    source = models.CharField(max_length=16)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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


class RatingCredit(models.Model):
    """The order's rating, credited to one member of staff who worked on it (the KPI page reads these)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="rating_credits")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rating_credits")
    rating = models.PositiveSmallIntegerField(validators=RATING)
    rated_at = models.DateTimeField()
    # The KPI page counts a rating in the period the order was completed, however late it comes.
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "user"], name="credit_once_per_person")]
        indexes = [
            models.Index(fields=["user", "rated_at"], name="credit_user_idx"),
            models.Index(fields=["completed_at"], name="credit_completed_idx"),
        ]

    def __str__(self):
        return f"{self.rating}/5 for {staff_name(self.user)} on {self.order}"


class ClaimQuerySet(TransitionsOnlyQuerySet["Claim"]):
    state_field = "state"


class Claim(ConcurrentTransitionMixin, models.Model):
    """An unhappy customer's case for an inspector: Created → In work → Resolved or Failed, and no other path."""

    class State(models.TextChoices):
        CREATED = "created", "Created"
        IN_WORK = "in_work", "In work"
        RESOLVED = "resolved", "Resolved"
        FAILED = "failed", "Failed"

    OPEN_STATES = [State.CREATED, State.IN_WORK]

    state = FSMField(default=State.CREATED, choices=State.choices, protected=True)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="claims")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="claims")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="claims")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    request = models.ForeignKey(
        FeedbackRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    reason = models.TextField()
    due_at = models.DateTimeField()
    is_overdue = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
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
        return f"Claim {self.pk} on {self.order}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @transition(field=state, source=State.CREATED, target=State.IN_WORK)
    def take(self):
        pass

    @transition(field=state, source=State.IN_WORK, target=State.RESOLVED)
    def resolve(self):
        pass

    @transition(field=state, source=State.IN_WORK, target=State.FAILED)
    def fail(self):
        pass


class ClaimEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", "Opened"
        TAKEN = "taken", "Taken in work"
        NOTE = "note", "Note"
        RESOLVED = "resolved", "Resolved"
        FAILED = "failed", "Failed"
        OVERDUE = "overdue", "Overdue"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.text
