import zoneinfo
from datetime import datetime, time, timedelta
from decimal import Decimal

import factory
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from assignment.models import ManagerProfile, Presence
from calls.signals import call_leg_ended, call_ringing
from core import roles
from orders.models import AccessGrant, CallLeg, Conversation, Customer, PhoneCall, Shop
from orders.services import order_create, order_set_manager, task_create

PASSWORD = "secret-pass-123"
MSK = zoneinfo.ZoneInfo("Europe/Moscow")
_MISSING = object()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if extracted:
            user.groups.add(Group.objects.get(name=extracted))
        user.save()


def manager(**kwargs):
    return UserFactory(role=roles.MANAGER, **kwargs)


def supervisor(**kwargs):
    return UserFactory(role=roles.SUPERVISOR, **kwargs)


def inspector(**kwargs):
    return UserFactory(role=roles.INSPECTOR, **kwargs)


def grant(user, *, shops=(), order_types=(), methods=(), regions=()):
    """A grant of these; what is left out is granted all (the flag), as most tests want. A grant of none is
    made explicitly: `AccessGrant.objects.create(user=...)`."""
    access, _ = AccessGrant.objects.get_or_create(user=user)
    access.order_types, access.methods, access.regions = list(order_types), list(methods), list(regions)
    access.all_shops, access.all_order_types = not shops, not order_types
    access.all_methods, access.all_regions = not methods, not regions
    access.save()
    access.shops.set(shops)
    return access


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop

    code = factory.Sequence(lambda n: f"shop{n}")
    name = factory.Sequence(lambda n: f"Shop {n}")
    # A day shop, as most are: status clocks run only 09:00–21:00 Moscow time. Tests that need a clock which
    # never stops ask for always_open=True.
    timezone = "Europe/Moscow"
    always_open = False
    opens_at = time(9, 0)
    closes_at = time(21, 0)
    working_days = "1234567"
    # The suite reads English: customers too, unless a test asks for a Russian shop.
    customer_language = "en"


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    shop = factory.SubFactory(ShopFactory)
    name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"+7916{n:07d}")


_counter = iter(range(1, 10**9))


def make_order(
    shop=None, *, phone=None, manager=None, method="cart", region="", company=False, vip=False, **kwargs
):
    """An order made the way production makes them: through the intake service."""
    shop = shop or ShopFactory()
    n = next(_counter)
    order, _ = order_create(
        shop=shop,
        external_id=kwargs.pop("external_id", f"ext-{n}"),
        customer={
            "name": kwargs.pop("customer_name", f"Customer {n}"),
            "phone": phone or f"+7903{n:07d}",
            "email": "",
            "legal_type": "company" if company else "person",
            "is_vip": vip,
        },
        items=kwargs.pop("items", [{"sku": "SKU-1", "name": "Teapot", "qty": 2, "price": Decimal("450.00")}]),
        method=method,
        region=region,
        **kwargs,
    )
    order.refresh_from_db()  # routing may have assigned it on creation
    if manager is not None and order.manager != manager:
        order_set_manager(order=order, manager=manager)
    return order


def free_manager(*, experience: int = 0, quota: int | None = None, shops=(), **kwargs):
    """A manager with a profile, on duty (Free)."""
    user = manager(**kwargs)
    ManagerProfile.objects.create(user=user, presence=Presence.FREE, experience=experience, quota_override=quota)
    if shops:
        grant(user, shops=shops)
    return user


def make_task(order, *, assignee, by=_MISSING, text="Call", due_at=None, kind="call"):
    """A task on an order made through the service (by its assignee unless said), due now unless said."""
    return task_create(
        customer=order.customer,
        order=order,
        assignee=assignee,
        by=assignee if by is _MISSING else by,
        kind=kind,
        text=text,
        due_at=due_at or timezone.now(),
    )


def msk(*args) -> datetime:
    """A moment on the desk's (Moscow) clock: msk(2026, 11, 23, 15, 0)."""
    return datetime(*args, tzinfo=MSK)


def make_conversation(shop, *, started, manager=None, replied=None, due=None, closed=None, reason="", **kwargs):
    """A conversation a customer started at `started` (first reply due `due`, by default 5 minutes on), first
    answered at `replied`, closed at `closed` with `reason`."""
    with time_machine.travel(started, tick=False):
        conversation = Conversation.objects.create(
            shop=shop,
            customer=kwargs.pop("customer", None) or CustomerFactory(shop=shop),
            manager=manager,
            last_message_at=started,
            first_reply_due_at=due or started + timedelta(minutes=5),
            first_replied_at=replied,
            state=Conversation.State.CLOSED if closed else kwargs.pop("state", Conversation.State.OPEN),
            close_reason=reason,
            closed_at=closed,
            closed_by=kwargs.pop("closed_by", manager if closed else None),
            **kwargs,
        )
    return conversation


def ring(manager, *, customer, to_number="+74950000000", rang="+79260000001"):
    """An incoming call from `customer` ringing `manager` now, left as the ring helper's services leave it (a
    PhoneCall and its open leg) and told the way they tell it (call_ringing in the transaction)."""
    with transaction.atomic():
        call = PhoneCall.objects.create(
            direction=PhoneCall.Direction.INBOUND,
            shop=customer.shop,
            customer=customer,
            from_number=customer.phone,
            to_number=to_number,
            state=PhoneCall.State.RINGING,
            started_at=timezone.now(),
        )
        leg = CallLeg.objects.create(call=call, manager=manager, rang=rang, started_at=timezone.now())
        call_ringing.send(sender=CallLeg, leg=leg)
    return leg


def ring_end(leg, *, answered=False):
    """The leg ends (answered and talked, or rang out), told with call_leg_ended."""
    with transaction.atomic():
        leg.ended_at, leg.answered = timezone.now(), answered
        leg.save(update_fields=["ended_at", "answered"])
        call_leg_ended.send(sender=CallLeg, leg=leg)
    return leg
