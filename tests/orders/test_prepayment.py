"""Prepayment rules: a step of the matrix waits for the order's payment (in full, or a share of the total, per shop
and method), checked in the one status-change path, so the order page's button, a carrier's report, the shell and
a superuser all wait alike; the page says why the step is not offered."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from notifications.models import Notification
from orders.models import DeliveryStatusRule, PaymentRule, Status, StatusTransition
from orders.selectors import status_next_for
from orders.services import order_change_status, order_record_payment, shop_issue_api_key
from tests.factories import PASSWORD, ShopFactory, UserFactory, free_manager, grant, make_order

pytestmark = pytest.mark.django_db
FULL = "Waiting for payment: ₽0 of ₽900 paid (this step needs full payment)."


def step(source: str, target: str) -> StatusTransition:
    return StatusTransition.objects.get(source__code=source, target__code=target)


def rule(source="approval", target="assembly", **fields) -> PaymentRule:
    made = PaymentRule(transition=step(source, target), **fields)
    made.full_clean()
    made.save()
    return made


@pytest.fixture
def shop():
    return ShopFactory(always_open=True, code="garden")


@pytest.fixture
def anna(shop):
    user = free_manager(username="anna", first_name="Anna")
    grant(user, shops=[shop])
    return user


@pytest.fixture
def order(shop, anna):
    """A 900 order in Approval, Anna's."""
    placed = make_order(shop, external_id="web-7", manager=anna)
    order_change_status(order=placed, target="approval", by=anna)
    return placed


def test_a_shell_call_is_refused_with_what_was_paid_and_nothing_changes(order):
    rule()
    with pytest.raises(Exception, match=r"Waiting for payment: ₽0 of ₽900 paid \(this step needs full payment\)"):
        order_change_status(order=order, target="assembly")  # the desk's own move, as the shell makes it
    order.refresh_from_db()
    assert order.status == "approval" and order.events.filter(status_to="assembly").count() == 0


def test_not_even_a_superuser_skips_it(order):
    rule()
    with pytest.raises(Exception, match="Waiting for payment"):
        order_change_status(order=order, target="assembly", by=UserFactory(is_superuser=True, is_staff=True))


def test_the_step_goes_through_once_the_order_is_paid(order):
    rule()
    order_record_payment(order=order, state="paid", amount=Decimal("900"))
    order_change_status(order=order, target="assembly")
    assert order.status == "assembly"


def test_a_share_rule_waits_for_that_share_of_the_total(order):
    rule(share=50)  # 450 of 900
    order_record_payment(order=order, state="partly_paid", amount=Decimal("449.99"))
    with pytest.raises(Exception, match=r"₽449\.99 of ₽900 paid \(this step needs 50% of the total\)"):
        order_change_status(order=order, target="assembly")
    order_record_payment(order=order, state="partly_paid", amount=Decimal("0.01"))
    order_change_status(order=order, target="assembly")
    assert order.status == "assembly"


def test_a_refund_puts_the_wait_back(order):
    rule()
    order_record_payment(order=order, state="paid", amount=Decimal("900"))
    order_record_payment(order=order, state="refunded", amount=Decimal("900"))
    with pytest.raises(Exception, match="Waiting for payment"):
        order_change_status(order=order, target="assembly")


def test_a_rule_for_another_shop_or_method_leaves_the_order_alone(order):
    rule(shop=ShopFactory())
    rule(method="phone")  # the order came from the cart
    order_change_status(order=order, target="assembly")
    assert order.status == "assembly"


def test_the_strictest_rule_that_applies_decides(order, shop):
    rule(share=30)
    rule(shop=shop, method="cart", share=100)
    order_record_payment(order=order, state="partly_paid", amount=Decimal("300"))
    with pytest.raises(Exception, match="needs full payment"):
        order_change_status(order=order, target="assembly")


def test_the_order_page_button_is_refused_and_says_why(client, order, anna):
    rule()
    client.force_login(anna)
    response = client.post(
        reverse("orders:status", args=[order.pk]),
        {"target": "assembly", "expected_status": "approval"},
        follow=True,
    )
    assert FULL in response.content.decode()
    order.refresh_from_db()
    assert order.status == "approval"


def test_the_order_page_offers_no_button_but_says_why_and_offers_it_once_paid(client, order, anna):
    rule()
    client.force_login(anna)
    page = client.get(reverse("orders:detail", args=[order.pk]))
    assert [status.code for status in page.context["page"].next_statuses] == ["cancelled"]
    html = page.content.decode()
    assert 'data-testid="waiting-for-payment"' in html and FULL in html
    assert 'name="target" value="assembly"' not in html
    assert [status.code for status in status_next_for(order=order, user=anna)] == ["cancelled"]
    order_record_payment(order=order, state="paid", amount=Decimal("900"))
    html = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'name="target" value="assembly"' in html and "Waiting for payment" not in html


def test_a_carriers_report_waits_too_and_the_manager_is_told(client, order, shop, anna):
    rule("delivery", "complete")  # cash on delivery: complete only once the money is in
    order_record_payment(order=order, state="partly_paid", amount=Decimal("100"))
    for target in ("assembly", "delivery"):
        order_change_status(order=order, target=target, by=anna)
    DeliveryStatusRule.objects.create(shop=shop, state="delivered", target=Status.objects.get(code="complete"))
    response = client.post(
        reverse("api_order_delivery", args=["web-7"]),
        json.dumps({"carrier": "CDEK", "state": "delivered", "at": "2026-11-24T10:00:00+03:00"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {shop_issue_api_key(shop=shop)}"},
    )
    assert response.status_code == 201
    order.refresh_from_db()
    assert order.status == "delivery"
    said = 'CDEK reported "delivered", but Delivery → Complete waits for payment (₽100 of ₽900 paid): the order'
    assert order.events.filter(text__startswith=said).count() == 1
    assert Notification.objects.filter(recipient=anna, text__contains=said).count() == 1


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"share": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"share": "101"}, "Ensure this value is less than or equal to 100."),
        ({"share": "half"}, "Enter a whole number."),
        (
            {"target": "cancelled"},
            "A step to a cancel status never waits for payment: an unpaid order must stay cancellable.",
        ),
    ],
)
def test_the_admin_refuses_a_rule_that_makes_no_sense_and_saves_nothing(client, fields, error):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    target = fields.pop("target", "assembly")
    data = {"transition": step("approval", target).pk, "shop": "", "method": "", "share": "100", **fields}
    response = client.post(reverse("admin:orders_paymentrule_add"), data)
    assert response.status_code == 200 and error in response.content.decode()
    assert not PaymentRule.objects.exists()


def test_the_admin_saves_a_rule_per_shop_and_method(client, shop):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True, password=PASSWORD))
    data = {"transition": step("approval", "assembly").pk, "shop": shop.pk, "method": "phone", "share": "30"}
    assert client.post(reverse("admin:orders_paymentrule_add"), data).status_code == 302
    saved = PaymentRule.objects.get()
    assert (saved.shop, saved.method, saved.share, str(saved)) == (
        shop,
        "phone",
        30,
        "Approval → Assembly once 30% is paid",
    )
