import django_filters
from django import forms
from django.db.models import Q

from orders.models import Order, Status
from orders.roles import staff_name

UNASSIGNED = "none"


def _status_choices():
    return [(status.code, status.name) for status in Status.objects.all()]


class OrderFilter(django_filters.FilterSet):
    SORTS = {
        # Queue priority: overdue first, then whatever falls due soonest, then the oldest.
        "priority": ["-is_overdue", "deadline", "created_at"],
        "newest": ["-created_at", "-pk"],
        "oldest": ["created_at", "pk"],
    }

    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Number, phone or name"}),
    )
    status = django_filters.ChoiceFilter(choices=_status_choices, empty_label="Any status")
    shop = django_filters.ModelChoiceFilter(queryset=None, empty_label="Any shop")
    method = django_filters.ChoiceFilter(choices=Order.Method.choices, empty_label="Any method")
    manager = django_filters.ChoiceFilter(method="by_manager", label="Manager", empty_label="Anyone")
    overdue = django_filters.BooleanFilter(
        field_name="is_overdue",
        label="Overdue",
        widget=forms.Select(choices=[("", "Overdue or not"), ("true", "Overdue only"), ("false", "On time")]),
    )
    created_after = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label="Created from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_before = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label="Created to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.ChoiceFilter(
        method="sort_by",
        label="Sort",
        empty_label=None,
        choices=[("priority", "Most urgent first"), ("newest", "Newest first"), ("oldest", "Oldest first")],
    )

    class Meta:
        model = Order
        fields = ["q", "status", "shop", "method", "manager", "overdue", "created_after", "created_before", "sort"]

    def __init__(self, *args, shops=None, managers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["shop"].queryset = shops
        self.filters["manager"].extra["choices"] = [(UNASSIGNED, "Unassigned (in the queue)")] + [
            (str(user.pk), staff_name(user)) for user in managers
        ]
        for field in self.form.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if is_select else "form-control form-control-sm"
            )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        digits = "".join(ch for ch in value if ch.isdigit())
        match = Q(number__iexact=value) | Q(external_id=value) | Q(customer__name__icontains=value)
        if len(digits) >= 5:
            match |= Q(customer__phone__contains=digits)
        return queryset.filter(match)

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
