"""A customer's name, phone and email, declared once for every form that takes them: the storefront's intake,
New order, editing a customer's details. Each form gets the same label, length, validation and error text, and a
phone typed any common way is kept in E.164 (`orders.phones`). Also `model_choice`, a form's choice of rows read
as what it is, for every form whose rows are set per person."""

from typing import Any, cast

from django import forms
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from orders.models import Customer
from orders.phones import phone_normalize

# Typed phones carry spaces, dashes and brackets ("+7 (916) 123-45-67") before they are normalised.
PHONE_TYPED_MAX_LENGTH = 32


def _stored_length(name: str) -> int | None:
    """As long as the customer's column keeps."""
    return cast(models.CharField, Customer._meta.get_field(name)).max_length


def model_choice(form: forms.BaseForm, name: str) -> "forms.ModelChoiceField[Any]":
    """The form's choice of rows by this name, whose rows are set per person."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class PhoneField(forms.CharField):
    """A phone as people type it ("8 916 123-45-67"), cleaned to E.164 ("+79161234567"), or "" when left empty."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Phone"))
        kwargs.setdefault("required", False)
        super().__init__(max_length=PHONE_TYPED_MAX_LENGTH, **kwargs)

    def clean(self, value: Any) -> str:
        phone = super().clean(value)
        return phone_normalize(phone) if phone else ""


def customer_name_field(**kwargs: Any) -> forms.CharField:
    kwargs.setdefault("label", _("Name"))
    return forms.CharField(max_length=_stored_length("name"), **kwargs)


def customer_email_field(**kwargs: Any) -> forms.EmailField:
    kwargs.setdefault("label", _("Email"))
    kwargs.setdefault("required", False)
    return forms.EmailField(max_length=_stored_length("email"), **kwargs)


class CustomerContactForm(forms.Form):
    """A customer is found again by phone or email: a form with both needs one of them."""

    name = customer_name_field()
    phone = PhoneField()
    email = customer_email_field()

    contact_missing = _("Give the customer's phone or email: the desk finds the customer by them.")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("phone") and not data.get("email") and not self.errors:
            raise forms.ValidationError(self.contact_missing, code="contact_missing")
        return data


class _LocaleInput:
    """A date box that shows and takes what the reader's language writes (config/formats: "07.12.2026 13:04" in
    Russian, "07 Dec 2026 13:04" in English), where the browser's own date inputs write the browser's convention
    ("12/07/2026, 02:05 PM" beside "7 Dec, 13:04"). `data-format` tells the page's quick picks how to fill it."""

    format_key: str

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)  # type: ignore[misc]
        input_format = formats.get_format(self.format_key)[0]
        example = formats.localize_input(timezone.localtime(), input_format)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("placeholder", pgettext("date box", "e.g. %(example)s") % {"example": example})
        widget_attrs["data-format"] = input_format
        widget_attrs.setdefault("autocomplete", "off")
        return context


class LocaleDateTimeInput(_LocaleInput, forms.DateTimeInput):
    pass


class LocaleDateInput(_LocaleInput, forms.DateInput):
    pass
