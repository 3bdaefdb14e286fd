"""Messaging in admin: nonsense refused with the form kept as typed, the preview against a real order, a trigger
saved later watching the orders already in its status, the outbox read only with "send again", and every page
opening with data in it."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from notifications.models import MessageTemplate, OutboundMessage, Trigger, TriggerFiring
from orders.models import Status
from orders.services import order_change_status
from tests.factories import ShopFactory, free_manager, make_order, msk
from tests.notifications.conftest import sms_template

pytestmark = pytest.mark.django_db
NOON = msk(2026, 11, 24, 12, 0)


def template_form(**changes) -> dict:
    data = {
        "name": "Confirmed",
        "channel": "sms",
        "is_active": "on",
        "subject": "",
        "body": "Hi",
        "content_sid": "",
    }
    data["content_variables"] = "{}"
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"body": "Order {{ order.numbr }} is ready"}, "{{ order.numbr }}"),
        ({"body": "Hi {{ customer.name }"}, "is not closed"),
        ({"body": "{% for %}"}, "does not render"),
        ({"body": "Hi {customer}"}, "which is shown as written: write {{ customer.name }}"),
        ({"body": "Hi {customer, your order"}, "which is shown as written: write {{ customer.name }}"),
        ({"body": "Hi {% debug %}"}, "cannot use {% debug %}"),
        ({"body": "Hi {% include customer.name %}"}, "cannot use {% include %}"),
        ({"body": "Hi {{ order.total|divisibleby:0 }}"}, "does not render: "),
        ({"channel": "email"}, "An email needs a subject."),
        ({"channel": "whatsapp", "content_sid": "HX123"}, "Content SID is HX followed by 32 hex digits"),
        (
            {"channel": "whatsapp", "content_variables": '{"1": "{{ ordr }}"}', "content_sid": "HX" + "a" * 32},
            "ordr",
        ),
        (
            {"channel": "whatsapp", "content_variables": "[1, 2", "content_sid": "HX" + "a" * 32},
            "Enter a valid JSON",
        ),
        (
            {"channel": "whatsapp", "content_variables": '{"1": 5}', "content_sid": "HX" + "a" * 32},
            "JSON object of texts",
        ),
        ({"content_sid": "HX" + "a" * 32}, "for WhatsApp templates only"),
        ({"body": "x" * 1601}, "at most 1,600 characters (Twilio refuses longer); this one has 1,601"),
        (
            {"channel": "whatsapp", "body": "x" * 5000},
            "at most 1,600 characters (Twilio refuses longer); this one has 5,000",
        ),
    ],
)
def test_a_template_that_would_not_send_is_refused_and_the_form_keeps_the_input(admin_client, changes, error):
    data = template_form(**changes)
    response = admin_client.post(reverse("admin:notifications_messagetemplate_add"), data)
    html = response.content.decode()
    assert response.status_code == 200 and error in html.replace("&quot;", '"').replace("&#x27;", "'")
    assert data["body"].replace("<", "&lt;") in html or data["body"] in html
    assert not MessageTemplate.objects.exists()


def test_the_preview_renders_a_template_for_a_real_order(admin_client):
    with time_machine.travel(NOON, tick=False):
        order = make_order(ShopFactory(name="Teapots"), customer_name="Olga <Smith>")
    template = sms_template(body="{{ customer.name }}, {{ shop.name }} has your order {{ order.number }}.")
    url = reverse("admin:notifications_messagetemplate_preview", args=[template.pk])
    html = admin_client.get(url, {"order": order.number}).content.decode()
    assert f"Olga &lt;Smith&gt;, Teapots has your order {order.number}." in html
    missing = admin_client.get(url, {"order": "NOPE-1"}).content.decode()
    assert "No order NOPE-1." in missing


def test_a_trigger_with_nonsense_is_refused_and_keeps_the_input(admin_client):
    data = {
        "name": "Parcel waiting",
        "is_active": "on",
        "status": Status.objects.get(code="pickup").pk,
        "when": "stays",
        "after": "two days",
        "times": "2",
        "repeat_every": "",
        "task_text": "Call: the parcel goes back soon",
        "task_kind": "call",
        "task_due_in": "1 h",
    }
    response = admin_client.post(reverse("admin:notifications_trigger_add"), data)
    html = response.content.decode()
    assert response.status_code == 200 and 'value="two days"' in html
    assert "Call: the parcel goes back soon" in html
    assert not Trigger.objects.exists()
    data["after"] = "2 days"
    response = admin_client.post(reverse("admin:notifications_trigger_add"), data)
    assert "Say how often to repeat" in response.content.decode()
    data["repeat_every"] = "1 day"
    assert admin_client.post(reverse("admin:notifications_trigger_add"), data).status_code == 302
    trigger = Trigger.objects.get()
    assert (trigger.after, trigger.repeat_every, trigger.times) == (timedelta(days=2), timedelta(days=1), 2)


def test_a_stay_trigger_saved_in_admin_watches_the_orders_already_in_its_status(admin_client):
    shop = ShopFactory(always_open=True)
    manager = free_manager(shops=[shop])
    with time_machine.travel(NOON, tick=False):
        order = make_order(shop, manager=manager)
        order_change_status(order=order, target="approval", by=manager)
    data = {
        "name": "Still not approved",
        "is_active": "on",
        "status": Status.objects.get(code="approval").pk,
        "when": "stays",
        "after": "3 h",
        "times": "1",
        "notify": "supervisors",
        "task_kind": "call",
        "task_due_in": "1 h",
    }
    assert admin_client.post(reverse("admin:notifications_trigger_add"), data).status_code == 302
    firing = TriggerFiring.objects.get(order=order)
    assert firing.due_at == order.status_entered_at + timedelta(hours=3)


def test_the_outbox_is_read_only_and_sends_failed_messages_again(admin_client):
    with time_machine.travel(NOON, tick=False):
        order = make_order(ShopFactory())
    failed = OutboundMessage.objects.create(
        customer=order.customer, order=order, channel="sms", purpose="trigger", to="+7916", body="x",
        state="failed", attempts=6, last_error="Twilio: down",
    )  # fmt: skip
    assert admin_client.get(reverse("admin:notifications_outboundmessage_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:notifications_outboundmessage_changelist"),
        {"action": "send_again", "_selected_action": [failed.pk]},
    )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.last_error) == ("pending", 0, "")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/notifications/messagetemplate/",
        "/admin/notifications/trigger/",
        "/admin/notifications/trigger/add/",
        "/admin/notifications/triggerfiring/",
        "/admin/notifications/outboundmessage/",
        "/admin/notifications/inboundmessage/",
        "/admin/notifications/optout/",
        "/admin/notifications/offhoursreply/",
        "/admin/notifications/offhoursreply/add/",
        "/admin/notifications/messagingsettings/",
    ],
)
def test_messaging_admin_pages_open_with_data_in_them(admin_client, url):
    with time_machine.travel(NOON, tick=False):
        order = make_order(ShopFactory())
    template = sms_template()
    OutboundMessage.objects.create(
        customer=order.customer,
        order=order,
        channel="sms",
        purpose="trigger",
        to="+7916",
        body="x",
        template=template,
    )
    Trigger.objects.create(name="T", status=Status.objects.get(code="new"), template=template)
    assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("daily_cap", "0"),
        ("daily_cap", "21"),
        ("daily_cap", "100000"),
        ("max_attempts", "0"),
        ("first_retry", "-1 min"),
    ],
)
def test_messaging_settings_refuse_nonsense_and_keep_the_input(admin_client, field, value):
    from notifications.models import MessagingSettings

    settings = MessagingSettings.load()
    data = {"daily_cap": "3", "max_attempts": "6", "first_retry": "1 min", field: value}
    url = reverse("admin:notifications_messagingsettings_change", args=[settings.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200 and f'value="{value}"' in response.content.decode()
    assert "errornote" in response.content.decode()
    assert MessagingSettings.load().daily_cap == 3


def test_twenty_automatic_messages_a_day_is_still_a_cap(admin_client):
    from notifications.models import MessagingSettings

    url = reverse("admin:notifications_messagingsettings_change", args=[MessagingSettings.load().pk])
    response = admin_client.post(
        url, {"daily_cap": "20", "max_attempts": "6", "first_retry": "1 min", "auto_reply_gap": "12 h"}
    )
    assert response.status_code == 302 and MessagingSettings.load().daily_cap == 20


def test_the_trigger_form_explains_repeats_with_an_example_in_the_admins_words_not_a_spec_reference(admin_client):
    html = admin_client.get(reverse("admin:notifications_trigger_add")).content.decode()
    assert "Seed 0" not in html
    example = "For example, a parcel waiting at the pick-up point: after 2 days, again every 1 day, 2 times in all"
    assert example + "." in html


def test_an_email_template_may_be_longer_than_a_text_message(admin_client):
    data = template_form(channel="email", subject="Your order", body="x" * 5000)
    response = admin_client.post(reverse("admin:notifications_messagetemplate_add"), data)
    assert response.status_code == 302 and MessageTemplate.objects.get().body == "x" * 5000
