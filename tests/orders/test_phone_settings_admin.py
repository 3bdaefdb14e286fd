"""The phone's settings in admin: a shop's voice numbers and how it answers the phone (ring time, managers at most,
greeting, recording and its notice, voicemail, call back within), a status that calls on entry, and a ladder per
call outcome. Nonsense is refused with a clear error, keeps what was typed and saves nothing; every change is in
the audit trail; only admins reach these pages."""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orders.models import NoAnswerStep, SettingChange, Shop, ShopAddress, ShopVoice, Status
from tests.factories import ShopFactory, UserFactory, inspector, make_order, manager, supervisor
from tests.feedback.test_rating_is_the_customers import forms_of
from tests.orders.test_admin_cannot_break_the_desk import change_status

pytestmark = pytest.mark.django_db

GOOD = {
    "ring_seconds": "20",
    "ring_at_most": "3",
    "greeting": "Hello, this is {{ shop.name }}. Please hold on.",
    "greeting_url": "",
    "hours_text": "We are open 9 to 21. We will call you back.",
    "voicemail": "on",
    "legal_notice": "",
    "callback_within": "15 min",
}


def add_voice(admin_client, shop, **changes):
    data = {"shop": shop.pk, **GOOD, **changes}
    return admin_client.post(reverse("admin:orders_shopvoice_add"), {k: v for k, v in data.items() if v != ""})


def test_a_shops_phone_settings_are_saved_and_audited(admin_client, admin_user):
    shop = ShopFactory(name="Garden")
    response = add_voice(admin_client, shop, record_calls="on", legal_notice="This call is recorded.")
    assert response.status_code == 302, response.content.decode()[:800]
    voice = ShopVoice.objects.get(shop=shop)
    assert (voice.ring_seconds, voice.ring_at_most, voice.record_calls) == (20, 3, True)
    assert voice.callback_within == timedelta(minutes=15)
    change = SettingChange.objects.latest("pk")
    assert (change.actor, change.action, change.model) == (admin_user, "created", "orders.shopvoice")
    assert change.after["greeting"] == GOOD["greeting"] and change.after["callback_within"] == "15 min"
    page = admin_client.get(reverse("admin:orders_shopvoice_change", args=[voice.pk]))
    data = forms_of(page.content.decode())[-1][1]
    data["ring_seconds"] = "30"
    assert admin_client.post(reverse("admin:orders_shopvoice_change", args=[voice.pk]), data).status_code == 302
    change = SettingChange.objects.latest("pk")
    assert (change.action, change.before, change.after) == ("changed", {"ring_seconds": 20}, {"ring_seconds": 30})


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [
        ("greeting", "Hello {% broken", "The greeting does not render: a {{ or {% is not closed."),
        (
            "greeting",
            "Hello {{ client.name }}",
            "The greeting uses something that does not exist: {{ client.name }}",
        ),
        ("greeting", "Hello {% include 'x' %}", "The greeting cannot use {% include %}"),
        ("greeting_url", "http://shop.example/hello.mp3", "Give an https:// address of the recording."),
        ("greeting_url", "not an address", "Enter a valid URL."),
        ("ring_seconds", "0", "Ensure this value is greater than or equal to 5."),
        ("ring_seconds", "600", "Ensure this value is less than or equal to 60."),
        ("ring_at_most", "99", "Ensure this value is less than or equal to 10."),
        ("ring_at_most", "0", "Ensure this value is greater than or equal to 1."),
        ("callback_within", "0 min", "Must be longer than zero"),
        ("callback_within", "soon", "e.g."),
    ],
)
def test_nonsense_is_refused_with_a_clear_error_keeps_what_was_typed_and_saves_nothing(
    admin_client, field, typed, error
):
    shop = ShopFactory()
    response = add_voice(admin_client, shop, **{field: typed})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert error in page, page[page.find("errorlist") - 200 : page.find("errorlist") + 400]
    assert typed in page  # the form keeps what was typed
    assert not ShopVoice.objects.exists() and not SettingChange.objects.exists()
    make_order(shop)  # and the shop's orders still come in


def test_the_greeting_rule_is_the_models_so_the_shell_is_refused_too():
    voice = ShopVoice(shop=ShopFactory(), greeting="Hi {{ shop.name }", greeting_url="http://x.example/a.mp3")
    with pytest.raises(ValidationError) as refused:
        voice.full_clean()
    assert set(refused.value.message_dict) == {"greeting", "greeting_url"}


def test_an_existing_setting_refused_on_change_stays_as_it_was(admin_client):
    shop = ShopFactory()
    voice = ShopVoice.objects.create(shop=shop, greeting="Hello")
    page = admin_client.get(reverse("admin:orders_shopvoice_change", args=[voice.pk]))
    data = forms_of(page.content.decode())[-1][1] | {"greeting": "Hello {{ shop.name", "ring_seconds": "0"}
    response = admin_client.post(reverse("admin:orders_shopvoice_change", args=[voice.pk]), data)
    assert response.status_code == 200
    voice.refresh_from_db()
    assert (voice.greeting, voice.ring_seconds) == ("Hello", 20)
    assert not SettingChange.objects.exists()


def _shop_form(admin_client, shop, **extra):
    page = admin_client.get(reverse("admin:orders_shop_change", args=[shop.pk]))
    return forms_of(page.content.decode())[-1][1] | extra


def test_a_voice_number_is_typed_as_people_write_it_kept_in_e164_and_audited(admin_client):
    shop = ShopFactory(name="Garden")
    data = _shop_form(
        admin_client, shop, **{"addresses-0-channel": "voice", "addresses-0-address": "8 (495) 123-45-67"}
    )
    response = admin_client.post(reverse("admin:orders_shop_change", args=[shop.pk]), data)
    assert response.status_code == 302, html.unescape(response.content.decode())[:2000]
    assert list(shop.addresses.values_list("channel", "address")) == [("voice", "+74951234567")]
    change = SettingChange.objects.latest("pk")
    assert (change.model, change.before, change.after) == (
        "orders.shop",
        {"addresses": []},
        {"addresses": ["+74951234567"]},
    )
    voice = ShopVoice.objects.create(shop=shop)
    listing = admin_client.get(reverse("admin:orders_shopvoice_changelist")).content.decode()
    assert "+74951234567" in listing and voice.shop.name in listing


@pytest.mark.parametrize("typed", ["12345", "+7 000", "call me"])
def test_a_voice_number_that_is_not_a_phone_is_refused_and_nothing_is_saved(admin_client, typed):
    shop = ShopFactory()
    data = _shop_form(admin_client, shop, **{"addresses-0-channel": "voice", "addresses-0-address": typed})
    response = admin_client.post(reverse("admin:orders_shop_change", args=[shop.pk]), data)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "e.g. +79161234567" in page and typed in page
    assert not ShopAddress.objects.exists() and not SettingChange.objects.exists()


def test_a_status_that_calls_on_entry_is_set_shown_and_audited(admin_client):
    status = Status.objects.get(code="approval")
    assert change_status(admin_client, status, call_on_entry="on").status_code == 302
    assert Status.objects.get(code="approval").call_on_entry
    change = SettingChange.objects.latest("pk")
    assert (change.before, change.after) == ({"call_on_entry": False}, {"call_on_entry": True})
    listing = admin_client.get(reverse("admin:orders_status_changelist"), {"call_on_entry__exact": "1"})
    assert listing.context["cl"].result_count == 1


def _misses(outcome: str) -> list[int]:
    return list(NoAnswerStep.objects.filter(outcome=outcome).order_by("miss").values_list("miss", flat=True))


def test_each_outcomes_ladder_is_numbered_without_a_gap(admin_client):
    busy = _misses("busy")
    assert busy == [1, 2, 3]  # the default busy ladder: 15 min, 1 h, 3 h
    response = admin_client.post(
        reverse("admin:orders_noanswerstep_add"), {"outcome": "busy", "miss": 5, "retry_after": "1 h"}
    )
    assert response.status_code == 200 and "the next one is 4" in response.content.decode()
    # Another outcome's ladder has its own numbers: unreachable's next step is 3, not busy's 4.
    response = admin_client.post(
        reverse("admin:orders_noanswerstep_add"), {"outcome": "unreachable", "miss": 3, "retry_after": "3 days"}
    )
    assert response.status_code == 302 and _misses("unreachable") == [1, 2, 3]
    second = NoAnswerStep.objects.get(outcome="busy", miss=2)
    admin_client.post(reverse("admin:orders_noanswerstep_delete", args=[second.pk]), {"post": "yes"})
    assert _misses("busy") == [1, 2]
    # A step moved to another outcome's ladder closes the gap it leaves.
    first = NoAnswerStep.objects.get(outcome="busy", miss=1)
    response = admin_client.post(
        reverse("admin:orders_noanswerstep_change", args=[first.pk]),
        {"outcome": "unreachable", "miss": 4, "retry_after": "15 min"},
    )
    assert response.status_code == 302
    assert (_misses("busy"), _misses("unreachable")) == ([1], [1, 2, 3, 4])
    assert SettingChange.objects.filter(model="orders.noanswerstep").count() == 3


PAGES = [
    ("admin:orders_shopvoice_changelist", ()),
    ("admin:orders_shopvoice_add", ()),
    ("admin:orders_noanswerstep_changelist", ()),
    ("admin:orders_status_changelist", ()),
    ("admin:assignment_managerprofile_changelist", ()),
]


@pytest.mark.parametrize("role", ["manager", "supervisor", "inspector", "customer of no role"])
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_only_admins_reach_the_phone_settings(client, role, name, args):
    person = {"manager": manager, "supervisor": supervisor, "inspector": inspector}.get(role, UserFactory)()
    client.force_login(person)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not ShopVoice.objects.exists()


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_an_admin_reaches_every_phone_setting_page(admin_client, name, args):
    ShopVoice.objects.create(shop=ShopFactory())
    assert admin_client.get(reverse(name, args=args)).status_code == 200


def test_a_staff_admin_without_superuser_rights_edits_the_phone_settings_as_the_other_settings(client):
    """Admins are staff; what they may change is Django's permissions, as for every other setting."""
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:orders_shopvoice_changelist")).status_code == 403
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="_shopvoice"))
    assert client.get(reverse("admin:orders_shopvoice_changelist")).status_code == 200
    assert Shop.objects.count() == 0
