"""Which status a carrier's report moves a shop's orders to, and the reports received."""

from django.contrib import admin

from orders.admin.audit import AuditedAdmin
from orders.admin.readonly import ReadOnlyAdmin
from orders.models import DeliveryEvent, DeliveryStatusRule


@admin.register(DeliveryStatusRule)
class DeliveryStatusRuleAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["shop", "state", "target"]
    list_filter = ["shop", "state"]
    list_select_related = ["shop", "target"]


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(ReadOnlyAdmin):
    list_display = ["order", "carrier", "state", "at", "location", "received_at"]
    list_filter = ["state", "carrier"]
    search_fields = ["order__number", "tracking_code"]
    list_select_related = ["order"]
