"""The calls app's reads: where a manager is rung, the number a shop calls from, whether auto-dial may dial."""

from datetime import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from assignment.models import ManagerProfile, Presence
from orders.clock import is_night
from orders.models import Customer, Shop, ShopAddress


def manager_rings_at(profile: ManagerProfile | None) -> str:
    """Where the desk rings a manager: their SIP address (a PBX or softphone) when set, else their phone; ""
    when neither."""
    if profile is None:
        return ""
    return profile.sip.strip() or profile.phone.strip()


def shop_voice_number(shop: Shop) -> str:
    """The shop's Twilio voice number a call out shows the customer (the first, when it has several); ""."""
    return (
        ShopAddress.objects.filter(shop=shop, channel=ShopAddress.Channel.VOICE)
        .order_by("address")
        .values_list("address", flat=True)
        .first()
        or ""
    )


def customer_night_now(customer: Customer, now: datetime | None = None) -> datetime | None:
    """The customer's clock when it is their night now (no calls then, unless they asked); None by day."""
    local = (now or timezone.now()).astimezone(customer.zone)
    return local if is_night(local, customer.shop) else None


def auto_dial_ready(*, manager: User | None, customer: Customer) -> bool:
    """Seed 004: the desk dials at once for a manager who switched auto-dial on, is Free and has a phone to ring
    — never in the customer's night."""
    if manager is None:
        return False
    profile = ManagerProfile.objects.filter(user=manager).first()
    return (
        profile is not None
        and profile.auto_dial
        and profile.presence == Presence.FREE
        and bool(manager_rings_at(profile))
        and customer_night_now(customer) is None
    )
