"""Recordings are played through the desk: each role's access, the bytes Twilio serves passed on as they are, and a
clear 502 page when Twilio cannot give them; the page holds the desk's address, never Twilio's."""

import socket

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from config.fake_twilio import recording_audio
from orders.services import customer_set_responsible
from tests.calls.phone_rows import missed_call, recording_sid, talked_call
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.factories import ShopFactory, grant, inspector, make_order, manager, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(twilio):
    """An order of one shop with a recorded call its manager placed and a missed call with a voicemail."""
    shop = ShopFactory(name="Green Garden")
    anna = manager(username="anna", first_name="Anna", last_name="Smirnova")
    grant(anna, shops=[shop])
    order = make_order(shop, manager=anna)
    talk = talked_call(order, manager=anna, recording_sid=recording_sid(), recording_duration=125)
    voicemail = missed_call(order, rang=[anna], voicemail_sid=recording_sid(), voicemail_duration=35)
    return shop, order, talk, voicemail


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def get_recording(client, user, call, name="calls:recording"):
    client.force_login(user)
    return client.get(reverse(name, args=[call.pk]))


def test_the_orders_manager_hears_the_recording_as_twilio_serves_it_fetched_with_the_accounts_credentials(
    client, recorded, twilio
):
    shop, order, talk, _ = recorded
    response = get_recording(client, order.manager, talk)
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/mpeg"
    assert streamed(response) == recording_audio(talk.recording_sid)
    assert response["Cache-Control"] == "private, no-store"
    assert twilio.recordings_fetched == [talk.recording_sid]


def test_the_voicemail_is_its_own_recording(client, recorded, twilio):
    _, order, talk, voicemail = recorded
    response = get_recording(client, order.manager, voicemail, "calls:voicemail")
    assert response.status_code == 200
    assert streamed(response) == recording_audio(voicemail.voicemail_sid)
    assert get_recording(client, order.manager, talk, "calls:voicemail").status_code == 404  # the talk has none


def test_the_customers_responsible_manager_and_the_call_back_taker_hear_it(client, recorded):
    shop, order, talk, voicemail = recorded
    boris = manager(username="boris")
    grant(boris, shops=[shop])
    customer_set_responsible(customer=order.customer, manager=boris, by=None)
    assert get_recording(client, boris, talk).status_code == 200
    vera = manager(username="vera")
    grant(vera, shops=[shop])
    voicemail.callback_task.assignee = vera
    voicemail.callback_task.save()
    assert get_recording(client, vera, voicemail, "calls:voicemail").status_code == 200
    assert get_recording(client, vera, talk).status_code == 403  # not her customer's talk


@pytest.mark.parametrize("who", ["another shop's manager", "a colleague in the same shop"])
def test_a_manager_the_call_is_not_about_gets_403(client, recorded, twilio, who):
    shop, order, talk, _ = recorded
    other = manager()
    grant(other, shops=[ShopFactory() if who == "another shop's manager" else shop])
    response = get_recording(client, other, talk)
    assert response.status_code == 403
    assert "Only the managers of this customer" in response.content.decode()
    assert twilio.recordings_fetched == []  # nothing was asked of Twilio


@pytest.mark.parametrize("role", [supervisor, inspector])
def test_supervisors_and_inspectors_covering_the_shop_hear_it_and_those_of_another_shop_do_not(
    client, recorded, role
):
    shop, _, talk, _ = recorded
    covering, elsewhere = role(), role()
    grant(covering, shops=[shop])
    grant(elsewhere, shops=[ShopFactory()])
    assert get_recording(client, covering, talk).status_code == 200
    assert get_recording(client, elsewhere, talk).status_code == 403


def test_an_admin_with_no_role_configures_the_desk_and_does_not_listen(client, recorded, twilio):
    _, _, talk, _ = recorded
    admin = User.objects.create_user("root", is_staff=True, is_superuser=True)
    assert get_recording(client, admin, talk).status_code == 403
    assert twilio.recordings_fetched == []


def test_a_call_with_no_recording_or_no_call_is_404(client, recorded):
    _, order, talk, voicemail = recorded
    assert get_recording(client, order.manager, voicemail).status_code == 404
    client.force_login(order.manager)
    assert client.get(reverse("calls:recording", args=[talk.pk + 1000])).status_code == 404


@pytest.mark.parametrize("status", [500, 404, 503])
def test_twilio_answering_an_error_gives_a_clear_502_page(client, recorded, twilio, status):
    _, order, talk, _ = recorded
    twilio.recordings_fail(status=status)
    response = get_recording(client, order.manager, talk)
    assert response.status_code == 502
    page = response.content.decode()
    assert "The recording cannot be played right now" in page
    assert reverse("orders:detail", args=[order.pk]) in page  # a way back
    assert twilio.base_url not in page and "Recordings" not in page


def test_twilio_down_gives_the_502_page(client, recorded, settings):
    _, order, talk, _ = recorded
    with socket.socket() as closed:  # a port nothing listens on: the connection is refused
        closed.bind(("127.0.0.1", 0))
        settings.TWILIO_BASE_URL = f"http://127.0.0.1:{closed.getsockname()[1]}"
    response = get_recording(client, order.manager, talk)
    assert response.status_code == 502
    assert "The recording cannot be played right now" in response.content.decode()


def test_twilio_too_slow_to_answer_gives_the_502_page(client, recorded, twilio, settings):
    _, order, talk, _ = recorded
    settings.TWILIO_TIMEOUT = 0.3
    twilio.recordings_fail(delay=1.5)
    assert get_recording(client, order.manager, talk).status_code == 502


def test_wrong_credentials_are_twilios_refusal_not_a_recording(client, recorded, settings):
    _, order, talk, _ = recorded
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN + "-wrong"
    assert get_recording(client, order.manager, talk).status_code == 502


def test_the_order_page_plays_through_the_desk_and_holds_no_twilio_address(client, recorded, twilio):
    _, order, talk, voicemail = recorded
    client.force_login(order.manager)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert f'src="{reverse("calls:recording", args=[talk.pk])}"' in page
    assert f'src="{reverse("calls:voicemail", args=[voicemail.pk])}"' in page
    for secret in (twilio.base_url, "twilio.com", talk.recording_sid, voicemail.voicemail_sid, ACCOUNT_SID):
        assert secret not in page
