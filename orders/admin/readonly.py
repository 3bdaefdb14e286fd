from django.contrib import admin

from orders.admin.people import PeopleByName


class ReadOnlyAdmin(PeopleByName, admin.ModelAdmin):
    """A record the desk writes (history, a message, a decision): admins read it, never add or edit it; what is
    history (`keep_forever`) they cannot delete either."""

    keep_forever = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return not self.keep_forever and super().has_delete_permission(request, obj)
