"""Message templates (with a preview against a real order), the outbox, customers' messages and opt-outs."""

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from notifications.exceptions import TemplateRefused
from notifications.models import InboundMessage, MessageTemplate, OptOut, OutboundMessage
from notifications.services import outbox_retry, template_preview
from orders.admin import AuditedAdmin, ReadOnlyAdmin
from orders.models import Order


@admin.register(MessageTemplate)
class MessageTemplateAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "channel", "is_active", "content_sid", "preview_link"]
    list_filter = ["channel", "is_active"]
    search_fields = ["name", "body"]
    fieldsets = [
        (None, {"fields": ["name", "channel", "is_active"]}),
        (
            _("Text"),
            {
                "fields": ["subject", "body"],
                "description": _(
                    "Django template syntax over order, customer, shop and manager, e.g. "
                    "{{ customer.name }}, {{ order.number }}, {{ total }} (the order's total with the shop's "
                    "currency, as its customers write it: 4 990 ₽; {{ order.total }} is the bare number), "
                    "{{ shop.name }}, {{ manager.name }}, and {{ opens_at }} (when the desk opens next). "
                    "A template that does not render is refused when saved. Write it in the language of the "
                    "shops' customers it goes to: dates and amounts in it are written in that language."
                ),
            },
        ),
        (
            _("WhatsApp template (Twilio Content)"),
            {
                "fields": ["content_sid", "content_variables"],
                "description": _(
                    "WhatsApp refuses free text that starts a conversation (error 63016): give the approved "
                    "template's Content SID and what each of its numbered variables holds."
                ),
            },
        ),
    ]

    @admin.display(description=_("Preview"))
    def preview_link(self, template):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:notifications_messagetemplate_preview", args=[template.pk]),
            gettext("preview"),
        )

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:pk>/preview/", preview, name="notifications_messagetemplate_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk: int):
        """The template rendered for an order the admin names (by number), or why it does not render."""
        template = get_object_or_404(MessageTemplate, pk=pk)
        number = request.GET.get("order", "").strip()
        order = Order.objects.select_related("customer__shop", "manager").filter(number=number).first()
        if order is None and not number:
            order = Order.objects.select_related("customer__shop", "manager").order_by("-created_at").first()
        rendered, error = None, ""
        if number and order is None:
            error = gettext("No order %(number)s.") % {"number": number}
        elif order is not None:
            try:
                rendered = template_preview(template, order=order)
            except TemplateRefused as exc:
                error = str(exc)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Preview: %(name)s") % {"name": template.name},
            "template": template,
            "order": order,
            "number": number or (order.number if order else ""),
            "rendered": rendered,
            "error": error,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/notifications/messagetemplate/preview.html", context)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    """The outbox, read only: what went to whom, its state, tries, provider id and last error."""

    list_display = [
        "created_at",
        "customer",
        "order",
        "channel",
        "state",
        "attempts",
        "next_try_at",
        "last_error",
    ]
    list_filter = ["state", "channel", "purpose"]
    list_select_related = ["customer", "order"]
    search_fields = ["to", "provider_id", "order__number", "customer__name", "body"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    @admin.action(description=_("Send the failed ones again"))
    def send_again(self, request, queryset):
        count = outbox_retry(message_ids=list(queryset.values_list("pk", flat=True)))
        said = ngettext(
            "%(count)s failed message will be sent again.", "%(count)s failed messages will be sent again.", count
        )
        self.message_user(request, said % {"count": count}, messages.SUCCESS)


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "from_address", "customer", "order", "channel", "body"]
    list_filter = ["channel"]
    list_select_related = ["customer", "order"]
    search_fields = ["from_address", "body", "message_sid", "message_id", "order__number"]


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ["customer", "channel", "reason", "created_at"]
    list_filter = ["channel"]
    list_select_related = ["customer"]
    search_fields = ["customer__name", "customer__phone"]
    raw_id_fields = ["customer"]
