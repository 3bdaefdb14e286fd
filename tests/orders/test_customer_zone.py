"""The customer's real time zone: set by hand, else the place of their delivery address or order region (an offline
table of Russia's regions and cities), else a phone number that pins one zone, else the shop's, shown as a guess.
Everything that keeps out of the customer's night (the call ladder, trigger messages, feedback requests) reads it,
with the shop's quiet hours on the customer's clock."""

import zoneinfo
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from feedback.models import FeedbackRequest, ShopFeedback
from feedback.services import feedback_send_due
from notifications.models import OutboundMessage
from notifications.services import message_queue
from orders.models import CallOutcome, Customer, CustomerEvent, CustomerZone, Shop, ZoneSource
from orders.services import order_change_status, order_edit, order_record_call
from orders.services.customers import customer_update
from orders.zones import place_in
from tests.factories import ShopFactory, free_manager, make_order, msk
from tests.notifications.conftest import sms_template

VLADIVOSTOK = zoneinfo.ZoneInfo("Asia/Vladivostok")
YEKATERINBURG = zoneinfo.ZoneInfo("Asia/Yekaterinburg")
MOBILE = "+79161112233"  # a Russian mobile: could be anywhere from Kaliningrad to Kamchatka
# 15:00 in Moscow, the shop's working afternoon: 22:00 in Vladivostok, the customer's night.
MOSCOW_AFTERNOON = msk(2026, 11, 24, 15, 0)
VLADIVOSTOK_MORNING = datetime(2026, 11, 25, 9, 0, tzinfo=VLADIVOSTOK)  # 02:00 in Moscow
ADDRESS = "г. Владивосток, ул. Светланская, д. 1, кв. 5"

# Every federal subject's capital and the zone it keeps (the law "Об исчислении времени", 2020).
CAPITALS = [
    ("Майкоп", "Europe/Moscow"),
    ("Горно-Алтайск", "Asia/Barnaul"),
    ("Уфа", "Asia/Yekaterinburg"),
    ("Улан-Удэ", "Asia/Irkutsk"),
    ("Махачкала", "Europe/Moscow"),
    ("Магас", "Europe/Moscow"),
    ("Нальчик", "Europe/Moscow"),
    ("Элиста", "Europe/Moscow"),
    ("Черкесск", "Europe/Moscow"),
    ("Петрозаводск", "Europe/Moscow"),
    ("Сыктывкар", "Europe/Moscow"),
    ("Симферополь", "Europe/Simferopol"),
    ("Йошкар-Ола", "Europe/Moscow"),
    ("Саранск", "Europe/Moscow"),
    ("Якутск", "Asia/Yakutsk"),
    ("Владикавказ", "Europe/Moscow"),
    ("Казань", "Europe/Moscow"),
    ("Кызыл", "Asia/Krasnoyarsk"),
    ("Ижевск", "Europe/Samara"),
    ("Абакан", "Asia/Krasnoyarsk"),
    ("Грозный", "Europe/Moscow"),
    ("Чебоксары", "Europe/Moscow"),
    ("Барнаул", "Asia/Barnaul"),
    ("Чита", "Asia/Chita"),
    ("Петропавловск-Камчатский", "Asia/Kamchatka"),
    ("Краснодар", "Europe/Moscow"),
    ("Красноярск", "Asia/Krasnoyarsk"),
    ("Пермь", "Asia/Yekaterinburg"),
    ("Владивосток", "Asia/Vladivostok"),
    ("Ставрополь", "Europe/Moscow"),
    ("Хабаровск", "Asia/Vladivostok"),
    ("Благовещенск", "Asia/Yakutsk"),
    ("Архангельск", "Europe/Moscow"),
    ("Астрахань", "Europe/Astrakhan"),
    ("Белгород", "Europe/Moscow"),
    ("Брянск", "Europe/Moscow"),
    ("Владимир", "Europe/Moscow"),
    ("Волгоград", "Europe/Volgograd"),
    ("Вологда", "Europe/Moscow"),
    ("Воронеж", "Europe/Moscow"),
    ("Иваново", "Europe/Moscow"),
    ("Иркутск", "Asia/Irkutsk"),
    ("Калининград", "Europe/Kaliningrad"),
    ("Калуга", "Europe/Moscow"),
    ("Кемерово", "Asia/Novokuznetsk"),
    ("Киров", "Europe/Kirov"),
    ("Кострома", "Europe/Moscow"),
    ("Курган", "Asia/Yekaterinburg"),
    ("Курск", "Europe/Moscow"),
    ("Гатчина", "Europe/Moscow"),
    ("Липецк", "Europe/Moscow"),
    ("Магадан", "Asia/Magadan"),
    ("Красногорск", "Europe/Moscow"),
    ("Мурманск", "Europe/Moscow"),
    ("Нижний Новгород", "Europe/Moscow"),
    ("Великий Новгород", "Europe/Moscow"),
    ("Новосибирск", "Asia/Novosibirsk"),
    ("Омск", "Asia/Omsk"),
    ("Оренбург", "Asia/Yekaterinburg"),
    ("Орёл", "Europe/Moscow"),
    ("Пенза", "Europe/Moscow"),
    ("Псков", "Europe/Moscow"),
    ("Ростов-на-Дону", "Europe/Moscow"),
    ("Рязань", "Europe/Moscow"),
    ("Самара", "Europe/Samara"),
    ("Саратов", "Europe/Saratov"),
    ("Южно-Сахалинск", "Asia/Sakhalin"),
    ("Екатеринбург", "Asia/Yekaterinburg"),
    ("Смоленск", "Europe/Moscow"),
    ("Тамбов", "Europe/Moscow"),
    ("Тверь", "Europe/Moscow"),
    ("Томск", "Asia/Tomsk"),
    ("Тула", "Europe/Moscow"),
    ("Тюмень", "Asia/Yekaterinburg"),
    ("Ульяновск", "Europe/Ulyanovsk"),
    ("Челябинск", "Asia/Yekaterinburg"),
    ("Ярославль", "Europe/Moscow"),
    ("Москва", "Europe/Moscow"),
    ("Санкт-Петербург", "Europe/Moscow"),
    ("Севастополь", "Europe/Simferopol"),
    ("Биробиджан", "Asia/Vladivostok"),
    ("Нарьян-Мар", "Europe/Moscow"),
    ("Ханты-Мансийск", "Asia/Yekaterinburg"),
    ("Анадырь", "Asia/Anadyr"),
    ("Салехард", "Asia/Yekaterinburg"),
]


@pytest.mark.pure
def test_the_list_holds_one_capital_for_each_of_the_85_federal_subjects():
    assert len(CAPITALS) == len({city for city, _ in CAPITALS}) == 85


@pytest.mark.pure
@pytest.mark.parametrize(("capital", "zone"), CAPITALS)
def test_every_regions_capital_in_an_address_maps_to_its_zone(capital, zone):
    place = place_in(f"г. {capital}, ул. Ленина, д. 1")
    assert place is not None and (place.name, place.zone) == (capital, zone)


@pytest.mark.pure
@pytest.mark.parametrize(
    ("written", "place", "zone"),
    [
        ("Приморский край", "Приморский край", "Asia/Vladivostok"),
        ("Приморский край, г. Уссурийск, ул. Некрасова 10", "Уссурийск", "Asia/Vladivostok"),
        ("СПб, Невский пр., 28", "Санкт-Петербург", "Europe/Moscow"),
        ("Vladivostok, Svetlanskaya st. 1", "Владивосток", "Asia/Vladivostok"),
        ("Yekaterinburg", "Екатеринбург", "Asia/Yekaterinburg"),
        ("ул. Московская, 5, Хабаровск", "Хабаровск", "Asia/Vladivostok"),  # a street named after Moscow is not it
        ("Свердловская обл., Нижний Тагил", "Нижний Тагил", "Asia/Yekaterinburg"),
        ("Ханты-Мансийский АО — Югра, Сургут", "Сургут", "Asia/Yekaterinburg"),
        ("Республика Саха (Якутия)", "Республика Саха (Якутия)", "Asia/Yakutsk"),
        ("ОРЕЛ, ул. Ленина", "Орёл", "Europe/Moscow"),
    ],
)
def test_places_are_read_as_russians_write_them(written, place, zone):
    found = place_in(written)
    assert found is not None and (found.name, found.zone) == (place, zone)


@pytest.mark.pure
@pytest.mark.parametrize("written", ["ул. Кирова, д. 5", "Tverskaya 1", ""])
def test_an_address_naming_no_known_place_says_nothing(written):
    assert place_in(written) is None


@pytest.fixture
def shop():
    shop = ShopFactory(always_open=True, timezone="Europe/Moscow")
    ShopFeedback.objects.create(
        shop=shop, signer="Maria", whatsapp_content_sid="HX" + "fe" * 16, delay=timedelta(days=3)
    )
    return shop


@pytest.fixture
def anna(shop):
    return free_manager(shops=[shop], username="anna", first_name="Anna", last_name="S")


@pytest.fixture
def vladivostok_order(shop, anna):
    """A Moscow shop's order to a Vladivostok address from a +7 9xx mobile (which says nothing of the zone)."""
    with time_machine.travel(MOSCOW_AFTERNOON - timedelta(hours=1), tick=False):
        return make_order(shop, manager=anna, phone=MOBILE, delivery_address=ADDRESS)


@pytest.mark.django_db
def test_a_vladivostok_address_gives_the_customer_vladivostoks_zone_though_the_phone_is_a_mobile(
    vladivostok_order,
):
    assert vladivostok_order.customer.zone_found == CustomerZone(VLADIVOSTOK, ZoneSource.ADDRESS, "Владивосток")


@pytest.mark.django_db
def test_the_next_call_of_the_ladder_waits_for_the_vladivostok_morning(vladivostok_order, anna):
    with time_machine.travel(MOSCOW_AFTERNOON, tick=False):
        result = order_record_call(order=vladivostok_order, by=anna, outcome=CallOutcome.NO_ANSWER)
    assert result.next_call.due_at == VLADIVOSTOK_MORNING


@pytest.mark.django_db
def test_a_trigger_message_is_held_until_the_vladivostok_morning(vladivostok_order):
    with time_machine.travel(MOSCOW_AFTERNOON, tick=False):
        message = message_queue(
            customer=vladivostok_order.customer,
            order=vladivostok_order,
            channel="sms",
            purpose=OutboundMessage.Purpose.TRIGGER,
            template=sms_template(),
            now=MOSCOW_AFTERNOON,
        )
    assert (message.state, message.next_try_at) == (OutboundMessage.State.HELD, VLADIVOSTOK_MORNING)


@pytest.mark.django_db
def test_the_feedback_request_is_planned_for_and_sent_in_the_vladivostok_morning(twilio, vladivostok_order, anna):
    with time_machine.travel(MOSCOW_AFTERNOON - timedelta(days=3), tick=False):  # + the shop's 3 days' delay
        for code in ("approval", "assembly", "delivery", "complete"):
            order_change_status(order=vladivostok_order, target=code, by=anna)
    request = FeedbackRequest.objects.get(order=vladivostok_order)
    assert request.due_at == VLADIVOSTOK_MORNING
    with time_machine.travel(VLADIVOSTOK_MORNING, tick=False):
        feedback_send_due()
    request.refresh_from_db()
    assert request.whatsapp_message.state == OutboundMessage.State.PENDING  # it goes at once: morning there


@pytest.mark.django_db
def test_a_zone_set_by_hand_wins_over_the_address_and_is_a_line_of_the_customers_history(vladivostok_order, anna):
    customer = vladivostok_order.customer
    lines = customer_update(customer=customer, by=anna, timezone="Europe/Kaliningrad")
    customer.refresh_from_db()
    assert customer.zone_found == CustomerZone(zoneinfo.ZoneInfo("Europe/Kaliningrad"), ZoneSource.MANUAL)
    assert lines == ["Time zone: — → Europe/Kaliningrad"]
    with time_machine.travel(MOSCOW_AFTERNOON, tick=False):  # 14:00 in Kaliningrad: called again soon
        result = order_record_call(order=vladivostok_order, by=anna, outcome=CallOutcome.NO_ANSWER)
    assert result.next_call.due_at < MOSCOW_AFTERNOON + timedelta(hours=1)


@pytest.mark.django_db
def test_the_zone_follows_the_address_when_it_changes_in_the_order_edit(vladivostok_order, anna, client):
    client.force_login(anna)
    (item,) = vladivostok_order.items.all()
    response = client.post(
        reverse("orders:edit", args=[vladivostok_order.pk]),
        {
            "seen_at": vladivostok_order.updated_at.isoformat(),
            "delivery_address": "Екатеринбург, ул. Малышева, 3",
            "delivery_date": "",
            "tracking_code": "",
            "comment": "",
            "items-TOTAL_FORMS": 1,
            "items-INITIAL_FORMS": 1,
            "items-MIN_NUM_FORMS": 1,
            "items-MAX_NUM_FORMS": 1000,
            "items-0-id": item.pk,
            "items-0-sku": item.sku,
            "items-0-name": item.name,
            "items-0-qty": item.qty,
            "items-0-price": str(item.price),
        },
    )
    assert response.status_code == 302
    customer = Customer.objects.get(pk=vladivostok_order.customer_id)
    assert customer.zone_found == CustomerZone(YEKATERINBURG, ZoneSource.ADDRESS, "Екатеринбург")
    assert not CustomerEvent.objects.filter(customer=customer).exists()  # derived: not a detail anyone changed


@pytest.mark.django_db
def test_an_address_naming_no_place_falls_back_to_the_phone_then_the_shop(vladivostok_order, anna):
    order = vladivostok_order
    order_edit(
        order=order, by=anna, seen_at=order.updated_at, items=_rows(order), delivery_address="ул. Ленина, 5"
    )
    customer = Customer.objects.get(pk=order.customer_id)
    assert customer.zone_found == CustomerZone(customer.shop.zone, ZoneSource.SHOP)
    customer_update(customer=customer, by=anna, phone="+74232123456")  # a Vladivostok landline pins the zone
    customer.refresh_from_db()
    assert customer.zone_found == CustomerZone(VLADIVOSTOK, ZoneSource.PHONE)


def _rows(order):
    return [{"id": i.pk, "sku": i.sku, "name": i.name, "qty": i.qty, "price": i.price} for i in order.items.all()]


@pytest.mark.django_db
def test_a_storefront_order_with_only_a_region_gives_its_zone_and_a_later_order_without_one_keeps_it(shop):
    first = make_order(shop, phone=MOBILE, region="Приморский край")
    assert first.customer.zone_found == CustomerZone(VLADIVOSTOK, ZoneSource.ADDRESS, "Приморский край")
    again = make_order(shop, phone=MOBILE, delivery_address="ул. Ленина, 5")
    assert again.customer_id == first.customer_id
    assert again.customer.zone_found == CustomerZone(VLADIVOSTOK, ZoneSource.ADDRESS, "Приморский край")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setup", "english", "russian"),
    [
        ({"delivery_address": ADDRESS}, "from the address: Владивосток", "по адресу: Владивосток"),
        ({"phone": "+74232123456"}, "from the phone number", "по номеру телефона"),
        ({}, "as the shop's — set the customer's city", "как у магазина — укажите город клиента"),
        (
            {"timezone": "Asia/Vladivostok"},
            "set by hand (Asia/Vladivostok)",
            "пояс указан вручную (Asia/Vladivostok)",
        ),
    ],
)
def test_the_customer_card_and_the_order_page_say_where_the_zone_came_from(
    shop, anna, client, setup, english, russian, speaking
):
    order = make_order(
        shop, manager=anna, phone=setup.get("phone", MOBILE), delivery_address=setup.get("delivery_address", "")
    )
    if "timezone" in setup:
        customer_update(customer=order.customer, by=anna, timezone=setup["timezone"])
    client.force_login(anna)
    for url in (reverse("orders:customer", args=[order.customer_id]), reverse("orders:detail", args=[order.pk])):
        assert english in _zone_source(client.get(url))
        with speaking("ru"):
            assert russian in _zone_source(client.get(url))


def _zone_source(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split('data-testid="zone-source">')[1].split("</div>")[0].split())


@pytest.mark.django_db
def test_the_card_shows_the_customers_night_on_their_clock(vladivostok_order, anna, client):
    client.force_login(anna)
    with time_machine.travel(MOSCOW_AFTERNOON, tick=False):
        html = client.get(reverse("orders:customer", args=[vladivostok_order.customer_id])).content.decode()
    clock = html.split('data-testid="customer-time">')[1].split("</div>")[0]
    assert "22:00" in clock and "night there" in clock


@pytest.mark.django_db
def test_staff_set_the_zone_by_hand_from_russias_zones_with_city_examples(vladivostok_order, anna, client):
    client.force_login(anna)
    url = reverse("orders:customer", args=[vladivostok_order.customer_id])
    page = client.get(url).content.decode()
    assert "UTC+10 · Владивосток, Хабаровск" in page and "UTC+2 · Калининград" in page
    customer = vladivostok_order.customer
    posted = {"name": customer.name, "phone": customer.phone, "email": "", "timezone": "Asia/Kamchatka"}
    assert client.post(reverse("orders:customer_edit", args=[customer.pk]), posted).status_code == 302
    customer.refresh_from_db()
    assert customer.zone_found.source == ZoneSource.MANUAL and customer.timezone == "Asia/Kamchatka"
    posted["timezone"] = "Mars/Olympus_Mons"
    assert client.post(reverse("orders:customer_edit", args=[customer.pk]), posted).status_code == 400
    customer.refresh_from_db()
    assert customer.timezone == "Asia/Kamchatka"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("quiet", "local", "held"),
    [
        ((time(21), time(9)), (21, 30), True),  # the default: 21:30 is quiet
        ((time(22), time(8)), (21, 30), False),  # a later start: 21:30 is still day
        ((time(22), time(8)), (22, 0), True),
        ((time(22), time(8)), (8, 15), False),  # an earlier end: 08:15 is already morning
        ((time(21), time(9)), (8, 15), True),
        ((time(0), time(7)), (23, 30), False),  # quiet hours that begin at midnight
        ((time(0), time(7)), (6, 59), True),
    ],
)
def test_the_shops_quiet_hours_move_the_boundary_on_the_customers_clock(
    shop, vladivostok_order, quiet, local, held
):
    Shop.objects.filter(pk=shop.pk).update(quiet_from=quiet[0], quiet_to=quiet[1])
    customer = Customer.objects.select_related("shop").get(pk=vladivostok_order.customer_id)
    now = datetime(2026, 11, 24, *local, tzinfo=VLADIVOSTOK)
    with time_machine.travel(now, tick=False):
        message = message_queue(
            customer=customer,
            order=vladivostok_order,
            channel="sms",
            purpose=OutboundMessage.Purpose.TRIGGER,
            template=sms_template(),
            now=now,
        )
    assert message.state == (OutboundMessage.State.HELD if held else OutboundMessage.State.PENDING), (
        message.last_error
    )
    if held:
        assert message.next_try_at > now and message.next_try_at.astimezone(VLADIVOSTOK).time() == quiet[1]
    else:
        assert message.next_try_at == now


def _shop_form(admin_client, shop, **changes) -> dict:
    page = admin_client.get(reverse("admin:orders_shop_change", args=[shop.pk])).context
    form = page["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data |= {"opens_at": "09:00", "closes_at": "21:00", "quiet_from": "21:00", "quiet_to": "09:00"} | changes
    # Every inline of the shop page (storefront keys, calendar days…) posted empty, as a browser would.
    management = {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}
    inlines = {
        f"{inline.formset.prefix}-{key}": value
        for inline in page["inline_admin_formsets"]
        for key, value in management.items()
    }
    return {key: value for key, value in data.items() if value is not None} | inlines


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("quiet_from", "quiet_to", "error"),
    [
        ("22:00", "22:00", "Quiet hours must start and end at different times"),
        ("09:00", "21:00", "would cover midday"),  # day and night swapped
    ],
)
def test_nonsense_quiet_hours_are_refused_in_admin_with_a_clear_error(
    admin_client, shop, quiet_from, quiet_to, error
):
    response = admin_client.post(
        reverse("admin:orders_shop_change", args=[shop.pk]),
        _shop_form(admin_client, shop, quiet_from=quiet_from, quiet_to=quiet_to),
    )
    assert response.status_code == 200 and error in response.content.decode()
    shop.refresh_from_db()
    assert (shop.quiet_from, shop.quiet_to) == (time(21), time(9))


@pytest.mark.django_db
def test_the_shops_quiet_hours_are_changed_in_admin(admin_client, shop):
    response = admin_client.post(
        reverse("admin:orders_shop_change", args=[shop.pk]),
        _shop_form(admin_client, shop, quiet_from="22:00", quiet_to="08:00"),
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.quiet_from, shop.quiet_to) == (time(22), time(8))


@pytest.mark.django_db
def test_the_migration_turns_a_zone_intake_copied_from_the_phone_into_a_derived_one(shop, anna):
    module = __import__("orders.migrations.0029_customer_zone_source", fromlist=["derive_existing_zones"])
    copied = make_order(shop, phone="+74232123456").customer
    hand_set = make_order(shop, phone="+74232123457").customer
    addressed = make_order(shop, phone=MOBILE, delivery_address=ADDRESS).customer
    Customer.objects.filter(pk__in=[copied.pk, hand_set.pk]).update(
        timezone="Asia/Vladivostok", derived_timezone="", timezone_source=ZoneSource.SHOP
    )
    Customer.objects.filter(pk=addressed.pk).update(
        derived_timezone="", timezone_source=ZoneSource.SHOP, timezone_place=""
    )
    CustomerEvent.objects.create(customer=hand_set, actor=anna, text="Time zone: — → Asia/Vladivostok")
    module.derive_existing_zones(apps, None)
    found = {c.pk: c.zone_found for c in Customer.objects.select_related("shop")}
    assert found[copied.pk] == CustomerZone(VLADIVOSTOK, ZoneSource.PHONE)
    assert found[hand_set.pk] == CustomerZone(VLADIVOSTOK, ZoneSource.MANUAL)
    assert found[addressed.pk] == CustomerZone(VLADIVOSTOK, ZoneSource.ADDRESS, "Владивосток")
