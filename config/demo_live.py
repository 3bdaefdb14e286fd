"""A living demo: a storefront that pushes a new order through the real intake API now and then, and demo managers
nobody is logged in as who take up their orders and move them along, so routing, clocks and the dashboard move
while one watches. Only `make demo` runs it (DEMO_STOREFRONT=0 turns it off)."""

import base64
import json
import random
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from assignment.models import AssignmentDecision, ManagerProfile, Presence
from assignment.services import presence_note_activity, presence_set
from config.demo import CITIES, CUSTOMERS, ITEMS, demo_address, demo_api_key
from config.demo_conversations import FIRST_MESSAGES, demo_letter
from config.fake_twilio import FakeTwilio
from orders.exceptions import OrderError
from orders.models import CallOutcome, Order, Shop, ShopAddress, Task
from orders.selectors import status_next_for
from orders.services import order_change_status, order_record_call

# A new customer's name: a first name and the surname in its form for a man or a woman.
FIRST_NAMES = {
    "man": ["Николай", "Юрий", "Роман", "Артём", "Фёдор", "Андрей"],
    "woman": ["Ирина", "Ксения", "Дарья", "Полина", "Галина", "Наталья"],
}
LAST_NAMES = [
    ("Сидоров", "Сидорова"),
    ("Белов", "Белова"),
    ("Комаров", "Комарова"),
    ("Зайцев", "Зайцева"),
    ("Павлов", "Павлова"),
    ("Виноградов", "Виноградова"),
    ("Соколов", "Соколова"),
]


def storefront_push(*, base_url: str, rng: random.Random) -> dict:
    """One new order from a demo shop's storefront, through the intake API as a real storefront sends it."""
    shop = rng.choice(list(Shop.objects.order_by("code")))
    if rng.random() < 0.25:  # a returning customer now and then: routing's repeat rule at work
        name, phone, email, city = rng.choice(CUSTOMERS)
    else:
        sex = rng.choice(["man", "woman"])
        surname = rng.choice(LAST_NAMES)[sex == "woman"]
        name = f"{rng.choice(FIRST_NAMES[sex])} {surname}"
        phone, email, city = f"+7916{rng.randrange(10**7):07d}", "", rng.choice(list(CITIES))
    sku, item_name, price = rng.choice(ITEMS)
    body = {
        "external_id": f"live-{timezone.now():%Y%m%d%H%M%S}-{rng.randrange(10**6)}",
        "customer": {"name": name, "phone": phone, "email": email},
        "method": rng.choice(["cart", "cart", "one_click", "landing"]),
        "region": city,
        "delivery_address": demo_address(city, rng.randrange(10)),
        "items": [{"sku": sku, "name": item_name, "qty": rng.randint(1, 3), "price": str(price)}],
    }
    return _post(f"{base_url}/api/v1/orders/", body, demo_api_key(shop.code))


def carrier_report(*, base_url: str, rng: random.Random) -> dict | None:
    """A carrier says a parcel in delivery reached its pick-up point (seed 004), through the delivery API."""
    order = (
        Order.objects.filter(status="delivery", external_id__gt="").select_related("shop").order_by("?").first()
    )
    if order is None:
        return None
    body = {
        "carrier": "CDEK",
        "tracking_code": f"CDEK-{order.pk:06d}",
        "state": "at_pickup_point",
        "at": timezone.now().isoformat(),
        "location": rng.choice(
            ["Москва, ул. Арбат, д. 5", "Москва, ул. Тверская, д. 12", "Казань, ул. Баумана, д. 3"]
        ),
    }
    return _post(f"{base_url}/api/v1/orders/{order.external_id}/delivery/", body, demo_api_key(order.shop.code))


REPLIES = [
    "А можно доставить в субботу?",
    "Спасибо!",
    "Можно будет оплатить картой курьеру?",
    "Хорошо",
    "СТОП",
]


def customer_reply(*, rng: random.Random) -> str | None:
    """A customer with an open order writes back, as Twilio would call the inbound webhook (signed)."""
    if not settings.TWILIO_AUTH_TOKEN:
        return None
    # Customers of open orders ask things; customers asked for feedback answer it.
    orders = Order.objects.filter(Q(is_final=False) | Q(feedback_request__state="sent")).exclude(
        customer__phone=""
    )
    order = orders.select_related("customer").order_by("?").first()
    if order is None:
        return None
    body = rng.choice(REPLIES[:-1] if rng.random() < 0.9 else REPLIES)
    fake = FakeTwilio(token=settings.TWILIO_AUTH_TOKEN)
    fake.reply(settings.SITE_URL + reverse("webhooks:twilio_inbound"), from_=order.customer.phone, body=body)
    return f"{order.customer.name} wrote about {order.number}: {body}"


def stranger_writes(*, rng: random.Random) -> str | None:
    """Someone the desk does not know texts a demo shop's SMS or WhatsApp number, through the fake Twilio's
    signed inbound webhook call: a new customer and a conversation, routed to a Free manager (their inbox)."""
    if not settings.TWILIO_AUTH_TOKEN:
        return None
    address = ShopAddress.objects.filter(channel__in=["sms", "whatsapp"]).order_by("?").first()  # texted, not rung
    if address is None:
        return None
    prefix = "whatsapp:" if address.channel == "whatsapp" else ""
    phone, body = f"+7999{rng.randrange(10**7):07d}", rng.choice(FIRST_MESSAGES)
    fake = FakeTwilio(token=settings.TWILIO_AUTH_TOKEN)
    url = settings.SITE_URL + reverse("webhooks:twilio_inbound")
    fake.reply(url, from_=prefix + phone, to=prefix + address.address, body=body)
    return f"{phone} wrote to {address.shop.name} ({address.channel}): {body}"


def stranger_emails(*, base_url: str, rng: random.Random) -> str | None:
    """Someone writes to a demo shop's email address: the letter comes through the inbound email webhook as a
    provider (Postmark, with the raw message) posts it, with the webhook's basic auth secret."""
    address = ShopAddress.objects.filter(channel="email").order_by("?").first()
    secret = settings.ANYMAIL.get("WEBHOOK_SECRET", "")
    if address is None or ":" not in secret:
        return None
    sender, body = f"client{rng.randrange(10**6)}@example.ru", rng.choice(FIRST_MESSAGES)
    letter = demo_letter(sender=sender, to=address.address, text=body, key=f"live-{rng.randrange(10**12)}")
    request = urllib.request.Request(
        f"{base_url}{reverse('email_webhooks:postmark_inbound')}",
        data=json.dumps({"RecordType": "Inbound", "RawEmail": letter.as_string()}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": "Basic " + base64.b64encode(secret.encode()).decode(),
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10):
        return f"{sender} emailed {address.shop.name}: {body}"


def _post(url: str, body: dict, key: str) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _people_logged_in(now) -> set[int]:
    """Users with a live session: people using the demo, whom the simulation leaves alone."""
    ids = set()
    for session in Session.objects.filter(expire_date__gt=now):
        user_id = session.get_decoded().get("_auth_user_id")
        if user_id:
            ids.add(int(user_id))
    return ids


def staff_act(*, rng: random.Random, now=None) -> list[str]:
    """Demo managers nobody is logged in as do a little work: take up what routing gave them (a call), move an
    order one step along the matrix, go to lunch and come back. Returns what they did, for the log."""
    now = now or timezone.now()
    humans = _people_logged_in(now)
    done = []
    for profile in ManagerProfile.objects.exclude(user_id__in=humans).select_related("user").order_by("pk"):
        manager = profile.user
        presence_note_activity(user=manager, now=now)  # a simulated manager's session never expires
        if profile.presence != Presence.FREE:
            if rng.random() < 0.3:
                presence_set(user=manager, presence=Presence.FREE)
                done.append(f"{manager.username} is back")
            continue
        if rng.random() < 0.05:
            presence_set(user=manager, presence=Presence.LUNCH)
            done.append(f"{manager.username} went to lunch")
            continue
        done += _work_one_order(manager, rng)
    return done


def _work_one_order(manager, rng: random.Random) -> list[str]:
    waiting = AssignmentDecision.objects.filter(
        manager=manager, accepted_at__isnull=True, timed_out_at__isnull=True, accept_by__isnull=False
    ).select_related("order")
    orders = [d.order for d in waiting if d.order is not None]  # a conversation's decision names no order
    fresh = next((order for order in orders if order.manager_id == manager.pk and not order.is_final), None)
    if fresh is not None and rng.random() < 0.7:  # most are taken up in time, some slip (and are rerouted)
        outcome = CallOutcome.REACHED if rng.random() < 0.8 else CallOutcome.NO_ANSWER
        order_record_call(order=fresh, by=manager, outcome=outcome)
        done = [f"{manager.username} called about {fresh.number}: {outcome.label.lower()}"]
        if outcome == CallOutcome.REACHED and rng.random() < 0.6:  # confirmed: on to the next status
            done += _move_on(manager, fresh)
        return done
    due_call = Task.objects.filter(
        assignee=manager,
        kind=Task.Kind.CALL,
        done_at__isnull=True,
        due_at__lte=timezone.now(),
        order__is_final=False,
    ).select_related("order")
    call = due_call.order_by("due_at").first()
    if call is not None and call.order is not None and rng.random() < 0.5:  # a call that fell due: they ring back
        outcome = CallOutcome.REACHED if rng.random() < 0.6 else CallOutcome.NO_ANSWER
        order_record_call(order=call.order, by=manager, outcome=outcome)
        return [f"{manager.username} rang {call.order.number} back: {outcome.label.lower()}"]
    # Now and then the most urgent of their orders, the one whose clock runs out first; not always in time.
    urgent = Order.objects.filter(manager=manager, is_final=False).order_by("deadline", "pk").first()
    if urgent is None or rng.random() < 0.7:
        return []
    return _move_on(manager, urgent)


def _move_on(manager, order) -> list[str]:
    order.refresh_from_db()
    forward = [status for status in status_next_for(order=order, user=manager) if status.group != "cancel"]
    if not forward:
        return []
    try:
        order_change_status(order=order, target=forward[0].code, by=manager, expected_status=order.status)
    except OrderError:
        return []  # someone else moved it meanwhile
    return [f"{manager.username} moved {order.number} to {forward[0].name}"]


def run(
    *, base_url: str, seconds: tuple[int, int] = (30, 90), rng: random.Random | None = None, log=print
) -> None:
    """Until stopped: a new order every 30–90 s, now and then a stranger writing in by SMS, WhatsApp or email,
    and the demo managers act between orders."""
    rng = rng or random.Random()
    while True:
        time.sleep(rng.uniform(*seconds))
        try:
            answer = storefront_push(base_url=base_url, rng=rng)
            log(f"storefront: order {answer['number']} → {answer['manager'] or 'the queue'}")
            if rng.random() < 0.3 and (report := carrier_report(base_url=base_url, rng=rng)):
                log(f"carrier: order {report['number']} is at the pick-up point ({report['status']})")
            if rng.random() < 0.3 and (reply := customer_reply(rng=rng)):
                log(f"customer: {reply}")
            if rng.random() < 0.25 and (wrote := stranger_writes(rng=rng)):
                log(f"stranger: {wrote}")
            if rng.random() < 0.1 and (wrote := stranger_emails(base_url=base_url, rng=rng)):
                log(f"stranger: {wrote}")
        except (urllib.error.URLError, OSError) as exc:
            log(f"storefront: the desk did not answer ({exc}); trying again later")
        for line in staff_act(rng=rng):
            log(f"desk: {line}")
