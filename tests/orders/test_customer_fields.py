"""A customer's name, phone and email are declared once (`orders.fields`): the storefront's intake, New order and
the customer page take them with the same labels, lengths and validation, and refuse them in the same words."""

import pytest

from orders.api_forms import IntakeCustomerForm
from orders.forms import CustomerForm, NewOrderForm
from orders.models import Shop
from tests.factories import ShopFactory, free_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def forms_taking_a_customer():
    shop = ShopFactory(always_open=True)
    anna = free_manager(username="anna", shops=[shop])

    def each(data: dict) -> list:
        return [
            IntakeCustomerForm(data),
            NewOrderForm({**data, "shop": shop.pk, "method": "phone"}, shops=Shop.objects.all(), user=anna),
            CustomerForm(data),
        ]

    return each


def test_name_phone_and_email_have_the_same_label_length_and_kind_in_every_form(forms_taking_a_customer):
    forms = forms_taking_a_customer({})
    for name in ("name", "phone", "email"):
        fields = [form.fields[name] for form in forms]
        described = {(type(field), str(field.label), field.max_length) for field in fields}
        assert len(described) == 1, (name, described)


@pytest.mark.parametrize(
    ("typed", "field", "error"),
    [
        ({"name": "Olga", "phone": "12"}, "phone", "This is not a phone number in use"),
        ({"name": "Olga", "phone": "+7 916"}, "phone", "This is not a phone number in use"),
        ({"name": "Olga", "phone": "x" * 33}, "phone", "at most 32 characters"),
        ({"name": "Olga", "email": "olga@"}, "email", "Enter a valid email address."),
        ({"name": "O" * 201, "phone": "+79161234567"}, "name", "at most 200 characters"),
        ({"name": "Olga"}, "__all__", "Give the customer's phone or email: the desk finds the customer by them."),
    ],
)
def test_each_form_refuses_a_customer_in_the_same_words(forms_taking_a_customer, typed, field, error):
    forms = forms_taking_a_customer(typed)
    refusals = {" ".join(form.errors.get(field, [])) for form in forms if not form.is_valid()}
    assert len(refusals) == 1 and error in refusals.pop()


def test_each_form_keeps_a_phone_typed_any_common_way_in_e164(forms_taking_a_customer):
    for form in forms_taking_a_customer(
        {"name": "Olga", "phone": "8 (916) 123-45-67", "email": "olga@example.com"}
    ):
        assert form.is_valid(), form.errors
        assert form.cleaned_data["phone"] == "+79161234567"
