"""The storefront API's input: what a shop's system sends, validated before intake and the event endpoints."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.fields import CustomerContactForm
from orders.models import Customer, DeliveryState, Order
from orders.models.orders import delivery_slot_errors


def delivery_slot_check(form: forms.Form) -> None:
    """A form's delivery slot refused beside its fields (Order.clean's rule), once the fields themselves are
    valid (every form that takes a slot: intake, New order, Edit)."""
    if not any(name in form.errors for name in SLOT):
        for field, error in delivery_slot_errors(*(form.cleaned_data.get(name) for name in SLOT)).items():
            form.add_error(field, error)


SLOT = ("delivery_date", "delivery_time_from", "delivery_time_to")


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


class IntakeOrderForm(forms.Form):
    external_id = forms.CharField(max_length=64)
    method = forms.ChoiceField(choices=Order.Method.choices, required=False)
    region = forms.CharField(max_length=80, required=False)
    comment = forms.CharField(max_length=2000, required=False)
    delivery_address = forms.CharField(max_length=500, required=False)
    payment_method = forms.ChoiceField(choices=Order.PaymentMethod.choices, required=False)
    delivery_method = forms.ChoiceField(choices=Order.DeliveryMethod.choices, required=False)
    delivery_date = forms.DateField(input_formats=["%Y-%m-%d"], required=False)
    delivery_time_from = forms.TimeField(input_formats=["%H:%M"], required=False)
    delivery_time_to = forms.TimeField(input_formats=["%H:%M"], required=False)

    def clean(self):
        data = super().clean()
        delivery_slot_check(self)
        return data


class PaymentForm(forms.Form):
    state = forms.ChoiceField(choices=[(Order.PaymentState.PAID, "paid"), (Order.PaymentState.FAILED, "failed")])
    amount = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)


class DeliveryForm(forms.Form):
    """A carrier's report as the storefront forwards it."""

    carrier = forms.CharField(max_length=64)
    tracking_code = forms.CharField(max_length=64, required=False)
    state = forms.ChoiceField(choices=DeliveryState.choices)
    at = forms.DateTimeField(input_formats=["iso-8601"])
    location = forms.CharField(max_length=200, required=False)

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at > timezone.now() + timedelta(hours=1):
            raise forms.ValidationError("This moment is in the future.")
        return at
