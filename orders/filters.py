from collections.abc import Iterable
from typing import Any

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field
from django import forms
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.people import staff_name
from orders.fields import LocaleDateInput
from orders.layouts import page_helper
from orders.models import Customer, Order, Shop, Status

UNASSIGNED = "none"
# A search that names more customers than this (a word most names share) matches them as a subquery: that many
# customers' orders are read anyway.
SEARCH_CUSTOMERS = 1000


def _status_choices():
    return [(status.code, status.name) for status in Status.objects.all()]


class OrderFilterForm(forms.Form):
    @property
    def helper(self) -> FormHelper:
        """One row of small boxes, the search wider; tops aligned, so a field's error below it does not push its
        label and box out of line with the others."""
        cells = [
            Div(
                Field(
                    name,
                    css_class="form-select-sm" if isinstance(field.widget, forms.Select) else "form-control-sm",
                ),
                css_class="col-12 col-md-8 col-xl-4" if name == "q" else "col-6 col-md-4 col-xl-2",
            )
            for name, field in self.fields.items()
        ]
        buttons = HTML('{% include "orders/_filter_buttons.html" %}')
        return page_helper(Div(*cells, buttons, css_class="row g-2 align-items-start"))

    def clean(self):
        data = super().clean()
        assert data is not None  # a form's clean() returns its cleaned_data
        start, end = data.get("created_after"), data.get("created_before")
        if start and end and end < start:
            # Neither date applies: half the range would pass for an answer, the whole one is always empty.
            del data["created_after"]
            self.add_error(
                "created_before",
                _("Before “Created from”: swap the dates or clear one. The list is not filtered by date."),
            )
        return data


class OrderFilter(django_filters.FilterSet):
    SORTS = {
        # Queue priority: open orders before finished ones (nothing is urgent about a closed order), overdue
        # first, then whatever falls due soonest, then the oldest.
        "priority": ["is_final", "-is_overdue", "deadline", "created_at"],
        "newest": ["-created_at", "-pk"],
        "oldest": ["created_at", "pk"],
    }

    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"placeholder": _("Number, phone or name")}),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=_status_choices, empty_label=_("Any status"))
    shop = django_filters.ModelChoiceFilter(label=_("Shop"), queryset=None, empty_label=_("Any shop"))
    method = django_filters.ChoiceFilter(
        label=_("Method"), choices=Order.Method.choices, empty_label=_("Any method")
    )
    manager = django_filters.ChoiceFilter(method="by_manager", label=_("Manager"), empty_label=_("Anyone"))
    overdue = django_filters.BooleanFilter(
        field_name="is_overdue",
        label=_("Overdue"),
        widget=forms.Select(
            choices=[("", _("Overdue or not")), ("true", _("Overdue only")), ("false", _("On time"))]
        ),
    )
    created_after = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("Created from"),
        widget=LocaleDateInput,
    )
    created_before = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("Created to"),
        widget=LocaleDateInput,
    )
    sort = django_filters.ChoiceFilter(
        method="sort_by",
        label=_("Sort"),
        empty_label=None,
        choices=[
            ("priority", _("Most urgent first")),
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
        ],
    )

    class Meta:
        model = Order
        form = OrderFilterForm
        fields = ["q", "status", "shop", "method", "manager", "overdue", "created_after", "created_before", "sort"]

    def __init__(
        self, *args: Any, shops: QuerySet[Shop] | None = None, managers: Iterable[User] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.filters["shop"].queryset = shops
        self.filters["manager"].extra["choices"] = [(UNASSIGNED, gettext("Unassigned (in the queue)"))] + [
            (str(user.pk), staff_name(user)) for user in managers
        ]

    def search(self, queryset, name, value):
        """An order's number (in any case) or storefront id, or its customer's name or phone. The customers are
        found first, so that each part of the match has an index on the orders (the number's, the storefront
        id's, the customer's) and a search costs the same at a million orders as at a thousand; an OR across
        the join to customers made it a scan of every order (0.5 s at 300,000)."""
        value = value.strip()
        if not value:
            return queryset
        digits = "".join(ch for ch in value if ch.isdigit())
        by_customer = Q(name__icontains=value)
        if len(digits) >= 5:
            by_customer |= Q(phone__contains=digits)
        matching = Customer.objects.filter(by_customer).values_list("pk", flat=True)
        found = list(matching[: SEARCH_CUSTOMERS + 1])
        # A short list is looked up in the orders' customer index; a longer one stays a subquery.
        customer_ids = found if len(found) <= SEARCH_CUSTOMERS else matching
        return queryset.filter(Q(number=value.upper()) | Q(external_id=value) | Q(customer_id__in=customer_ids))

    def by_manager(self, queryset, name, value):
        if value == UNASSIGNED:
            return queryset.filter(manager__isnull=True, is_final=False)
        return queryset.filter(manager_id=value)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*self.SORTS.get(value, self.SORTS["priority"]))

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*self.SORTS["priority"])
        return queryset
