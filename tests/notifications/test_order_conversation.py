"""The conversation on the order page: a manager writes through the outbox, sees each message's state (queued,
held until the customer's morning, delivered, failed with why, not sent with why) and the customer's replies;
a refused message keeps what was typed; the page's queries stay flat as messages pile up; markup is escaped."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import InboundMessage, OptOut, OutboundMessage
from notifications.services import message_queue
from tests.factories import ShopFactory, free_manager, msk
from tests.notifications.conftest import email_template, sms_template

pytestmark = pytest.mark.django_db
NOON = msk(2026, 11, 24, 12, 0)
State = OutboundMessage.State


def page_of(client, order) -> str:
    return client.get(reverse("orders:detail", args=[order.pk])).content.decode()


def write(client, order, **data):
    return client.post(reverse("notifications:order_message", args=[order.pk]), data)


def test_a_manager_writes_an_sms_and_sees_it_queued_under_their_name(client, order, anna):
    client.force_login(anna)
    with time_machine.travel(NOON, tick=False):
        response = write(client, order, channel="sms", body="Your order is packed, Olga.")
    assert response.status_code == 302 and response.url.endswith("#conversation")
    message = OutboundMessage.objects.get()
    assert (message.author, message.purpose, message.to) == (anna, "manual", "+79161112233")
    with time_machine.travel(NOON, tick=False):
        html = page_of(client, order)
    timeline = html.split('data-testid="timeline"')[1]
    assert "Your order is packed, Olga." in timeline and "Anna Smirnova" in timeline and "queued" in timeline


def test_a_template_for_another_channel_is_refused_and_the_form_keeps_the_choice(client, order, anna):
    template = email_template()  # "Email: Shipped" picked while SMS is chosen
    client.force_login(anna)
    with time_machine.travel(NOON, tick=False):
        response = write(client, order, channel="sms", template=template.pk, previewed=template.pk)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The template “Shipped” is for Email, but SMS is chosen" in html
    assert '<option value="sms" selected>' in html and f'<option value="{template.pk}" selected>' in html
    assert not OutboundMessage.objects.exists()


def test_a_templates_text_for_this_order_is_shown_before_it_goes(client, order, anna):
    template = sms_template()
    client.force_login(anna)
    with time_machine.travel(NOON, tick=False):
        shown = write(client, order, channel="sms", template=template.pk)  # Send, the text not yet seen
        assert shown.status_code == 200 and not OutboundMessage.objects.exists()
        preview = shown.content.decode().split('data-testid="message-preview"')[1].split("</form>")[0]
        assert f"Hello Olga, order {order.number} is confirmed." in preview
        assert f'name="previewed" value="{template.pk}"' in preview
        sent = write(client, order, channel="sms", template=template.pk, previewed=template.pk)
    assert sent.status_code == 302
    message = OutboundMessage.objects.get()
    assert (message.channel, message.body) == ("sms", f"Hello Olga, order {order.number} is confirmed.")


def test_preview_shows_free_text_as_it_will_go_and_writes_nothing(client, order, anna):
    order.customer.email = "olga@example.com"
    order.customer.save()
    client.force_login(anna)
    with time_machine.travel(NOON, tick=False):
        response = write(client, order, channel="email", body="Your <b>parcel</b> is packed.", preview="1")
    assert response.status_code == 200 and not OutboundMessage.objects.exists()
    preview = response.content.decode().split('data-testid="message-preview"')[1].split("</form>")[0]
    assert f"{order.shop.name}: order {order.number}" in preview and "Your &lt;b&gt;parcel&lt;/b&gt;" in preview
    assert "Your &lt;b&gt;parcel&lt;/b&gt; is packed.</textarea>" in response.content.decode()


def test_a_template_with_text_typed_beside_it_is_refused_rather_than_dropping_the_text(client, order, anna):
    template = sms_template()
    client.force_login(anna)
    response = write(client, order, channel="sms", template=template.pk, previewed=template.pk, body="Hi!")
    assert response.status_code == 400 and "A template sends its own text" in response.content.decode()
    assert not OutboundMessage.objects.exists()


def test_after_sending_the_form_keeps_the_chosen_channel(client, order, anna):
    order.customer.email = "olga@example.com"
    order.customer.save()
    client.force_login(anna)
    with time_machine.travel(NOON, tick=False):
        response = write(client, order, channel="email", body="The invoice is attached.")
        assert response.status_code == 302
        html = client.get(response.url).content.decode()
    form = html.split('data-testid="message-form"')[1].split("</form>")[0]
    assert '<option value="email" selected>' in form and '<option value="sms" selected>' not in form


def test_a_message_written_at_the_customers_night_says_when_it_goes(client, order, anna):
    client.force_login(anna)
    with time_machine.travel(msk(2026, 11, 24, 23, 30), tick=False):
        response = write(client, order, channel="sms", body="Tomorrow at ten?")
        assert response.status_code == 302
        html = page_of(client, order)
    assert "held until 09:00 customer time" in html


def test_a_held_message_says_the_hour_on_the_customers_clock_not_the_desks(client, order, anna):
    order.customer.timezone = "America/Los_Angeles"
    order.customer.save()
    client.force_login(anna)
    # 22:30 in Los Angeles on the 24th: 09:30 on the 25th on the desk's (Moscow's) clock.
    with time_machine.travel(datetime(2026, 11, 24, 22, 30, tzinfo=ZoneInfo("America/Los_Angeles")), tick=False):
        response = write(client, order, channel="sms", body="Tomorrow at ten?")
        html = page_of(client, order)
    message = OutboundMessage.objects.get()
    # Its 09:00 is 20:00 in Moscow: the desk's hour must not be shown as the customer's.
    assert message.next_try_at == datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert response.status_code == 302
    assert "held until 09:00 customer time" in html and "it goes at 09:00 customer time" in html
    assert "20:00" not in html


def test_a_refused_message_comes_back_as_typed_with_why(client, order, anna):
    client.force_login(anna)
    response = write(client, order, channel="whatsapp", body="Hello from the desk <3")
    assert response.status_code == 400
    html = response.content.decode()
    assert "WhatsApp takes free text only within 24 hours" in html
    assert "Hello from the desk &lt;3</textarea>" in html
    assert '<option value="whatsapp" selected>' in html
    assert not OutboundMessage.objects.exists()


def test_an_empty_message_is_refused_and_nothing_is_written(client, order, anna):
    client.force_login(anna)
    response = write(client, order, channel="sms", body="   ")
    assert response.status_code == 400 and "Write the message, or choose a template." in response.content.decode()
    assert not OutboundMessage.objects.exists()


def test_writing_to_a_customer_of_an_order_out_of_reach_is_not_found(client, order):
    stranger = free_manager(shops=[ShopFactory()])
    client.force_login(stranger)
    assert write(client, order, channel="sms", body="Hi").status_code == 404
    assert not OutboundMessage.objects.exists()


def test_the_page_shows_delivery_states_failures_and_skips_with_why(client, order, anna):
    for state, error in [
        (State.DELIVERED, ""),
        (State.READ, ""),
        (State.FAILED, "Twilio: The 'To' number is not valid"),
        (State.SKIPPED, "The customer already has 3 messages in the last 24 hours (the cap is 3)."),
    ]:
        OutboundMessage.objects.create(
            customer=order.customer, order=order, channel="sms", purpose="trigger", to="+79161112233",
            body=f"Body {state}", state=state, last_error=error,
        )  # fmt: skip
    client.force_login(anna)
    html = page_of(client, order)
    for text in ("delivered", "read", "failed", "not sent", "not valid", "the cap is 3"):
        assert text in html, text


def test_the_customers_reply_and_their_stop_show_on_the_order_and_the_customer(client, order, anna):
    InboundMessage.objects.create(
        message_sid="SM1", channel="sms", from_address="+79161112233", body="<b>Where</b> is it?",
        customer=order.customer, order=order,
    )  # fmt: skip
    OptOut.objects.create(customer=order.customer, channel="whatsapp", reason="replied STOP")
    client.force_login(anna)
    html = page_of(client, order)
    assert 'data-testid="message-in"' in html and "&lt;b&gt;Where&lt;/b&gt; is it?" in html
    assert "WhatsApp off (STOP)" in html
    customer_html = client.get(reverse("orders:customer", args=[order.customer.pk])).content.decode()
    assert "&lt;b&gt;Where&lt;/b&gt; is it?" in customer_html and "WhatsApp off (STOP)" in customer_html
    assert "0 of 3 automatic messages in the last 24 h" in customer_html


def test_the_order_page_costs_the_same_with_2_and_40_messages(client, order, anna):
    client.force_login(anna)

    def add(count):
        for n in range(count):
            message_queue(customer=order.customer, order=order, channel="sms", purpose="manual", body=f"M{n}")
            InboundMessage.objects.create(
                message_sid=f"SM{OutboundMessage.objects.count()}-{n}", channel="sms", from_address="+79161112233",
                customer=order.customer, order=order, body="Reply",
            )  # fmt: skip

    def queries() -> int:
        page_of(client, order)
        with CaptureQueriesContext(connection) as ctx:
            page_of(client, order)
        return len(ctx)

    add(1)
    few = queries()
    add(20)
    assert queries() == few


def test_an_inspector_reads_the_conversation_without_the_form(client, order):
    from tests.factories import inspector

    InboundMessage.objects.create(
        message_sid="SM1", channel="sms", from_address="+79161112233", body="Hello", customer=order.customer,
        order=order,
    )  # fmt: skip
    client.force_login(inspector())
    html = page_of(client, order)
    assert 'data-testid="conversation"' in html and "Hello" in html and 'data-testid="message-form"' not in html


def test_a_manual_message_is_not_stopped_by_the_hourly_duplicate_rule(client, order, anna):
    client.force_login(anna)
    template = sms_template()
    with time_machine.travel(NOON, tick=False):
        write(client, order, channel="sms", template=template.pk, previewed=template.pk)
    with time_machine.travel(NOON + timedelta(minutes=5), tick=False):
        write(client, order, channel="sms", template=template.pk, previewed=template.pk)
    assert list(OutboundMessage.objects.values_list("state", flat=True)) == [State.PENDING, State.PENDING]


def test_a_customer_without_a_phone_is_shown_with_the_way_to_add_one(client, order, anna):
    order.customer.phone, order.customer.email = "", "olga@example.com"
    order.customer.save()
    with time_machine.travel(msk(2026, 11, 24, 12, 0), tick=False):
        message_queue(customer=order.customer, order=order, channel="sms", purpose="trigger", body="Hello")
    client.force_login(anna)
    page = page_of(client, order)
    details = reverse("orders:customer", args=[order.customer.pk]) + "#details"
    assert "The customer has no phone." in page
    assert f'<a href="{details}" data-testid="add-contact">Add it to the customer\'s details</a>' in page
    assert "No phone on file, so no SMS or WhatsApp" in page and f'href="{details}"' in page
    customer_page = client.get(reverse("orders:customer", args=[order.customer.pk])).content.decode()
    assert 'id="details"' in customer_page  # where the link lands: the form to add the phone
