"""The shop's customers, found again by phone or email."""

import zoneinfo

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

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
    timezone = models.CharField(_("timezone"), max_length=64, blank=True, validators=[validate_timezone])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

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
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The customer's own zone when known, else the shop's."""
        return zoneinfo.ZoneInfo(self.timezone) if self.timezone else self.shop.zone


class CustomerEvent(models.Model):
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
