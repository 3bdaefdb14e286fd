import re
import zoneinfo
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from crispy_forms.bootstrap import FieldWithButtons, StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field
from django import forms
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core import roles
from core.people import staff_name
from orders.api_forms import IntakeItemForm, delivery_slot_check
from orders.fields import (
    CustomerContactForm,
    LocaleDateInput,
    LocaleDateTimeInput,
    customer_name_field,
    model_choice,
)
from orders.layouts import FIELDS_ONLY, page_helper
from orders.models import CallOutcome, Customer, Order, Shop, Task
from orders.selectors import customer_find
from orders.services import SLOT_FIELDS
from orders.zones import zone_choices

if TYPE_CHECKING:  # the mixins below sit before forms.Form, whose methods they extend
    FormMixin = forms.Form
else:
    FormMixin = object

# How the customer pays and receives the order, as a person chooses it ("—": not known yet).
PAYMENT_METHODS = [("", "—"), *Order.PaymentMethod.choices]
DELIVERY_METHODS = [("", "—"), *Order.DeliveryMethod.choices]


# A time typed as 14:00 whatever the browser's locale (its own time box shows 2:00 PM to some).
def slot_time(example: str) -> forms.TimeInput:
    return forms.TimeInput(format="%H:%M", attrs={"placeholder": example, "inputmode": "numeric", "maxlength": 5})


def slot_row() -> Div:
    """The delivery slot's two ends on one line."""
    return Div(
        Div("delivery_time_from", css_class="col-6"), Div("delivery_time_to", css_class="col-6"), css_class="row"
    )


# How far ahead a delivery may be planned: further than this is a typo in the year.
DELIVERY_HORIZON_DAYS = 365


def delivery_date_check(form, day, zone) -> None:
    """A delivery date is today or later in the shop's zone, and within a year."""
    today = timezone.localdate(timezone=zone)
    if day < today:
        form.add_error("delivery_date", gettext("This date has passed: deliveries are planned from today on."))
    elif day > today + timedelta(days=DELIVERY_HORIZON_DAYS):
        form.add_error(
            "delivery_date",
            ngettext(
                "Plan deliveries at most %(days)s day ahead.",
                "Plan deliveries at most %(days)s days ahead.",
                DELIVERY_HORIZON_DAYS,
            )
            % {"days": DELIVERY_HORIZON_DAYS},
        )


class StatusChangeForm(forms.Form):
    target = forms.SlugField(max_length=32, widget=forms.HiddenInput)
    # The status the person saw when they pressed the button.
    expected_status = forms.SlugField(max_length=32, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    @property
    def cancel_helper(self) -> FormHelper:
        """The cancel step: why, and the step's button (`status` in the page's context) beside the box."""
        return page_helper(
            "target",
            "expected_status",
            FieldWithButtons(
                Field("reason", placeholder=_("Why is the order cancelled?"), required=True),
                StrictButton("{{ status.name }}", type="submit", css_class="btn-danger"),
            ),
            form_show_labels=False,
        )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=500,
        widget=forms.Textarea(
            # Its own id: the task form on the same page has a "text" field too.
            attrs={"rows": 2, "placeholder": _("What happened, what's next"), "maxlength": 500, "id": "note-text"}
        ),
    )

    @property
    def helper(self) -> FormHelper:
        return page_helper(
            FieldWithButtons("text", StrictButton(_("Add note"), type="submit", css_class="btn-outline-primary")),
            form_show_labels=False,
        )


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of staff, each named as the desk names them."""

    def label_from_instance(self, obj: User) -> str:
        return staff_name(obj)


class ReassignForm(forms.Form):
    manager = PersonChoiceField(label=_("Manager"), queryset=None, empty_label=_("Choose a manager"))
    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False, widget=forms.TextInput(attrs={"placeholder": _("Why")})
    )

    def __init__(self, *args, managers, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "manager").queryset = managers

    @property
    def helper(self) -> FormHelper:
        """The order page's: a manager, then why beside the button."""
        return page_helper(
            Field("manager", css_class="form-select-sm"),
            FieldWithButtons(
                Field("reason", css_class="form-control-sm", aria_label=_("Why")),
                StrictButton(_("Reassign"), type="submit", css_class="btn-sm btn-outline-primary"),
            ),
            form_show_labels=False,
        )

    @property
    def responsible_helper(self) -> FormHelper:
        """The customer page's: a manager beside the button."""
        return page_helper(
            FieldWithButtons(
                Field("manager", css_class="form-select-sm", aria_label=_("Manager")),
                StrictButton(_("Set"), type="submit", css_class="btn-sm btn-outline-primary"),
            ),
            form_show_labels=False,
        )


class BulkReassignForm(ReassignForm):
    """Several orders at once, from the list or the dashboard; `orders` is what the supervisor may see."""

    orders: "forms.ModelMultipleChoiceField[Order]" = forms.ModelMultipleChoiceField(
        label=_("Orders"), queryset=None, error_messages={"required": _("Tick the orders to reassign.")}
    )
    ticked: set[int]  # the orders that were ticked, when the form comes back refused

    def __init__(self, *args, orders, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "orders").queryset = orders

    @property
    def helper(self) -> FormHelper:
        """One line above the list: the manager, why, the button; the orders are ticked in the list's rows."""
        return page_helper(
            Div(
                HTML(
                    format_html(
                        '<div class="col-12 col-md-auto small fw-semibold"><i class="bi bi-people"></i> {}</div>',
                        _("Reassign ticked orders to"),
                    )
                ),
                Div(
                    Field("manager", css_class="form-select-sm", aria_label=_("Manager")),
                    css_class="col-12 col-md-3",
                ),
                Div(
                    Field(
                        "reason", css_class="form-control-sm", placeholder=_("Why (optional)"), aria_label=_("Why")
                    ),
                    css_class="col-12 col-md",
                ),
                Div(
                    StrictButton(_("Reassign"), type="submit", css_class="btn-sm btn-primary"),
                    css_class="col-12 col-md-auto",
                ),
                css_class="row g-2 align-items-center",
            ),
            form_show_labels=False,
        )


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Task.Kind.choices, initial=Task.Kind.CALL)
    text = forms.CharField(
        label=_("Text"), max_length=200, widget=forms.TextInput(attrs={"placeholder": _("What to do")})
    )
    due_at = forms.DateTimeField(label=_("Due at"), widget=LocaleDateTimeInput)
    assignee = PersonChoiceField(label=_("Assignee"), queryset=None, empty_label=None)
    about_customer = forms.BooleanField(required=False, label=_("About the customer in general, not this order"))

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "assignee").queryset = colleagues

    @property
    def helper(self) -> FormHelper:
        """One line of boxes, then the due-time shortcuts, "about the customer" and the button."""
        return page_helper(
            Div(
                Div(Field("kind", css_class="form-select-sm", aria_label=_("Kind")), css_class="col-sm-2"),
                Div(Field("text", css_class="form-control-sm", aria_label=_("What to do")), css_class="col-sm-4"),
                Div(Field("due_at", css_class="form-control-sm", aria_label=_("Due")), css_class="col-sm-3"),
                Div(Field("assignee", css_class="form-select-sm", aria_label=_("For")), css_class="col-sm-3"),
                css_class="row g-2",
            ),
            Div(
                HTML('{% include "orders/_due_shortcuts.html" %}'),
                Field("about_customer", template="bootstrap5/layout/inline_field.html", wrapper_class="small"),
                StrictButton(_("Plan it"), type="submit", css_class="btn-sm btn-primary ms-auto"),
                css_class="d-flex flex-wrap align-items-center gap-3",
            ),
            form_show_labels=False,
        )

    def service_kwargs(self, order: Order) -> dict:
        data = self.cleaned_data
        return {
            "customer": order.customer,
            "order": None if data["about_customer"] else order,
            "assignee": data["assignee"],
            "kind": data["kind"],
            "text": data["text"],
            "due_at": data["due_at"],
        }


class TaskDoneForm(forms.Form):
    """Closing a task, with the next step when it was the order's last one."""

    next_kind = forms.ChoiceField(label=_("Next kind"), choices=Task.Kind.choices, required=False)
    next_text = forms.CharField(
        label=_("Next text"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Confirm delivery time")}),
    )
    next_due_at = forms.DateTimeField(label=_("Next due at"), required=False, widget=LocaleDateTimeInput)
    without_next_step = forms.BooleanField(required=False)  # a button of the page's

    @property
    def helper(self) -> FormHelper:
        return page_helper(
            Div(
                Div(Field("next_kind", css_class="form-select-sm", aria_label=_("Kind")), css_class="col-sm-3"),
                Div(
                    Field("next_text", css_class="form-control-sm", aria_label=_("Next step")),
                    css_class="col-sm-5",
                ),
                Div(Field("next_due_at", css_class="form-control-sm", aria_label=_("Due")), css_class="col-sm-4"),
                css_class="row g-2",
            ),
            form_show_labels=False,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # a form's clean() returns its cleaned_data
        if bool(data.get("next_text")) != bool(data.get("next_due_at")) and not self.errors:
            raise forms.ValidationError(_("Give the next step both a description and a due time."))
        return data

    def next_step(self, assignee) -> dict | None:
        data = self.cleaned_data
        if not data.get("next_text"):
            return None
        kind = data["next_kind"] or Task.Kind.CALL
        return {"assignee": assignee, "kind": kind, "text": data["next_text"], "due_at": data["next_due_at"]}


class CallForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallOutcome.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    @property
    def helper(self) -> FormHelper:
        """What was said; the outcomes are the page's buttons (`name="outcome"`)."""
        placeholder = _("What was said (optional)")
        return page_helper(
            Field("note", css_class="form-control-sm", placeholder=placeholder, aria_label=placeholder),
            form_show_labels=False,
        )


class NewOrderForm(CustomerContactForm):
    """An order a customer phones in, typed by a manager or supervisor. A known customer's details are shown, not
    retyped: they change only when the person ticks `update_details`."""

    shop: "forms.ModelChoiceField[Shop]" = forms.ModelChoiceField(label=_("Shop"), queryset=None, empty_label=None)
    name = customer_name_field(required=False)  # a known customer's is shown, not retyped
    update_details = forms.BooleanField(
        required=False, label=_("Update the known customer's name and email with what is typed here")
    )
    method = forms.ChoiceField(label=_("Method"), choices=Order.Method.choices, initial=Order.Method.PHONE)
    delivery_address = forms.CharField(
        label=_("Delivery address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    payment_method = forms.ChoiceField(label=_("Payment"), choices=PAYMENT_METHODS, required=False)
    delivery_method = forms.ChoiceField(label=_("Delivery"), choices=DELIVERY_METHODS, required=False)
    delivery_date = forms.DateField(label=_("Delivery date"), required=False, widget=LocaleDateInput)
    delivery_time_from = forms.TimeField(label=_("Delivery from"), required=False, widget=slot_time("14:00"))
    delivery_time_to = forms.TimeField(label=_("Delivery until"), required=False, widget=slot_time("16:00"))
    comment = forms.CharField(
        max_length=2000, required=False, label=_("Manager's note"), widget=forms.Textarea(attrs={"rows": 2})
    )
    take_it = forms.BooleanField(required=False, label=_("I'll take it (it becomes mine, within my quota)"))

    def __init__(self, *args, shops, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.known: Customer | None = (
            None  # the shop's customer with this phone or email, once the form is cleaned
        )
        model_choice(self, "shop").queryset = shops
        if (
            not shops.exists()
        ):  # a grant of no shop: an empty list to choose from, and "required" said nothing more
            no_shop = gettext(
                "You are granted no shop, so no order can be typed in: an admin grants shops in Access grants."
            )
            self.fields["shop"].help_text = self.fields["shop"].error_messages["required"] = no_shop

    @property
    def customer_helper(self) -> FormHelper:
        """The customer card: who it is, the known customer the phone or email finds, and the choice to update
        their details (shown for a known customer only)."""
        return page_helper(
            Div(
                Div("shop", css_class="col-sm-6"),
                Div(Field("phone", placeholder="8 916 123-45-67"), css_class="col-sm-6"),
                Div("email", css_class="col-sm-6"),
                Div("name", css_class="col-sm-6"),
                css_class="row",
            ),
            HTML(
                '<div id="known-customer" data-url="{% url \'orders:new_customer\' %}"'
                ' data-testid="known-customer"></div>'
            ),
            Div("update_details", css_class="mt-2" if self.known else "mt-2 d-none", data_update_details=True),
        )

    @property
    def order_helper(self) -> FormHelper:
        """The order card: how, where and when; "I'll take it" for managers, who have a quota."""
        return page_helper(
            Div(Div("method", css_class="col-sm-6"), Div("payment_method", css_class="col-sm-6"), css_class="row"),
            Div(
                Div("delivery_method", css_class="col-sm-6"),
                Div("delivery_date", css_class="col-sm-6"),
                css_class="row",
            ),
            slot_row(),
            "delivery_address",
            "comment",
            *(["take_it"] if roles.is_manager(self.user) else []),
            template=FIELDS_ONLY,
        )

    def clean(self):
        data = super().clean()
        if data.get("shop") and data.get("delivery_date"):
            delivery_date_check(self, data["delivery_date"], data["shop"].zone)
        delivery_slot_check(self)
        if self.errors or not data.get("shop"):
            return data
        found = customer_find(user=self.user, shop_id=data["shop"].pk, phone=data["phone"], email=data["email"])
        self.known = found.customer if found is not None else None
        if self.known is None and not data.get("name"):
            self.add_error("name", _("Give the customer's name: they are new to this shop."))
        elif self.known is not None and data.get("update_details") and not data.get("name"):
            self.add_error("name", _("Give the name to keep, or untick updating the customer's details."))
        if found is not None and found.email_owner is not None and data.get("update_details"):
            # Copying another customer's email onto this one is not an update anyone would see happen.
            self.add_error(
                "email",
                gettext(
                    "This email belongs to %(owner)s, another customer of this shop: type %(customer)s's own "
                    "email, or untick updating the customer's details."
                )
                % {"owner": found.email_owner.name, "customer": found.customer.name},
            )
        return data

    def service_kwargs(self, *, items: list[dict], by) -> dict:
        data = self.cleaned_data
        kept = None if data["update_details"] else self.known  # the known customer, kept as the desk knows them
        return {
            "shop": data["shop"],
            "customer": {
                # A known customer stays as the desk knows them unless the person chose to change them.
                # A known customer with no name yet (a caller, a message) takes the name typed.
                "name": kept.name or data["name"] if kept is not None else data["name"],
                "phone": data["phone"],
                "email": kept.email if kept is not None else data["email"],
                "legal_type": "",
                "is_vip": False,
            },
            "items": items,
            "method": data["method"],
            "comment": data["comment"],
            "delivery_address": data["delivery_address"],
            **{field: data[field] for field in SLOT_FIELDS},
            "by": by,
            "taken_by": by if data["take_it"] else None,
        }


class OrderItemForm(IntakeItemForm):
    """One row of items on the new order and edit pages: a table row, a box in each cell (`_item_row.html`).
    A person types and reads the price as their language writes it ("1890,50" in Russian)."""

    price = forms.DecimalField(
        min_value=0,
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label:  # the hidden id has none
                field.widget.attrs["aria-label"] = field.label


class ItemRows(forms.BaseFormSet):
    default_error_messages = {"too_few_forms": _("Add at least one item.")}

    def kept_rows(self) -> list[dict]:
        """The items as typed, without the rows removed on the page (call after is_valid)."""
        return [
            {key: value for key, value in row.cleaned_data.items() if key != "DELETE"}
            for row in self
            if row.cleaned_data and not row.cleaned_data.get("DELETE")
        ]


# django-stubs' formset_factory returns the base formset class, not the one it is given (ItemRows).
OrderItemFormSet: type[ItemRows] = forms.formset_factory(  # type: ignore[assignment]
    OrderItemForm, formset=ItemRows, extra=0, min_num=1, validate_min=True, can_delete=True
)


class EditOrderForm(forms.Form):
    """What a manager may change on an open order; `seen_at` is the order's version on the page being edited."""

    delivery_address = forms.CharField(
        label=_("Delivery address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    payment_method = forms.ChoiceField(label=_("Payment"), choices=PAYMENT_METHODS, required=False)
    delivery_method = forms.ChoiceField(label=_("Delivery"), choices=DELIVERY_METHODS, required=False)
    delivery_date = forms.DateField(label=_("Delivery date"), required=False, widget=LocaleDateInput)
    delivery_time_from = forms.TimeField(label=_("Delivery from"), required=False, widget=slot_time("14:00"))
    delivery_time_to = forms.TimeField(label=_("Delivery until"), required=False, widget=slot_time("16:00"))
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=64, required=False)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    seen_at = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone  # the shop's, whose "today" a new delivery date is counted from
        # The page shows a stale edit's refusal above the cards, not beside a hidden field.
        self.helper = page_helper(
            Div(
                Div("payment_method", css_class="col-sm-6"),
                Div("delivery_method", css_class="col-sm-6"),
                css_class="row",
            ),
            "delivery_address",
            Div(
                Div("delivery_date", css_class="col-sm-6"),
                Div("tracking_code", css_class="col-sm-6"),
                css_class="row",
            ),
            slot_row(),
            "comment",
            "seen_at",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # a form's clean() returns its cleaned_data
        # A date already on the order may have passed; a changed one is planned from today.
        if data.get("delivery_date") and "delivery_date" in self.changed_data:
            delivery_date_check(self, data["delivery_date"], self.zone)
        delivery_slot_check(self)
        return data

    def clean_seen_at(self):
        try:
            return datetime.fromisoformat(self.cleaned_data["seen_at"])
        except ValueError as exc:
            raise forms.ValidationError(_("Reload the order: this page is too old to edit from.")) from exc

    def service_kwargs(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items()}

    @classmethod
    def initial_for(cls, order: Order) -> dict:
        return {
            field: getattr(order, field)
            for field in ("delivery_address", "tracking_code", "comment", *SLOT_FIELDS)
        } | {"seen_at": order.updated_at.isoformat()}


class EditItemForm(OrderItemForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)


EditItemFormSet: type[ItemRows] = forms.formset_factory(  # type: ignore[assignment]  # as above
    EditItemForm, formset=ItemRows, extra=0, min_num=1, validate_min=True, can_delete=True
)


WORLD_ZONE = re.compile(r"^(Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific)/")


def customer_zone_choices() -> list[tuple[Any, Any]]:
    """The customer's zone as staff choose it: none (worked out by the desk), Russia's zones west to east with
    their cities, then every other zone."""
    russian = zone_choices()
    named = {zone for zone, _label in russian}
    # Region/City names only: the old aliases ("GB", "EST", "Cuba") name the same zones again.
    others = [(zone, zone) for zone in sorted(zoneinfo.available_timezones() - named) if WORLD_ZONE.match(zone)]
    return [
        ("", _("Not set: from the address or the phone")),
        (_("Russia"), russian),
        (_("Other zones"), others),
    ]


class CustomerForm(CustomerContactForm):
    is_vip = forms.BooleanField(required=False, label=_("VIP"))
    timezone = forms.ChoiceField(
        required=False,
        label=_("Time zone (set by hand)"),
        choices=customer_zone_choices,
        help_text=_("Only when you know where the customer is; otherwise the desk goes by their city or phone."),
    )

    helper = page_helper(
        Field("name", css_class="form-control-sm"),
        Field("phone", css_class="form-control-sm"),
        Field("email", css_class="form-control-sm"),
        "is_vip",
        Field("timezone", css_class="form-select-sm"),
    )
