"""Staff accounts in admin, with the reset an admin does for someone who lost their phone, and the language
each person chose."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import StaffPreference
from accounts.services import two_factor_reset

User = get_user_model()
admin.site.unregister(User)


class StaffPreferenceInline(admin.StackedInline):
    model = StaffPreference
    can_delete = False
    max_num = 1


@admin.register(User)
class StaffAdmin(UserAdmin):
    actions = ["reset_two_factor"]
    inlines = [StaffPreferenceInline]

    @admin.action(description=_("Reset two-factor sign-in (lost phone): they enrol again at the next sign-in"))
    def reset_two_factor(self, request, queryset):
        removed = sum(two_factor_reset(user=user) for user in queryset)
        people = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in reset for %(count)s person (devices removed: %(devices)s).",
                "Two-factor sign-in reset for %(count)s people (devices removed: %(devices)s).",
                people,
            )
            % {"count": people, "devices": removed},
            messages.SUCCESS,
        )
