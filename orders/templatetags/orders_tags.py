from django import template
from django.utils import timezone
from django.utils.html import format_html

from core.formats import day_label, money, relative_label, weekday_label
from core.people import staff_name
from orders.clock import desk_time, is_night
from orders.durations import duration_label

register = template.Library()


@register.simple_tag
def status_badge(code: str, statuses: dict):
    """A status code as a coloured badge, from the statuses read once for the page."""
    status = statuses.get(code)
    if status is None:
        return format_html('<span class="badge text-bg-secondary">{}</span>', code)
    return format_html(
        '<span class="badge status-badge" style="background:{}">{}</span>', status.colour, status.name
    )


@register.filter
def local_time(value, zone):
    """A moment shown in another time zone (customer's or shop's)."""
    if value is None or zone is None:
        return value
    return timezone.localtime(value, zone)


def _wall_clock(zone):
    # Naive on purpose: templates would otherwise convert an aware time back to the desk's zone.
    return timezone.localtime(timezone.now(), zone).replace(tzinfo=None)


@register.simple_tag
def local_now(zone):
    return _wall_clock(zone)


@register.simple_tag
def customer_now(customer):
    """The customer's wall clock: their own zone when known, else the shop's."""
    return _wall_clock(customer.zone)


@register.filter
def night(moment, shop) -> bool:
    """Whether a customer's wall-clock time falls in the shop's quiet hours."""
    return is_night(moment, shop)


@register.inclusion_tag("orders/_customer_clock.html")
def customer_clock(customer):
    """The customer's time now, a night badge in the shop's quiet hours, and where their zone came from."""
    their_now = _wall_clock(customer.zone)
    return {
        "customer": customer,
        "found": customer.zone_found,
        "their_now": their_now,
        "is_night": is_night(their_now, customer.shop),
    }


@register.filter
def person(user, fallback="—"):
    """A member of staff by name, or the fallback when there is nobody (e.g. the system)."""
    return staff_name(user, fallback)


@register.filter
def due_count(tasks, now) -> int:
    """How many of these (already loaded) tasks have fallen due."""
    return sum(task.due_at <= now for task in tasks)


@register.filter
def masked_phone(phone: str) -> str:
    """A phone with its middle hidden ("+7916•••••33"): enough to tell customers apart, not to call them."""
    if len(phone) < 8:
        return phone
    return phone[:5] + "•" * (len(phone) - 7) + phone[-2:]


@register.filter
def duration(value) -> str:
    """A duration as people say it: "15 min", "2 h"."""
    return duration_label(value)


@register.filter
def moment(value):
    """A moment written the one way the desk writes moments: "24 Nov, 12:12" / "24 нояб., 12:12", desk time."""
    return desk_time(value) if value else ""


@register.filter
def day(value):
    """A day as the desk writes it: "7 Dec" / "7 дек."."""
    return day_label(value) if value else ""


@register.filter
def delivery_words(order):
    """How and when the order is delivered, in the reader's words: "Courier, Tverskaya 1, 12 Dec, 14:00–16:00"."""
    method = order.get_delivery_method_display() if order.delivery_method else ""
    day = day_label(order.delivery_date) if order.delivery_date else ""
    return ", ".join(part for part in (method, order.delivery_address, day, order.delivery_slot) if part)


@register.filter
def weekday_day(value):
    """A day with its weekday: "Mon 7 Dec" / "Пн 7 дек."."""
    return weekday_label(value) if value else ""


@register.filter
def relative(value):
    """How far a moment is from now: "4 minutes from now" / "через 4 минуты", "an hour ago" / "час назад"."""
    return relative_label(value) if value else ""


@register.filter(name="money")
def money_filter(amount, shop_or_currency="RUB"):
    """An amount in the shop's currency, as the reader's language writes it: `{{ order.total|money:order.shop }}`
    gives "4 770 ₽" in Russian, "₽4,770" in English."""
    currency = getattr(shop_or_currency, "currency", shop_or_currency)
    return money(amount, currency)
