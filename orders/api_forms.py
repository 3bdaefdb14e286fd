"""The storefront API's input: what a shop's system sends, validated before intake and the event endpoints."""

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.fields import CustomerContactForm
from orders.models import Customer, DeliveryState, Order
from orders.models.orders import delivery_slot_errors
from orders.selectors.documents import CHANGES_LIMIT_DEFAULT, CHANGES_LIMIT_MAX, BadCursor, cursor_decode


def delivery_slot_check(form: forms.Form) -> None:
    """A form's delivery slot refused beside its fields (Order.clean's rule), once the fields themselves are
    valid (every form that takes a slot: intake, New order, Edit)."""
    if not any(name in form.errors for name in SLOT):
        for field, error in delivery_slot_errors(*(form.cleaned_data.get(name) for name in SLOT)).items():
            form.add_error(field, error)


SLOT = ("delivery_date", "delivery_time_from", "delivery_time_to")


class TextOnly:
    """JSON may carry a number, a list or an object where a date or a time belongs: refused as invalid, not a
    crash (Django's date fields strip() what they are given)."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, str):  # type: ignore[attr-defined]
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")  # type: ignore[attr-defined]
        return super().to_python(value)  # type: ignore[misc]


class DayField(TextOnly, forms.DateField):
    pass


class TimeOfDayField(TextOnly, forms.TimeField):
    pass


class IntakeCustomerForm(CustomerContactForm):
    type = forms.ChoiceField(choices=Customer.LegalType.choices, required=False)
    vip = forms.BooleanField(required=False)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "phone": data["phone"],
            "email": data["email"],
            "legal_type": data["type"],  # empty: keep what we know (a new customer is a person)
            "is_vip": data["vip"],
        }


class IntakeItemForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)
    name = forms.CharField(label=_("Name"), max_length=200)
    qty = forms.IntegerField(label=_("Qty"), min_value=1, max_value=100000)
    price = forms.DecimalField(label=_("Price"), min_value=0, max_digits=12, decimal_places=2)


# The longest storefront id intake takes (the order's column).
EXTERNAL_ID_LENGTH = 64


class IntakeOrderForm(forms.Form):
    external_id = forms.CharField(max_length=EXTERNAL_ID_LENGTH)
    method = forms.ChoiceField(choices=Order.Method.choices, required=False)
    region = forms.CharField(max_length=80, required=False)
    comment = forms.CharField(max_length=2000, required=False)
    delivery_address = forms.CharField(max_length=500, required=False)
    payment_method = forms.ChoiceField(choices=Order.PaymentMethod.choices, required=False)
    delivery_method = forms.ChoiceField(choices=Order.DeliveryMethod.choices, required=False)
    delivery_date = DayField(input_formats=["%Y-%m-%d"], required=False)
    delivery_time_from = TimeOfDayField(input_formats=["%H:%M"], required=False)
    delivery_time_to = TimeOfDayField(input_formats=["%H:%M"], required=False)

    def clean(self):
        data = super().clean()
        delivery_slot_check(self)
        return data


class PaymentForm(forms.Form):
    """A payment event: its state, this event's amount, and the storefront's id for the payment (a retry's key)."""

    state = forms.ChoiceField(
        choices=[
            (state, state)
            for state in (
                Order.PaymentState.PAID,
                Order.PaymentState.PARTLY_PAID,
                Order.PaymentState.FAILED,
                Order.PaymentState.REFUNDED,
            )
        ]
    )
    amount = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)
    payment_id = forms.CharField(max_length=64, required=False)


class MomentField(forms.DateTimeField):
    """An ISO 8601 moment in JSON or a query string: a string ("2026-12-07T10:00:00+03:00", "…Z"; without an
    offset, the desk's time zone unless `offset_required`), never a number or an object (refused as invalid, not a
    crash). A "+" that a query string turned into a space is read back as the "+" it was."""

    def __init__(self, *, offset_required: bool = False, **kwargs):
        self.offset_required = offset_required
        super().__init__(input_formats=["iso-8601"], **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        text = value.strip()
        if len(text) > 6 and text[-6] == " " and text[-5:-3].isdigit():
            text = f"{text[:-6]}+{text[-5:]}"
        if self.offset_required:
            try:
                if datetime.fromisoformat(text).tzinfo is None:
                    raise forms.ValidationError("Give the moment's offset, e.g. +03:00 or Z.", code="offset")
            except ValueError:
                pass  # the parse below says it is invalid
        return super().to_python(text)


class DeliveryForm(forms.Form):
    """A carrier's report as the storefront forwards it."""

    carrier = forms.CharField(max_length=64)
    tracking_code = forms.CharField(max_length=64, required=False)
    state = forms.ChoiceField(choices=DeliveryState.choices)
    at = MomentField()
    location = forms.CharField(max_length=200, required=False)

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at > timezone.now() + timedelta(hours=1):
            raise forms.ValidationError("This moment is in the future.")
        return at


class OrderChangesForm(forms.Form):
    """The changes list's query: orders changed at or after `updated_since`, a page after `cursor`."""

    updated_since = MomentField(required=False, offset_required=True)
    cursor = forms.CharField(required=False, max_length=200)
    limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=CHANGES_LIMIT_MAX,
        error_messages={"invalid": "Enter a whole number."},
    )

    def clean_cursor(self):
        cursor = self.cleaned_data["cursor"]
        if not cursor:
            return None
        try:
            return cursor_decode(cursor)
        except BadCursor as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_limit(self):
        limit = self.cleaned_data["limit"]
        return CHANGES_LIMIT_DEFAULT if limit is None else limit
