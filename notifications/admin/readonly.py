from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record the desk writes (a message sent or received, a trigger's firing): admins read it, never edit it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
