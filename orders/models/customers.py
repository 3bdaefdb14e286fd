"""The shop's customers, found again by phone or email."""

import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import Phrased
from orders.models.shops import Shop, validate_timezone

E164 = RegexValidator(r"^\+[1-9]\d{6,14}$", _("Enter the phone in international format, e.g. +79161234567."))


class CustomerQuerySet(models.QuerySet["Customer"]):
    def by_contact(self, *, phone: str, email: str) -> "CustomerQuerySet":
        """How a shop finds a customer again: by phone; without one, by email in any case, whether or not the
        customer also has a phone (the longest known first, should two share it)."""
        if phone:
            return self.filter(phone=phone)
        if email:
            return self.filter(email__iexact=email).order_by("pk")
        return self.none()


class ZoneSource(models.TextChoices):
    """Where a customer's time zone comes from, the first that knows: staff who set it by hand, the place of
    their delivery address or order region, a phone number that pins one zone, else the shop's (a guess)."""

    MANUAL = "manual", _("set by hand")
    ADDRESS = "address", _("from the address")
    PHONE = "phone", _("from the phone number")
    SHOP = "shop", _("as the shop's")


@dataclass(frozen=True)
class CustomerZone:
    zone: zoneinfo.ZoneInfo
    source: str  # a ZoneSource
    place: str = ""  # the city or region the address named


class Customer(models.Model):
    class LegalType(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="customers", verbose_name=_("shop"))
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=16, blank=True, validators=[E164])
    email = models.EmailField(_("email"), blank=True)
    legal_type = models.CharField(
        _("legal type"), max_length=8, choices=LegalType.choices, default=LegalType.PERSON
    )
    is_vip = models.BooleanField(_("VIP"), default=False)
    responsible_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
        verbose_name=_("responsible manager"),
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text=_("Set by hand by staff who know; blank: the desk works it out from the address or phone."),
    )
    # Worked out by the services that change an address, a region or a phone (`customer_zone_derive`).
    derived_timezone = models.CharField(max_length=64, blank=True, editable=False)
    timezone_source = models.CharField(
        max_length=8, choices=ZoneSource.choices, default=ZoneSource.SHOP, editable=False
    )
    timezone_place = models.CharField(max_length=120, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "phone"], condition=~Q(phone=""), name="customer_unique_phone_per_shop"
            ),
            models.CheckConstraint(condition=~Q(phone="", email=""), name="customer_has_contact"),
        ]
        # A shop finds a customer by email in any case (`by_contact`: email__iexact, UPPER() on PostgreSQL).
        indexes = [models.Index(F("shop"), Upper("email"), name="customer_shop_email_ci_idx")]

    def __str__(self):
        return str(self.shown_name)

    @property
    def shown_name(self) -> str:
        """The name, or "unknown" for someone who wrote in and has not been named yet (only a phone or email)."""
        return self.name or gettext("unknown")

    @property
    def zone_found(self) -> CustomerZone:
        """The customer's zone and where it came from: set by hand, else the one derived from their address or
        phone, else the shop's. Everything that keeps out of the customer's night reads this."""
        if self.timezone:
            return CustomerZone(zoneinfo.ZoneInfo(self.timezone), ZoneSource.MANUAL)
        if self.derived_timezone:
            return CustomerZone(
                zoneinfo.ZoneInfo(self.derived_timezone), self.timezone_source, self.timezone_place
            )
        return CustomerZone(self.shop.zone, ZoneSource.SHOP)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return self.zone_found.zone


class CustomerEvent(Phrased):
    """Append-only history of a customer's details: who changed what, when."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="events", verbose_name=_("customer")
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
        verbose_name = _("customer history line")
        verbose_name_plural = _("customer history lines")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="customerevent_customer_idx")]

    def __str__(self):
        return self.text
