"""Staff accounts in admin, with the reset an admin does for someone who lost their phone."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from accounts.services import two_factor_reset

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffAdmin(UserAdmin):
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor sign-in (lost phone): they enrol again at the next sign-in")
    def reset_two_factor(self, request, queryset):
        removed = sum(two_factor_reset(user=user) for user in queryset)
        self.message_user(
            request, f"Removed {removed} device(s) of {queryset.count()} person(s).", messages.SUCCESS
        )
