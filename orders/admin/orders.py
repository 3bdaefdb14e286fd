"""Customers, orders and their history: read-mostly; the status moves only through the matrix."""

import json

from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from orders.admin.data import code_column
from orders.admin.people import PeopleByName
from orders.admin.phrased import ShownText
from orders.admin.readonly import ReadOnlyAdmin
from orders.models import Customer, Order, OrderEvent, OrderItem, Status
from orders.services import customer_anonymise, customer_export, customer_update


@admin.register(Customer)
class CustomerAdmin(PeopleByName, admin.ModelAdmin):
    list_display = ["name", "shop", "phone", "email", "legal_type", "is_vip", "responsible_manager"]
    list_filter = ["shop", "legal_type", "is_vip"]
    search_fields = ["name", "phone", "email"]
    list_select_related = ["shop", "responsible_manager"]
    raw_id_fields = ["responsible_manager"]
    actions = ["export_data", "anonymise"]

    def get_readonly_fields(self, request, obj=None):
        return ["shop"] if obj is not None else []  # a customer belongs to the shop that knows them

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Through the service, like the customer page: each changed detail is a line of their history.
        customer_update(
            customer=obj, by=request.user, **{field: form.cleaned_data[field] for field in form.changed_data}
        )

    @admin.action(description=_("Export everything the desk holds about this customer (JSON)"))
    def export_data(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Choose one customer to export."), messages.ERROR)
            return None
        customer = queryset.get()
        data = json.dumps(customer_export(customer=customer, by=request.user), cls=DjangoJSONEncoder, indent=2)
        response = HttpResponse(data, content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.json"'
        return response

    @admin.action(description=_("Anonymise on the customer's request (orders and figures are kept)"))
    def anonymise(self, request, queryset):
        for customer in queryset:
            customer_anonymise(customer=customer, by=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("Anonymised %(count)s customer.", "Anonymised %(count)s customers.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_delete_permission(self, request, obj=None):
        # No one erases a customer by mistake; only a superuser can.
        return request.user.is_superuser


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    readonly_fields = ["sku", "name", "qty", "price"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OrderEventInline(ShownText, PeopleByName, admin.TabularInline):
    model = OrderEvent
    extra = 0
    fields = readonly_fields = ("created_at", "kind", "said", "actor")
    can_delete = False
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None):
        return False


# What the order page in admin shows, in order (a tuple: the fields and the read-only ones are read from it).
ORDER_FIELDS = (
    "number",
    "shop",
    "external_id",
    "customer",
    "order_type",
    "method",
    "region",
    "total",
    "payment_state",
    "paid_amount",
    "status",
    "status_entered_at",
    "deadline",
    "is_overdue",
    "manager",
    "cancel_reason",
    "rating",
    "comment",
    "delivery_address",
    "delivery_date",
    "tracking_code",
)


class StatusByName(admin.SimpleListFilter):
    """Orders store their status's code; the filter offers the statuses' names."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.objects.order_by("position").values_list("code", "name")

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(Order)
class OrderAdmin(PeopleByName, admin.ModelAdmin):
    """Read-mostly: the status moves only on the order page, through the status matrix."""

    list_display = ["number", "shop", "customer", "status_name", "is_overdue", "manager", "total", "created_at"]
    list_filter = ["shop", StatusByName, "is_overdue", "method", "order_type", "payment_state"]
    search_fields = ["number", "external_id", "customer__name", "customer__phone"]
    list_select_related = ["shop", "customer", "manager"]
    date_hierarchy = "created_at"
    fields = tuple("status_name" if field == "status" else field for field in ORDER_FIELDS)
    # Staff may fix delivery details and notes; everything else comes from the storefront or the services.
    readonly_fields = [
        "status_name" if field == "status" else field
        for field in ORDER_FIELDS
        if field not in {"region", "comment", "delivery_address", "delivery_date", "tracking_code"}
    ]
    inlines = [OrderItemInline, OrderEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("status"), ordering="status")
    def status_name(self, order: Order) -> str:
        """Orders store the status's code; admin shows its name."""
        return Status.objects.filter(code=order.status).values_list("name", flat=True).first() or order.status


@admin.register(OrderEvent)
class OrderEventAdmin(ShownText, ReadOnlyAdmin):
    keep_forever = True

    list_display = ["created_at", "order", "kind", "said", "actor"]
    exclude = ["text", "data"]
    readonly_fields = ["said", code_column("data", _("data"))]
    list_filter = ["kind"]
    search_fields = ["order__number", "text"]
    list_select_related = ["order", "actor"]
