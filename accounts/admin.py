"""Staff accounts and roles in admin, with the reset an admin does for someone who lost their phone, the language
each person chose, and permissions named in the reader's language."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import ManyToManyField
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import StaffPreference
from accounts.services import two_factor_reset

User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)
# django-otp's own device pages let an admin make a device for someone (and read its secret) and speak only
# English; a person enrols their own app, and their user page lists their devices (the reset action removes them).
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)

# Django stores a permission's name once, in English, when it migrates ("Can add order"); the desk says it again
# from the model's verbose name, which follows the reader's language.
ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """ "Orders | Can add order", in the reader's language; a permission of the desk's own keeps its name."""
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is None or action not in ACTIONS or permission.codename != f"{action}_{model._meta.model_name}":
        return str(permission)
    app = capfirst(model._meta.app_config.verbose_name)
    return f"{app} | {ACTIONS[action] % {'model': model._meta.verbose_name}}"


class PermissionsByName(admin.ModelAdmin):
    """Permission choices labelled by `permission_label`, without the devices' (their pages are gone)."""

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if db_field.name in ("permissions", "user_permissions"):  # no admin pages for devices: nothing to permit
            kwargs["queryset"] = Permission.objects.exclude(
                content_type__app_label__in=[TOTPDevice._meta.app_label, StaticDevice._meta.app_label]
            ).select_related("content_type")
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[arg-type]  # GroupAdmin allows None
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label  # type: ignore[method-assign,assignment]  # the documented hook
        return field


class DeviceInline(admin.TabularInline):
    """A person's two-factor devices of one kind, read only."""

    extra = 0
    can_delete = False
    fields = ("enrolled",)
    readonly_fields = ("enrolled",)

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("enrolled"), boolean=True)
    def enrolled(self, device) -> bool:
        return bool(device.confirmed)


class AuthenticatorAppInline(DeviceInline):
    model = TOTPDevice
    verbose_name = _("authenticator app")
    verbose_name_plural = _("authenticator apps")


class BackupCodesInline(DeviceInline):
    model = StaticDevice
    verbose_name = _("set of backup codes")
    verbose_name_plural = _("backup codes")


class StaffPreferenceInline(admin.StackedInline):
    model = StaffPreference
    can_delete = False
    max_num = 1


@admin.register(Group)
class RoleAdmin(PermissionsByName, GroupAdmin):
    pass


@admin.register(User)
class StaffAdmin(PermissionsByName, UserAdmin):
    actions = ["reset_two_factor"]
    inlines = [StaffPreferenceInline, AuthenticatorAppInline, BackupCodesInline]

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


class SignInAttemptAdmin(AccessAttemptAdmin):
    """django-axes' attempts, with its "status" column (a method it leaves unlabelled) named in our catalogue."""

    @admin.display(description=_("status"))
    def status(self, obj):
        return super().status(obj)


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, SignInAttemptAdmin)
