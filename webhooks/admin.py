"""A shop's webhook endpoints (the secret shown once, when made or rotated) and their deliveries (state, tries,
the answer's code and first bytes, "send again"). Django's admin: admins only."""

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.roles import is_admin
from orders.admin import ReadOnlyAdmin
from webhooks.forms import WebhookEndpointForm
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import webhook_deliveries_resend, webhook_endpoint_save, webhook_endpoint_secret_rotate


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["address", "shop", "is_active", "event_count", "consecutive_failures", "disabled_reason"]
    list_filter = ["shop", "is_active"]
    list_select_related = ["shop"]
    readonly_fields = ["consecutive_failures", "disabled_at", "disabled_reason", "created_at"]
    change_form_template = "admin/webhooks/webhookendpoint/change_form.html"

    @admin.display(description=_("Address"), ordering="url")
    def address(self, endpoint):
        return format_html("<code>{}</code>", endpoint.url)

    @admin.display(description=_("Events"))
    def event_count(self, endpoint):
        count = len(endpoint.events)
        return ngettext("%(count)s event", "%(count)s events", count) % {"count": count}

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []  # a new endpoint has no failures to show

    def save_model(self, request, obj, form, change):
        request._webhook_secret = webhook_endpoint_save(endpoint=obj)

    def response_add(self, request, obj, post_url_continue=None):
        """The secret, once: on the page answering the save, kept nowhere else (never in a message or cookie)."""
        return self._secret_page(request, obj, request._webhook_secret, created=True)

    def get_urls(self):
        rotate = self.admin_site.admin_view(require_POST(self.rotate_view))
        return [
            path("<int:pk>/rotate-secret/", rotate, name="webhooks_webhookendpoint_rotate"),
            *super().get_urls(),
        ]

    def rotate_view(self, request, pk: int):
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        if not self.has_change_permission(request, endpoint):
            raise PermissionDenied
        return self._secret_page(
            request, endpoint, webhook_endpoint_secret_rotate(endpoint=endpoint), created=False
        )

    def _secret_page(self, request, endpoint, secret, *, created):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("The endpoint's secret"),
            "endpoint": endpoint,
            "secret": secret,
            "created": created,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/webhooks/webhookendpoint/secret.html", context)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The webhooks' outbox, read only: each delivery's state, tries, the answer's code and first bytes."""

    list_display = [
        "created_at",
        "event_type",
        "order",
        "endpoint_address",
        "state",
        "attempts",
        "response_code",
        "answer",
        "last_error",
    ]
    list_filter = ["state", "endpoint", "event_type"]
    list_select_related = ["endpoint", "order"]
    search_fields = ["event_id", "order__number"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    fields = [
        "event_id_shown",
        "event_type",
        "order",
        "endpoint",
        "state",
        "attempts",
        "next_try_at",
        "response_code",
        "answer",
        "last_error",
        "created_at",
        "delivered_at",
        "body",
    ]
    readonly_fields = ["event_id_shown", "answer", "body"]

    @admin.display(description=_("Endpoint"), ordering="endpoint__url")
    def endpoint_address(self, delivery):
        return format_html("<code>{}</code>", delivery.endpoint.url)

    @admin.display(description=_("event id"))
    def event_id_shown(self, delivery):
        return format_html("<code>{}</code>", delivery.event_id)

    @admin.display(description=_("answer (first bytes)"))
    def answer(self, delivery):
        return format_html("<code>{}</code>", delivery.response_excerpt) if delivery.response_excerpt else "—"

    @admin.display(description=_("body"))
    def body(self, delivery):
        return format_html("<pre>{}</pre>", json.dumps(delivery.payload, ensure_ascii=False, indent=2))

    def has_resend_permission(self, request):
        return is_admin(request.user)

    @admin.action(description=_("Send again (with the same event id)"), permissions=["resend"])
    def send_again(self, request, queryset):
        count = webhook_deliveries_resend(delivery_ids=list(queryset.values_list("pk", flat=True)))
        said = ngettext(
            "%(count)s delivery will be sent again.", "%(count)s deliveries will be sent again.", count
        )
        self.message_user(request, said % {"count": count}, messages.SUCCESS)
