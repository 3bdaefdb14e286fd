"""Shops (with their storefront keys) and the desk-wide settings."""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from orders.admin.audit import AuditedAdmin
from orders.admin.data import code_column
from orders.admin.durations import HumanDurationsAdmin, duration_column
from orders.models import ApiKey, DeskSettings, Shop, ShopAddress, ShopDay, ShopVoice
from orders.payment_links import PLACEHOLDERS
from orders.services import api_key_revoke, shop_issue_api_key

KEY_PREFIX = code_column("prefix", _("prefix"))


class ApiKeyInline(admin.TabularInline):
    """A shop's storefront keys: named, with their last use; revoked ones stay listed."""

    model = ApiKey
    extra = 0
    can_delete = False
    fields = readonly_fields = ("name", KEY_PREFIX, "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request, obj=None):
        return False


# The hours are the shop's own clock: admin's time widget offered "Now" on the browser's clock and a note on
# how far the browser is behind the server, neither of which is the shop's time (nor its date: "Today").
SHOP_TIME: dict[type[models.Field], dict[str, Any]] = {
    models.TimeField: {"widget": forms.TimeInput(format="%H:%M", attrs={"size": 6})},
    models.DateField: {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})},
}


class ShopDayInline(admin.TabularInline):
    """The shop's calendar from a month ago on (older days: Calendar days, filtered by date)."""

    model = ShopDay
    extra = 1
    fields = ["date", "kind", "opens_at", "closes_at", "note"]
    formfield_overrides = SHOP_TIME
    verbose_name_plural = _("calendar: days off, shortened days and working days")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(date__gte=timezone.localdate() - timedelta(days=31))


class ShopAddressInline(admin.TabularInline):
    """The numbers and addresses customers write to: a message that belongs to no order joins this shop; a call
    to one of its "Voice calls" numbers (its Twilio voice numbers) is the shop's."""

    model = ShopAddress
    extra = 1
    fields = ["channel", "address"]
    verbose_name_plural = _("numbers customers write and call to (the Twilio voice numbers: “Voice calls”)")


@admin.register(ShopDay)
class ShopDayAdmin(AuditedAdmin, admin.ModelAdmin):
    """Every shop's calendar days; `import_production_calendar` fills them from Russia's production calendar."""

    list_display = ["date", "shop", "kind", "opens_at", "closes_at", "note"]
    list_filter = ["shop", "kind", "date"]
    list_select_related = ["shop"]
    date_hierarchy = "date"
    ordering = ["date", "shop__name"]
    search_fields = ["note", "shop__name", "shop__code"]
    fields = ["shop", "date", "kind", "opens_at", "closes_at", "note"]
    formfield_overrides = SHOP_TIME


@admin.register(Shop)
class ShopAdmin(AuditedAdmin, HumanDurationsAdmin, admin.ModelAdmin):
    # The numbers customers write and call to are the shop's setting too (a voice number decides whose a call is).
    audit_related = {"addresses": "address"}
    list_display = ["name", "code", "timezone", "hours", "live_keys", "api_requests_per_minute"]
    search_fields = ["name", "code"]
    inlines = [ShopAddressInline, ShopDayInline, ApiKeyInline]
    formfield_overrides = SHOP_TIME | HumanDurationsAdmin.formfield_overrides

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("opens_at", "closes_at"):
            field.help_text = gettext("In the shop's time zone, e.g. 09:00.")
        if db_field.name == "payment_link_template":  # the placeholders are code, shown as code
            field.help_text = format_html(
                gettext(
                    "The shop's payment page for an order, e.g. {example}; it may use {placeholders}. Messages "
                    "write it as {variable}."
                ),
                example=format_html(
                    "<code>{}</code>", "https://shop.example/pay?order={external_id}&amount={balance}"
                ),
                placeholders=format_html_join(", ", "<code>{{{}}}</code>", ((name,) for name in PLACEHOLDERS)),
                variable=format_html("<code>{}</code>", "{{ payment_link }}"),
            )
        return field

    @admin.display(description=_("Hours"))
    def hours(self, shop):
        return shop.hours_label

    @admin.display(description=_("Live keys"))
    def live_keys(self, shop):
        return shop.api_keys.filter(revoked_at__isnull=True).count()


@admin.register(ShopVoice)
class ShopVoiceAdmin(AuditedAdmin, HumanDurationsAdmin, admin.ModelAdmin):
    """How a shop answers the phone. Its numbers are the shop's "Voice calls" numbers (Shops → numbers)."""

    list_display = [
        "shop",
        "numbers",
        "ring_seconds",
        "ring_at_most",
        "voicemail",
        "record_calls",
        "call_back_within",
    ]
    call_back_within = duration_column("callback_within", _("Call back within"))
    list_select_related = ["shop"]
    search_fields = ["shop__name", "shop__code"]
    fieldsets = [
        (
            None,
            {
                "fields": ["shop"],
                "description": _(
                    "The shop's numbers customers call are its “Voice calls” numbers on the shop's page, each "
                    "connected in Twilio to the desk's voice webhook."
                ),
            },
        ),
        (_("Ringing"), {"fields": ["ring_seconds", "ring_at_most"]}),
        (
            _("What a caller hears"),
            {
                "fields": ["greeting", "greeting_url", "hours_text", "voicemail"],
                "description": _(
                    "The greeting is read in the shop's customer language; write {{ shop.name }} where the shop's "
                    "name goes (the syntax of message templates). A greeting that does not render is refused. A "
                    "recording, when given, is played instead."
                ),
            },
        ),
        (_("Recording"), {"fields": ["record_calls", "legal_notice"]}),
        (_("Missed calls"), {"fields": ["callback_within"]}),
    ]

    def get_queryset(self, request):
        voice = ShopAddress.objects.filter(channel=ShopAddress.Channel.VOICE).order_by("address")
        return super().get_queryset(request).prefetch_related(models.Prefetch("shop__addresses", queryset=voice))

    @admin.display(description=_("Voice numbers"))
    def numbers(self, voice):
        return ", ".join(address.address for address in voice.shop.addresses.all()) or "—"

    def get_readonly_fields(self, request, obj=None):
        return ["shop"] if obj else []

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # An address typed without its scheme is taken as https, the only one a recording may have.
        if db_field.name == "greeting_url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Issue a key by naming it (the key is shown once, then only its hash is kept); revoke one to stop it at once.
    Issuing a live name again rotates that key."""

    list_display = ["shop", "name", KEY_PREFIX, "created_at", "last_used_at", "revoked_at"]
    list_filter = ["shop", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["shop"]
    fields = ["shop", "name"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        key = shop_issue_api_key(shop=obj.shop, name=obj.name, by=request.user)
        saved = ApiKey.objects.get(shop=obj.shop, name=obj.name.strip(), revoked_at__isnull=True)
        obj.pk, obj.key_hash, obj.prefix = saved.pk, saved.key_hash, saved.prefix
        self.message_user(
            request,
            gettext("Key “%(name)s” for %(shop)s: %(key)s — copy it now, it is not shown again.")
            % {"name": obj.name, "shop": obj.shop.code, "key": key},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected keys (they stop working at once)"))
    def revoke(self, request, queryset):
        for key in queryset:
            api_key_revoke(key=key, by=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("Revoked %(count)s key.", "Revoked %(count)s keys.", count) % {"count": count},
            messages.SUCCESS,
        )


class SingletonSettingsAdmin(AuditedAdmin, HumanDurationsAdmin, admin.ModelAdmin):
    """One row: it can be edited, never added twice or deleted."""

    def has_add_permission(self, request):
        return not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeskSettings)
class DeskSettingsAdmin(SingletonSettingsAdmin):
    list_display = ["__str__", "grace"]
    grace = duration_column("escalation_grace", _("Escalation grace"))
