import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from twilio.request_validator import RequestValidator

from assignment.models import ManagerProfile
from orders.models import PhoneCall, ShopAddress
from tests.conftest import AUTH_TOKEN
from tests.factories import ShopFactory, free_manager, make_order, msk

VOICE_NUMBER = "+74950000001"
ANNA_PHONE = "+79990000001"


@pytest.fixture
def afternoon():
    """14:00 in Moscow: day for the shop's customers there (the clock ticks: the fake answers in real time)."""
    with time_machine.travel(msk(2026, 12, 7, 14, 0), tick=True):
        yield


@pytest.fixture
def shop(db):
    shop = ShopFactory(name="Teapots")
    ShopAddress.objects.create(shop=shop, channel=ShopAddress.Channel.VOICE, address=VOICE_NUMBER)
    return shop


@pytest.fixture
def anna(shop):
    """A Free manager of the shop whose phone the desk rings."""
    user = free_manager(shops=[shop], username="anna", first_name="Anna", last_name="Petrova")
    ManagerProfile.objects.filter(user=user).update(phone=ANNA_PHONE)
    return user


@pytest.fixture
def order(shop, anna):
    return make_order(shop, manager=anna, customer_name="Irina Smirnova")


def call_out(order, manager, **fields) -> PhoneCall:
    """A call out about `order` by `manager`, written as the desk writes it before Twilio answers."""
    return PhoneCall.objects.create(
        direction="out",
        shop=order.shop,
        customer=order.customer,
        order=order,
        manager=manager,
        from_number=VOICE_NUMBER,
        to_number=order.customer.phone,
        started_at=timezone.now(),
        **fields,
    )


def signed_post(client, url: str, params: dict):
    """POST `params` to the desk's `url` (absolute, as Twilio has it) as Twilio would: signed with the token."""
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    return client.post(url.removeprefix(settings.SITE_URL), params, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.fixture
def twilio_posts(client):
    """Twilio's requests to the desk through the test client: `fake.play_call(sent, ..., post=twilio_posts)`."""
    statuses = []

    def post(url: str, params: dict) -> int:
        statuses.append(signed_post(client, url, params).status_code)
        return statuses[-1]

    post.statuses = statuses
    return post
