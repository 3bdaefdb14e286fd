"""The staff bell's notifications."""

from django.contrib import admin

from notifications.models import Notification
from orders.admin import PeopleByName


@admin.register(Notification)
class NotificationAdmin(PeopleByName, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "text", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["recipient"]
