from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assignment.models import AssignmentDecision, ManagerProfile, Presence, RoutingSettings
from assignment.services import assignments_expire, presence_set
from assignment.tasks import serve_queue
from notifications.models import Notification
from notifications.services import message_write
from orders.models import TAKE_UP_KINDS
from orders.services import order_add_note, order_change_status, order_set_manager
from tests.factories import ShopFactory, free_manager, grant, make_order, make_task, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory()


@pytest.fixture
def boss(shop):
    user = supervisor(username="boss")
    grant(user, shops=[shop])
    return user


def after_timeout(seconds: int = 1):
    return time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=seconds), tick=False)


def test_an_untouched_order_goes_to_another_free_manager_and_the_supervisor_is_told(shop, boss):
    anna = free_manager(username="anna", first_name="Anna", last_name="S")
    order = make_order(shop)
    assert order.manager == anna
    boris = free_manager(username="boris", first_name="Boris", last_name="I")

    with time_machine.travel(timezone.now() + timedelta(minutes=4), tick=False):
        assert serve_queue()["timed_out"] == 0  # still within the five minutes
    with after_timeout():
        assert serve_queue()["timed_out"] == 1

    order.refresh_from_db()
    assert order.manager == boris
    first, second = order.assignment_decisions.order_by("pk")
    assert first.manager == anna and first.timed_out_at is not None and first.accepted_at is None
    assert second.manager == boris and [c["manager"] for c in second.candidates] == ["Boris I", "Anna S"]
    assert second.candidates[1]["note"].startswith("let this order time out at")
    texts = list(
        order.events.filter(kind__in=["assignment", "manager"]).order_by("pk").values_list("text", flat=True)
    )
    assert texts[-2] == "Manager changed from Anna S to nobody: Anna S did not take it up within 5 min"
    # Anna was free with room too: the headline does not call Boris the only one.
    assert (
        texts[-1] == "Assigned to Boris I: Cooling-off → the only free manager with room for it besides Anna S, "
        "who let it time out (others first)"
    )
    note = Notification.objects.get(recipient=boss, kind=Notification.Kind.TIMEOUT)
    assert note.text == f"Anna S did not take up order {order.number} in 5 min; it went to Boris I."


def test_after_two_take_up_timeouts_the_headline_names_both_who_let_it_time_out(shop):
    anna = free_manager(username="anna", first_name="Anna", last_name="S")
    order = make_order(shop)
    assert order.manager == anna
    boris = free_manager(username="boris", first_name="Boris", last_name="I")
    with after_timeout():
        serve_queue()  # Anna let it time out: Boris
    order.refresh_from_db()
    assert order.manager == boris
    vera = free_manager(username="vera", first_name="Vera", last_name="K")
    with after_timeout(seconds=60 * 5 + 2):
        serve_queue()  # Boris let it time out too: Vera, though she is not the only one free with room
    order.refresh_from_db()
    assert order.manager == vera
    latest = order.events.filter(kind="assignment").latest("pk")
    assert latest.text == (
        "Assigned to Vera K: Cooling-off → the only free manager with room for it besides Anna S and Boris I, "
        "who let it time out (others first)"
    )


def test_with_nobody_else_free_the_order_goes_back_to_the_same_manager_rather_than_wait(client, shop, boss):
    anna = free_manager(username="anna", first_name="Anna", last_name="S")
    order = make_order(shop)
    with after_timeout():
        serve_queue()
    order.refresh_from_db()
    assert order.manager == anna  # the queue never holds an order a free manager with room could take
    latest = order.events.filter(kind__in=["assignment", "manager"]).latest("pk")
    assert "Cooling-off fallback: given back to Anna S, who let it time out at" in latest.text
    assert "nobody else free could take it" in latest.text
    assert "it went back to them" in Notification.objects.get(recipient=boss, kind=Notification.Kind.TIMEOUT).text
    client.force_login(boss)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "given back to Anna S" in page and "others first" in page


def test_within_the_cooling_off_time_others_come_first_then_the_manager_is_an_ordinary_candidate(shop):
    anna = free_manager(username="anna")
    order = make_order(shop)
    presence_set(user=anna, presence=Presence.LUNCH)
    with after_timeout():
        serve_queue()  # taken back from Anna; nobody Free: it waits
    order.refresh_from_db()
    assert order.manager is None
    presence_set(user=anna, presence=Presence.FREE)
    boris = free_manager(username="boris")
    for _ in range(3):
        make_order(shop, manager=boris)  # Boris is busier: even load alone would pick Anna
    with after_timeout(seconds=60):
        serve_queue()
    order.refresh_from_db()
    assert order.manager == boris  # others first within the cooling-off time
    cooloff = RoutingSettings.load().timeout_cooloff
    with time_machine.travel(timezone.now() + cooloff + timedelta(minutes=10), tick=False):
        later = make_order(shop, phone=order.customer.phone.replace("7903", "7904"))
    assert later.manager == anna  # an ordinary candidate again for other orders, and fewer open orders


def test_an_order_its_customers_own_manager_let_time_out_goes_to_another_free_manager_not_back_to_wait(shop, boss):
    anna = free_manager(username="anna", first_name="Anna", last_name="S")
    earlier = make_order(shop)
    order_add_note(order=earlier, by=anna, text="Confirmed by phone.")  # taken up: the customer stays hers
    order = make_order(shop, phone=earlier.customer.phone)
    assert order.manager == anna and order.customer.responsible_manager == anna
    presence_set(user=anna, presence=Presence.LUNCH)
    boris = free_manager(username="boris", first_name="Boris", last_name="I")
    with after_timeout():
        serve_queue()
    order.refresh_from_db()
    # The customer's own manager is the one who let it slip: others first, not a wait for her in the queue.
    assert order.manager == boris
    note = Notification.objects.get(recipient=boss, kind=Notification.Kind.TIMEOUT)
    assert note.text == f"Anna S did not take up order {order.number} in 5 min; it went to Boris I."


@pytest.mark.parametrize(
    "touch",
    [
        lambda order, user: order_change_status(order=order, target="approval", by=user),
        lambda order, user: order_add_note(order=order, by=user, text="Called, confirming tonight."),
        lambda order, user: message_write(order=order, by=user, channel="sms", body="Confirming your order."),
    ],
    ids=["status change", "note", "message to the customer"],
)
def test_a_manager_who_touches_the_order_in_time_keeps_it(shop, touch):
    anna = free_manager(username="anna")
    free_manager(username="boris")
    order = make_order(shop, phone="+79160001111")
    assert order.manager == anna
    touch(order, anna)
    assert order.assignment_decisions.get().accepted_at is not None
    # The page's "take it up by" reads the history: the touch is a line there, by Anna.
    assert order.events.filter(kind__in=TAKE_UP_KINDS, actor=anna).exists()
    with after_timeout():
        assert assignments_expire() == 0
    order.refresh_from_db()
    assert order.manager == anna


def test_a_touch_by_someone_else_does_not_count_as_taking_it_up(shop, boss):
    anna = free_manager(username="anna")
    order = make_order(shop)
    order_add_note(order=order, by=boss, text="Customer is in a hurry.")
    with after_timeout():
        assert assignments_expire() == 1
    decision = order.assignment_decisions.get(manager=anna, rule="even_load", timed_out_at__isnull=False)
    assert decision.accepted_at is None


def test_an_order_reassigned_by_hand_before_the_timeout_stays_where_the_supervisor_put_it(shop, boss):
    free_manager(username="anna")
    boris = free_manager(username="boris")
    order = make_order(shop)
    order_set_manager(order=order, manager=boris, by=boss, reason="knows this customer")
    with after_timeout():
        assert assignments_expire() == 0
    order.refresh_from_db()
    assert order.manager == boris
    assert not Notification.objects.filter(kind=Notification.Kind.TIMEOUT).exists()


def test_an_empty_acceptance_timeout_never_takes_orders_back(shop):
    settings = RoutingSettings.load()
    settings.acceptance_timeout = None
    settings.save()
    anna = free_manager(username="anna")
    order = make_order(shop)
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        assert assignments_expire() == 0
    order.refresh_from_db()
    assert order.manager == anna


def test_a_manager_whose_session_expired_goes_offline(client, shop, settings):
    anna = free_manager(username="anna")
    presence_set(user=anna, presence=Presence.BUSY)
    presence_set(user=anna, presence=Presence.FREE)
    client.force_login(anna)
    client.get(reverse("orders:list"))  # activity is recorded
    seen = ManagerProfile.objects.get(user=anna).last_seen_at
    assert seen is not None

    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(seen + idle - timedelta(minutes=1), tick=False):
        assert serve_queue()["set_offline"] == 0
    with time_machine.travel(seen + idle + timedelta(minutes=1), tick=False):
        assert serve_queue()["set_offline"] == 1
    profile = ManagerProfile.objects.get(user=anna)
    assert profile.presence == Presence.OFFLINE
    assert profile.presence_changes.first().reason == "session expired"
    assert make_order(shop).manager is None  # no orders go to someone who is not there


def test_activity_is_written_at_most_once_a_minute(client):
    anna = free_manager(username="anna")
    client.force_login(anna)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(reverse("orders:list"))
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get(reverse("orders:list"))
    assert ManagerProfile.objects.get(user=anna).last_seen_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.get(reverse("orders:list"))
    assert ManagerProfile.objects.get(user=anna).last_seen_at == start + timedelta(seconds=61)


def test_raising_a_quota_in_admin_serves_the_queue(admin_client, shop, django_capture_on_commit_callbacks):
    anna = free_manager(username="anna", quota=1)
    make_order(shop)
    waiting = make_order(shop)
    assert waiting.manager is None
    profile = ManagerProfile.objects.get(user=anna)
    url = reverse("admin:assignment_managerprofile_change", args=[profile.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"user": anna.pk, "quota_override": 2, "experience": 0, **inline_management()}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    waiting.refresh_from_db()
    assert waiting.manager == anna


def test_raising_the_default_quota_serves_the_queue(admin_client, shop, django_capture_on_commit_callbacks):
    settings = RoutingSettings.load()
    settings.default_quota = 1
    settings.save()
    anna = free_manager(username="anna")
    make_order(shop)
    waiting = make_order(shop)
    assert waiting.manager is None
    url = reverse("admin:assignment_routingsettings_change", args=[settings.pk])
    form = {
        "default_quota": 3,
        "queue_priority": "oldest",
        "sticky_wait": "00:10:00",
        "acceptance_timeout": "00:05:00",
        "timeout_cooloff": "00:30:00",
        "queue_alert_after": "00:10:00",
        "conversation_weight": "0.5",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, form).status_code == 302
    waiting.refresh_from_db()
    assert waiting.manager == anna
    assert AssignmentDecision.objects.filter(order=waiting).exists()


def inline_management():
    prefix = "presence_changes"
    return {
        f"{prefix}-TOTAL_FORMS": 0,
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def test_the_order_page_tells_the_manager_by_when_to_take_the_order_up(client, shop, boss):
    anna = free_manager(username="anna", first_name="Anna", last_name="S")
    start = timezone.now().replace(second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        order = make_order(shop)
    url = reverse("orders:detail", args=[order.pk])
    deadline = f"{timezone.localtime(start + timedelta(minutes=5)):%H:%M}"
    client.force_login(anna)
    page = client.get(url).content.decode()
    assert 'data-testid="take-up"' in page and f"Take this order up by <strong>{deadline}</strong>" in page
    client.force_login(boss)
    assert f"Waiting for Anna S to take it up by <strong>{deadline}</strong>" in client.get(url).content.decode()
    order_add_note(order=order, by=anna, text="Calling now.")
    client.force_login(anna)
    assert 'data-testid="take-up"' not in client.get(url).content.decode()


def test_no_take_up_clock_on_an_order_a_supervisor_assigned_by_hand(client, shop, boss):
    free_manager(username="anna")
    order = make_order(shop)
    boris = free_manager(username="boris")
    order_set_manager(order=order, manager=boris, by=boss, reason="knows the customer")
    client.force_login(boris)
    assert 'data-testid="take-up"' not in client.get(reverse("orders:detail", args=[order.pk])).content.decode()


def test_a_new_customer_follows_the_manager_who_took_the_order_up_not_the_one_who_let_it_time_out(shop):
    anna = free_manager(username="anna")
    first = make_order(shop, phone="+79160002222")
    assert first.customer.responsible_manager == anna
    boris = free_manager(username="boris")
    with after_timeout():
        assignments_expire()
    first.customer.refresh_from_db()
    assert first.customer.responsible_manager == boris
    assert make_order(shop, phone="+79160002222").manager == boris  # the repeat rule now finds Boris


def test_a_customer_released_by_a_timeout_has_it_in_their_history(shop):
    anna = free_manager(username="anna", first_name="Anna", last_name="S")
    order = make_order(shop, phone="+79160003333")
    presence_set(user=anna, presence=Presence.LUNCH)
    with after_timeout():
        assignments_expire()  # nobody is free: the order waits, and the customer is nobody's for now
    order.customer.refresh_from_db()
    assert order.customer.responsible_manager is None
    lines = list(order.customer.events.values_list("text", "actor"))
    assert lines == [("Responsible manager: Anna S → —", None)]


def test_a_customer_the_manager_served_before_follows_the_order_to_the_new_manager_after_a_timeout(shop):
    anna = free_manager(username="anna")
    served = make_order(shop, phone="+79160003333")
    order_add_note(order=served, by=anna, text="Delivered, customer happy.")
    missed = make_order(shop, phone="+79160003333")
    assert missed.manager == anna
    boris = free_manager(username="boris")
    with after_timeout():
        assignments_expire()
    missed.refresh_from_db()
    assert missed.manager == boris
    assert missed.customer.responsible_manager == boris  # the hand-over carries the customer with it
    assert missed.events.latest("pk").text.endswith(
        f"Moved to {boris.get_full_name()}: the customer {missed.customer.name}."
    )


def test_a_timeout_carries_the_managers_tasks_on_the_order_to_the_next_manager_and_clears_their_bell(shop, boss):
    anna = free_manager(username="anna", first_name="Anna", last_name="S")
    order = make_order(shop)
    call = make_task(order, assignee=anna, by=boss, text="Call before noon")  # a supervisor's plan: not a take-up
    boris = free_manager(username="boris", first_name="Boris", last_name="I")
    with after_timeout():
        serve_queue()
    order.refresh_from_db()
    call.refresh_from_db()
    assert order.manager == boris and call.assignee == boris
    assert order.events.latest("pk").text.endswith("Moved to Boris I: 1 open task.")
    annas = Notification.objects.filter(recipient=anna)
    assert not annas.filter(kind=Notification.Kind.ASSIGNED, read_at__isnull=True).exists()
    assert annas.get(kind=Notification.Kind.INFO).text == (
        f"Order {order.number} was taken back: Anna S did not take it up within 5 min."
    )
