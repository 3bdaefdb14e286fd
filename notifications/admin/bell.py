"""The staff bell's notifications."""

from django.contrib import admin

from notifications.models import Notification
from orders.admin import PeopleByName, ShownText


@admin.register(Notification)
class NotificationAdmin(ShownText, PeopleByName, admin.ModelAdmin):
    """A notification the desk wrote reads in the reader's language; its text is not edited (an admin adds
    their own, in their words)."""

    list_display = ["created_at", "recipient", "kind", "said", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["recipient"]

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "said"]
        return [("said" if name == "text" else name) for name in fields] if obj else fields

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "said"] if obj else readonly
