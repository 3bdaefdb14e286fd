"""Shops with their hours and storefront keys, and the desk-wide settings the admin edits."""

import hashlib
import zoneinfo
from datetime import time, timedelta
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator, validate_email
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orders.durations import validate_not_negative_duration, validate_positive_duration
from orders.payment_links import validate_payment_link_template
from orders.phones import phone_normalize

WORKING_DAYS = RegexValidator(r"^[1-7]{1,7}$", _("List ISO weekdays as digits, e.g. 12345 for Monday to Friday."))


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            gettext("Unknown time zone %(zone)s; use a name like Europe/Moscow.") % {"zone": repr(value)}
        )


def hash_api_key(key: str) -> str:
    # Keys are long random tokens, so a fast hash is enough; the raw key is never stored.
    return hashlib.sha256(key.encode()).hexdigest()


class Currency(models.TextChoices):
    """The money a shop sells in (ISO 4217), shown with its sign."""

    RUB = "RUB", _("Russian rouble (₽)")
    KZT = "KZT", _("Kazakh tenge (₸)")
    BYN = "BYN", _("Belarusian rouble (Br)")
    USD = "USD", _("US dollar ($)")
    EUR = "EUR", _("Euro (€)")


class Shop(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    timezone = models.CharField(
        _("timezone"), max_length=64, default="Europe/Moscow", validators=[validate_timezone]
    )
    always_open = models.BooleanField(_("open 24/7"), default=False)
    opens_at = models.TimeField(_("opens at"), default=time(9, 0))
    closes_at = models.TimeField(_("closes at"), default=time(21, 0))
    working_days = models.CharField(
        _("working days"),
        max_length=7,
        default="1234567",
        validators=[WORKING_DAYS],
        help_text=_("ISO weekdays, 1 = Monday."),
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB)
    customer_language = models.CharField(
        _("customers' language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="ru",
        help_text=_(
            "Messages to the shop's customers, its rating pages and its automatic replies are in this language."
        ),
    )
    quiet_from = models.TimeField(
        _("quiet hours from"),
        default=time(21, 0),
        help_text=_("No calls or messages to a customer from this time, on the customer's clock."),
    )
    quiet_to = models.TimeField(
        _("quiet hours until"),
        default=time(9, 0),
        help_text=_(
            "Calls and messages resume at this time, on the customer's clock. Quiet hours cannot cover midday."
        ),
    )
    api_requests_per_minute = models.PositiveIntegerField(
        _("storefront requests per minute"),
        default=120,
        validators=[MinValueValidator(1)],
        help_text=_("Over this, the storefront API answers 429 with Retry-After (all the shop's keys together)."),
    )
    first_reply_within = models.DurationField(
        _("first reply within"),
        default=timedelta(minutes=5),
        validators=[validate_positive_duration],
        help_text=_("A conversation's first-reply clock, in the shop's working hours."),
    )
    payment_link_template = models.CharField(
        _("payment link"),
        max_length=500,
        blank=True,
        validators=[validate_payment_link_template],
    )

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if not self.always_open and self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            errors["closes_at"] = gettext("Closing time must be after opening time (or tick 24/7).")
        if self.quiet_from is not None and self.quiet_to is not None:
            quiet = self.quiet_error()
            if quiet:
                errors["quiet_to"] = quiet
        if errors:
            raise ValidationError(errors)

    def quiet_error(self) -> str:
        """What is wrong with the quiet hours ("" when nothing): they are the customer's night, so they start and
        end at different times and leave midday free (quiet hours over midday are day and night swapped)."""
        if self.quiet_from == self.quiet_to:
            return str(_("Quiet hours must start and end at different times, e.g. from 21:00 until 09:00."))
        if self.is_quiet_at(time(12)):
            return str(
                _(
                    "Quiet hours from %(start)s until %(end)s would cover midday: they are the customer's night "
                    "(e.g. from 21:00 until 09:00). Did you swap them?"
                )
                % {"start": f"{self.quiet_from:%H:%M}", "end": f"{self.quiet_to:%H:%M}"}
            )
        return ""

    def is_quiet_at(self, moment: time) -> bool:
        """Whether a wall-clock time falls in the quiet hours (across midnight when they start later than they
        end; equal times, which the admin form refuses, would be none)."""
        if self.quiet_from > self.quiet_to:
            return moment >= self.quiet_from or moment < self.quiet_to
        return self.quiet_from <= moment < self.quiet_to

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def hours_label(self) -> str:
        if self.always_open:
            return "24/7"
        return f"{self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


def default_escalation_grace() -> timedelta:
    return timedelta(minutes=settings.ORDERDESK["ESCALATION_GRACE_MINUTES"])


class ShopAddress(models.Model):
    """A number or address customers write (or call) to: which shop a conversation belongs to."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")
        EMAIL = "email", _("Email")
        VOICE = "voice", _("Voice calls")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("shop"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # A phone in E.164 (SMS, WhatsApp, voice calls), or an email address in lower case.
    address = models.CharField(_("number or address"), max_length=254)

    class Meta:
        verbose_name = _("shop's number or address")
        verbose_name_plural = _("shop's numbers and addresses")
        ordering = ["shop", "channel", "address"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="shop_address_unique"),
        ]

    def __str__(self):
        return self.address

    def clean(self):
        """Kept the way messages arrive: a phone in E.164, an email address in lower case."""
        if self.channel == self.Channel.EMAIL:
            try:
                validate_email(self.address)
            except ValidationError as exc:
                raise ValidationError(
                    {"address": gettext("Enter an email address, e.g. shop@example.com.")}
                ) from exc
            self.address = self.address.strip().lower()
        elif self.channel:
            try:
                self.address = phone_normalize(self.address)
            except ValidationError as exc:
                raise ValidationError({"address": exc.messages}) from exc


class SingletonSettings(models.Model):
    """A settings table with one row, edited in admin; `load()` creates it with its defaults."""

    class Meta:
        abstract = True

    @classmethod
    def load(cls) -> Self:
        return cls._default_manager.get_or_create(pk=1)[0]


class DeskSettings(SingletonSettings):
    """Site-wide defaults the admin edits (one row)."""

    escalation_grace = models.DurationField(
        _("escalation grace"),
        default=default_escalation_grace,
        validators=[validate_not_negative_duration],
        help_text=_("How long an order stays overdue before supervisors are alerted."),
    )

    class Meta:
        verbose_name = _("desk settings")
        verbose_name_plural = _("desk settings")

    def __str__(self):
        return gettext("Desk settings")
