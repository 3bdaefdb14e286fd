"""Bounds a shop would recognise: status time limits and the no-answer ladder's waits from a minute to ninety days
(one range for both), a delivery date from today to a year ahead, and no delivery rule that calls a lost or
returned parcel a success."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from orders.models import DeliveryStatusRule, NoAnswerStep, Order, Status
from tests.factories import ShopFactory, free_manager, msk
from tests.orders.test_admin_cannot_break_the_desk import change_status
from tests.orders.test_new_order_by_hand import posted

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("typed", "error"), [("99999 days", "at most 90 days"), ("30 s", "at least 1 min")])
def test_a_status_time_limit_out_of_range_is_refused_with_the_range_and_the_input_kept(admin_client, typed, error):
    new = Status.objects.get(code="new")
    response = change_status(admin_client, new, time_limit=typed)
    page = response.content.decode()
    assert response.status_code == 200 and error in page and f'value="{typed}"' in page
    new.refresh_from_db()
    assert new.time_limit == timedelta(minutes=5)


def test_ninety_days_is_still_a_time_limit(admin_client):
    new = Status.objects.get(code="new")
    assert change_status(admin_client, new, time_limit="90 days").status_code == 302


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (lambda: Status.objects.get(code="new"), "time_limit"),
        (lambda: NoAnswerStep.objects.get(outcome="no_answer", miss=1), "retry_after"),
    ],
)
@pytest.mark.parametrize(
    ("value", "error"),
    [(timedelta(days=91), "Make it at most 90 days"), (timedelta(seconds=30), "Make it at least 1 min.")],
)
def test_time_limits_and_ladder_waits_share_one_range(model, field, value, error):
    obj = model()
    setattr(obj, field, value)
    with pytest.raises(ValidationError) as refused:
        obj.full_clean()
    assert error in " ".join(refused.value.message_dict[field])


def test_a_ladder_wait_of_a_year_is_refused_in_admin(admin_client):
    first = NoAnswerStep.objects.get(outcome="no_answer", miss=1)
    response = admin_client.post(
        reverse("admin:orders_noanswerstep_change", args=[first.pk]),
        {"outcome": "no_answer", "miss": 1, "retry_after": "365 days"},
    )
    assert response.status_code == 200 and "at most 90 days" in response.content.decode()
    first.refresh_from_db()
    assert first.retry_after == timedelta(minutes=5)


@pytest.mark.parametrize("state", ["lost", "returned"])
def test_a_lost_or_returned_parcel_cannot_complete_the_order(admin_client, state):
    shop = ShopFactory()
    complete = Status.objects.get(code="complete")
    response = admin_client.post(
        reverse("admin:orders_deliverystatusrule_add"), {"shop": shop.pk, "state": state, "target": complete.pk}
    )
    assert response.status_code == 200 and "did not reach the customer" in response.content.decode()
    assert not DeliveryStatusRule.objects.exists()
    # Delivered → Complete is what the rule is for.
    DeliveryStatusRule(shop=shop, state="delivered", target=complete).full_clean()


@pytest.mark.parametrize(
    ("day", "error"),
    [
        (msk(2020, 3, 1).date(), "This date has passed"),
        (msk(2026, 11, 23).date(), "This date has passed"),
        (msk(2027, 11, 25).date(), "at most 365 days ahead"),
    ],
)
def test_a_new_orders_delivery_date_is_from_today_to_a_year_ahead(client, day, error):
    shop = ShopFactory(always_open=True)
    anna = free_manager(username="anna", shops=[shop])
    client.force_login(anna)
    with time_machine.travel(msk(2026, 11, 24, 23, 50), tick=False):  # late evening, the shop's last day of it
        refused = client.post(reverse("orders:new"), posted(shop, delivery_date=day.isoformat()))
        assert refused.status_code == 400 and error in refused.content.decode()
        assert not Order.objects.exists()
        today = timezone.localdate(timezone=shop.zone)
        for fine in (today, today + timedelta(days=365)):
            assert (
                client.post(reverse("orders:new"), posted(shop, delivery_date=fine.isoformat())).status_code == 302
            )
