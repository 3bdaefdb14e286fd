import xml.etree.ElementTree as ET

import pytest
from twilio.request_validator import RequestValidator

from assignment.models import ManagerProfile
from orders.models import Customer, ShopAddress
from tests.conftest import AUTH_TOKEN
from tests.factories import ShopFactory, free_manager, msk

SITE = "https://desk.example.com"
INCOMING = "/webhooks/twilio/voice/"
SHOP_NUMBER = "+74951234567"
# Tuesday noon on the desk's clock: the shop (09:00–21:00 Moscow) is open.
NOON = msk(2026, 12, 8, 12, 0)


@pytest.fixture
def shop():
    shop = ShopFactory(name="Teapots")
    ShopAddress.objects.create(shop=shop, channel=ShopAddress.Channel.VOICE, address=SHOP_NUMBER)
    return shop


def reachable(user, *, phone="", sip=""):
    ManagerProfile.objects.filter(user=user).update(phone=phone, sip=sip)
    return user


@pytest.fixture
def anna(shop):
    return reachable(free_manager(shops=[shop], first_name="Anna", last_name="Ivanova"), phone="+79160000001")


@pytest.fixture
def boris(shop):
    return reachable(
        free_manager(shops=[shop], first_name="Boris", last_name="Petrov"), sip="sip:boris@teapots.sip.twilio.com"
    )


def own_manager(customer: Customer, manager) -> Customer:
    Customer.objects.filter(pk=customer.pk).update(responsible_manager=manager)
    customer.refresh_from_db()
    return customer


def signed_post(client, path, params, *, token=AUTH_TOKEN):
    signature = RequestValidator(token).compute_signature(SITE + path, params)
    return client.post(path, params, headers={"X-Twilio-Signature": signature})


def ring(client, *, from_, to=SHOP_NUMBER, sid="CA0001"):
    """Twilio's request for a call to the shop's number; (status, parsed TwiML)."""
    response = signed_post(client, INCOMING, {"CallSid": sid, "From": from_, "To": to, "CallStatus": "ringing"})
    return response.status_code, parse(response)


def dial_ended(client, action, *, status, duration=0, caller="in-progress", dial_sid="CA-leg-1"):
    """Twilio's request to a <Dial>'s action URL (as the TwiML gave it, absolute)."""
    path = action.removeprefix(SITE)
    params = {
        "CallSid": "CA0001",
        "CallStatus": caller,
        "DialCallStatus": status,
        "DialCallSid": dial_sid,
        "DialCallDuration": str(duration),
    }
    response = signed_post(client, path, params)
    return response.status_code, parse(response)


def parse(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml"
    return ET.fromstring(response.content)


def verbs(twiml: ET.Element) -> list[str]:
    return [element.tag for element in twiml]
