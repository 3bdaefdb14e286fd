"""The Russian desk: the catalogue is complete (nothing untranslated, nothing fuzzy, every placeholder kept),
plural forms are right, and every page a Russian-speaking manager, supervisor, inspector or admin opens has no
English left in its visible text (brand names and the data the test itself seeded aside)."""

import re
import subprocess
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.models import StaffPreference
from tests.factories import (
    CustomerFactory,
    ShopFactory,
    UserFactory,
    free_manager,
    grant,
    inspector,
    make_order,
    make_task,
    supervisor,
)

PO = Path(__file__).resolve().parents[2] / "locale" / "ru" / "LC_MESSAGES" / "django.po"


# The catalogue --------------------------------------------------------------------------------------------------


def _msgids(*msgattrib_options: str) -> list[str]:
    """The msgids msgattrib keeps with these options (the header entry left out)."""
    out = subprocess.run(
        ["msgattrib", *msgattrib_options, "--no-wrap", str(PO)], capture_output=True, text=True, check=True
    ).stdout
    return [_unquote(m) for m in re.findall(r'^msgid (".*")$', out, re.M) if m != '""']


def _unquote(quoted: str) -> str:
    return quoted[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _entries(text: str) -> list[dict[str, list[str] | str]]:
    """The catalogue's entries as {"flags": "...", "msgid": "...", "msgid_plural": "...", "msgstr": [...]}."""
    entries = []
    for block in text.split("\n\n"):
        entry: dict = {"flags": "", "msgstr": []}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
            if match:
                key = match.group(1)
                value = _unquote(match.group(2))
                if key.startswith("msgstr"):
                    entry["msgstr"].append(value)
                else:
                    entry[key] = value
            elif line.startswith('"') and key:
                if key.startswith("msgstr"):
                    entry["msgstr"][-1] += _unquote(line)
                else:
                    entry[key] += _unquote(line)
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def test_the_catalogue_has_no_untranslated_message():
    untranslated = _msgids("--untranslated")
    assert not untranslated, "translate these in locale/ru/LC_MESSAGES/django.po:\n" + "\n".join(untranslated)


def test_the_catalogue_has_no_fuzzy_message():
    fuzzy = _msgids("--only-fuzzy")
    assert not fuzzy, "check these and remove their `#, fuzzy` flag:\n" + "\n".join(fuzzy)


PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{(\w*)\}")


def _placeholders(text: str) -> list[str]:
    return sorted(named or brace or whole for whole, named, brace in _matches(text))


def _matches(text: str):
    for match in PLACEHOLDER.finditer(text.replace("%%", "")):
        yield match.group(0), match.group(1), match.group(2)


def test_every_translation_keeps_the_placeholders_of_its_message():
    """A translation that drops, renames or adds a placeholder crashes (or loses a number) when rendered."""
    wrong = []
    for entry in _entries(PO.read_text(encoding="utf-8")):
        if "format" not in entry["flags"]:
            continue
        expected = _placeholders(entry["msgid"])
        plural = _placeholders(entry.get("msgid_plural", entry["msgid"]))
        for n, translated in enumerate(entry["msgstr"]):
            if translated and _placeholders(translated) not in (expected, plural):
                wrong.append(f"{entry['msgid']!r} → msgstr[{n}] {translated!r}")
    assert not wrong, "placeholders that differ from the message's:\n" + "\n".join(wrong)


# The admin's "reset two-factor" answer counts people: Russian has three forms for whole numbers.
RESET_ONE = "Two-factor sign-in reset for %(count)s person (devices removed: %(devices)s)."
RESET_MANY = "Two-factor sign-in reset for %(count)s people (devices removed: %(devices)s)."


@pytest.mark.parametrize(
    "count, word",
    [
        (1, "сотрудник"),
        (2, "сотрудника"),
        (5, "сотрудников"),
        (21, "сотрудник"),
        (22, "сотрудника"),
        (25, "сотрудников"),
        (111, "сотрудников"),
    ],
)
def test_a_counted_message_takes_the_russian_form_of_its_number(count, word):
    with translation.override("ru"):
        text = ngettext(RESET_ONE, RESET_MANY, count) % {"count": count, "devices": 0}
    assert f": {count} {word} (" in text


@pytest.mark.parametrize("count, word", [(1, "person"), (2, "people")])
def test_a_counted_message_takes_the_english_form_of_its_number(count, word):
    with translation.override("en"):
        assert f"for {count} {word} (" in ngettext(RESET_ONE, RESET_MANY, count) % {"count": count, "devices": 0}


@pytest.mark.django_db
def test_the_admin_says_in_russian_how_many_people_it_reset(client):
    admin_user = UserFactory(username="глеб", is_staff=True, is_superuser=True)
    StaffPreference.objects.create(user=admin_user, language="ru")
    people = [UserFactory(username=name) for name in ("дина", "егор")]
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [person.pk for person in people]},
        follow=True,
    )
    assert "Двухфакторный вход сброшен: 2 сотрудника (удалено устройств: 0)." in response.content.decode()


# The page walk ---------------------------------------------------------------------------------------------------

# Words that are English in Russian too: brands, abbreviations, the authenticator apps the enrol page names.
ALLOWED = {
    "Orderdesk", "Twilio", "WhatsApp", "SMS", "CSV", "VIP", "API", "KPI", "ID", "E164", "Email",
    "Google", "Authenticator", "Aegis", "Password", "Axes",
    "English",  # the language menu names each language in itself: English, Русский
    "UTC",  # zones are named by their offset, "UTC+10", in Russian as in English
    "Django",  # the message templates' syntax is Django's, by name
    "Content", "SID", "HX",  # Twilio Content (a product) and its template ids, "HX" and 32 hex digits
    "HTTP", "GET", "POST", "IP", "JSON", "ISO", "Cron", "SIP",  # protocols, formats and standards by their names
    "Br",  # the Belarusian rouble's sign, as the shop's currency choice writes it
}  # fmt: skip
# Names of things no language translates, removed before the words are read: an HTTP header, Twilio's field, and
# the code django-q2's own Russian help texts show (dotted paths to a function, Python's type and argument names).
NAMES = [
    "Retry-After", "MessageSid",
    "myapp.tasks.job", "module.tasks.function", "module.tasks.result_function", "tuple", "dict", "kwargs", "name=",
]  # fmt: skip
# Django's own Russian keeps these (the keys to hold for several choices, single sign-on), and its boolean and
# search icons are labelled True / False / None / Search in every language.
DJANGOS_RUSSIAN = {"Control", "Command", "Mac", "Single", "Sing", "On", "LDAP", "True", "False", "None", "Search"}
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")
# A help text's example of the message templates' syntax, {{ order.number }}: variable names, not words.
TEMPLATE_SYNTAX = re.compile(r"\{\{.*?\}\}")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# A time zone's name (Asia/Vladivostok, America/Argentina/Buenos_Aires, Etc/GMT+3): an identifier the zone
# choice lists after Russia's zones, the same in every language.
ZONE_NAME = re.compile(r"\b[A-Z][A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+")
# What the seeded desk holds in Latin letters (the shop's code and time zone, an item's SKU, the q2 rows).
NIGHTLY = "kpi.tasks.kpi_rollup"
SEEDED_LATIN = ["sad", "SKU-1", "Europe/Moscow", NIGHTLY, "orderdesk", "SM1"]


class VisibleText(HTMLParser):
    """The text a person reads: element text (not scripts, styles, code and <pre> blocks, SVG, <template> or data
    in <bdi>),
    the title, placeholder, aria-label and alt attributes, and the values of buttons."""

    HIDDEN = {"script", "style", "code", "pre", "svg", "template", "bdi"}  # admin writes data values in <bdi>
    SPOKEN = ("title", "placeholder", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        attrs = dict(attrs)
        self.parts += [attrs[name] or "" for name in self.SPOKEN if name in attrs]
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def english_words(html: str, data: list[str] | tuple[str, ...] = ()) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    text = TEMPLATE_SYNTAX.sub(" ", ZONE_NAME.sub(" ", EMAIL_OR_URL.sub(" ", " ".join(parser.parts))))
    for value in [*NAMES, *SEEDED_LATIN, *data]:
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text, flags=re.IGNORECASE)
    return sorted({word for word in LATIN_WORD.findall(text) if word not in ALLOWED})


class RussianDesk:
    """One shop's desk with every kind of row a page shows, written in Russian, and its four Russian readers."""

    def __init__(self) -> None:
        from assignment.models import RoutingSettings
        from feedback.models import FeedbackRequest, FeedbackSettings, ShopFeedback
        from feedback.services import claim_open, rating_receive
        from notifications.models import (
            Channel,
            InboundMessage,
            MessageTemplate,
            MessagingSettings,
            OffHoursReply,
            OptOut,
            OutboundMessage,
            Trigger,
            TriggerFiring,
        )
        from notifications.services import notification_create
        from orders.models import (
            CallScript,
            Conversation,
            DeliveryEvent,
            DeliveryStatusRule,
            DeskSettings,
            PaymentRule,
            SettingChange,
            ShopDay,
            ShopVoice,
            Status,
            StatusTransition,
        )
        from orders.services import conversation_replied, order_add_note, order_change_status, shop_issue_api_key
        from webhooks.models import WebhookDelivery, WebhookEndpoint

        for code, name in {
            "new": "Новый", "approval": "Согласование", "assembly": "Комплектация", "delivery": "Доставка",
            "pickup": "В пункте выдачи", "complete": "Выполнен", "cancelled": "Отменён",
        }.items():  # fmt: skip
            Status.objects.filter(code=code).update(name=name)
        self.shop = ShopFactory(code="sad", name="Сад и огород", always_open=True)
        self.manager = free_manager(username="анна", first_name="Анна", last_name="Петрова", shops=[self.shop])
        self.supervisor = supervisor(username="борис", first_name="Борис", last_name="Орлов")
        self.inspector = inspector(username="вера", first_name="Вера", last_name="Зайцева")
        self.admin = UserFactory(username="глеб", first_name="Глеб", last_name="Белов", is_staff=True)
        self.admin.is_superuser = True
        self.admin.save()
        for person in (self.supervisor, self.inspector):
            grant(person, shops=[self.shop])
        for person in (self.manager, self.supervisor, self.inspector, self.admin):
            StaffPreference.objects.create(user=person, language="ru")
        for settings_row in (DeskSettings, RoutingSettings, FeedbackSettings, MessagingSettings):
            settings_row.load()
        # A key of its own: a random one's prefix is random Latin letters (words, now and then).
        shop_issue_api_key(shop=self.shop, name="витрина", key="ключ-витрины-0123456789")
        CallScript.objects.create(shop=self.shop, greeting="Здравствуйте, {{ customer.name }}!")
        DeliveryStatusRule.objects.create(
            shop=self.shop, state="delivered", target=Status.objects.get(code="complete")
        )
        PaymentRule.objects.create(  # phone orders only: the orders below come from the cart
            transition=StatusTransition.objects.get(source__code="approval", target__code="assembly"),
            shop=self.shop,
            method="phone",
            share=50,
        )
        ShopFeedback.objects.create(shop=self.shop, signer="Мария, Сад и огород")
        template = MessageTemplate.objects.create(
            name="Заказ подтверждён", channel=Channel.SMS, body="Заказ {{ order.number }} подтверждён."
        )
        OffHoursReply.objects.create(shop=self.shop, template=template)
        trigger = Trigger.objects.create(
            name="Подтверждён: сообщить клиенту", status=Status.objects.get(code="approval"), template=template
        )
        items = [{"sku": "SKU-1", "name": "Садовый шланг", "qty": 1, "price": Decimal("1890.00")}]
        self.order = make_order(
            self.shop,
            manager=self.manager,
            customer_name="Мария Иванова",
            items=items,
            region="Москва",
            external_id="витрина-1",
        )
        self.customer = self.order.customer
        order_add_note(order=self.order, by=self.manager, text="Клиентка просит позвонить вечером")
        make_task(self.order, assignee=self.manager, text="Перезвонить клиенту")
        done = make_order(
            self.shop, manager=self.manager, customer_name="Ирина Орлова", items=items, external_id="витрина-2"
        )
        for target in ("approval", "assembly", "delivery", "complete"):
            order_change_status(order=done, target=target, by=self.manager)
        request = FeedbackRequest.objects.get(order=done)
        FeedbackRequest.objects.filter(pk=request.pk).update(
            state="sent", sent_at=timezone.now(), valid_until=timezone.now() + timedelta(days=14)
        )
        request.refresh_from_db()
        rating_receive(request=request, rating=2, source=Channel.SMS, text="2")
        self.claim = claim_open(order=self.order, reason="Шланг пришёл порванным")
        ShopDay.objects.create(shop=self.shop, date=timezone.localdate() + timedelta(days=3), note="День города")
        DeliveryEvent.objects.create(order=done, carrier="СДЭК", state="delivered", at=timezone.now())
        TriggerFiring.objects.create(trigger=trigger, order=done, entered_at=timezone.now(), due_at=timezone.now())
        InboundMessage.objects.create(
            message_sid="SM1", channel=Channel.SMS, from_address="+79161234567", body="Спасибо!",
            customer=self.customer, order=self.order,
        )  # fmt: skip
        OutboundMessage.objects.create(
            customer=self.customer, order=self.order, channel=Channel.SMS, purpose="manual",
            to="+79161234567", body="Ваш заказ в пути.",
        )  # fmt: skip
        OptOut.objects.create(
            customer=CustomerFactory(shop=self.shop, name="Олег Смирнов"), channel="sms", reason="СТОП"
        )
        # A new number wrote in: a customer with no name yet, a conversation the manager answered.
        stranger = CustomerFactory(shop=self.shop, name="", phone="+79265550000")
        self.conversation = Conversation.objects.create(
            shop=self.shop, customer=stranger, manager=self.manager, last_message_at=timezone.now(),
            first_reply_due_at=timezone.now() + timedelta(minutes=5),
        )  # fmt: skip
        InboundMessage.objects.create(
            message_sid="SM2", channel=Channel.WHATSAPP, from_address="+79265550000",
            body="Здравствуйте, есть доставка в Тверь?", customer=stranger, conversation=self.conversation,
        )  # fmt: skip
        conversation_replied(conversation=self.conversation, by=self.manager)
        for person in (self.manager, self.supervisor, self.inspector, self.admin):
            notification_create(recipient=person, kind="claim", text="Претензия по заказу", link="")
        SettingChange.objects.create(action="changed", model="магазин", object_id="1", object_repr="Сад и огород")
        ShopVoice.objects.create(shop=self.shop, greeting="Здравствуйте! Магазин «{{ shop.name }}».")
        endpoint = WebhookEndpoint.objects.create(
            shop=self.shop, url="https://сад.example/hooks", secret="whsec_c2Fk", events=["order.created"]
        )
        WebhookDelivery.objects.create(
            endpoint=endpoint, event_id="evt_0", event_type="order.created", order=self.order, payload={},
            state="pending", attempts=1, response_code=500, response_excerpt="Ошибка", last_error="HTTP 500",
        )  # fmt: skip
        self._third_party_rows()

    def _third_party_rows(self) -> None:
        """Rows of the libraries' models admin shows: sign-in attempts, the q2 queue, two-factor devices."""
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
        from django_q.models import OrmQ, Schedule, Task
        from django_q.signing import SignedPackage

        from accounts.services import backup_codes_issue, totp_device_pending

        visit = {
            "username": "дина", "ip_address": "127.0.0.1", "user_agent": "Браузер", "http_accept": "*/*",
            "path_info": "/",
        }  # fmt: skip
        AccessAttempt.objects.create(**visit, get_data="", post_data="", failures_since_start=1)
        AccessLog.objects.create(**visit)
        AccessFailureLog.objects.create(**visit)
        Schedule.objects.create(name="Ночной подсчёт", func=NIGHTLY)
        now = timezone.now()
        for n, success in enumerate((True, False)):
            Task.objects.create(
                id=f"t{n}", name=f"Задача {n}", func=NIGHTLY, started=now, stopped=now, success=success
            )
        OrmQ.objects.create(
            key="orderdesk", payload=SignedPackage.dumps({"id": "t2", "name": "Задача 2", "func": NIGHTLY})
        )
        totp_device_pending(user=self.admin)
        backup_codes_issue(user=self.admin)

    @staticmethod
    def library_row_names() -> list[str]:
        """The libraries name their rows in English their code writes, not a message a catalogue could translate
        ("Attempted Access: <time>", "Failed access: user <name> on <time> from <ip>", "Access Log for <name> @
        <time>", Django's "OrmQ object (1)" for a model without a name), and axes writes "<unknown>" for the
        headers the test client does not send: what admin shows as a row's name there is left out of the walk
        (read after the sign-in, which axes logs too)."""
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
        from django_q.models import OrmQ

        rows = [row for model in (AccessAttempt, AccessLog, AccessFailureLog, OrmQ) for row in model.objects.all()]
        return ["<unknown>", *(str(row) for row in rows)]

    def readers(self):
        return {
            "manager": self.manager,
            "supervisor": self.supervisor,
            "inspector": self.inspector,
            "admin": self.admin,
        }


@pytest.fixture(scope="module")
def desk(django_db_setup, django_db_blocker):
    """Seeded once for the walk, inside a transaction rolled back after it (each test's own changes are rolled
    back to this)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield RussianDesk()
        transaction.set_rollback(True)


# Every page of the desk a person reads, by URL name: how to build its address from the seeded desk.
ARGS = {
    "orders:customer": lambda d: [d.customer.pk],
    "orders:customer_edit": lambda d: [d.customer.pk],
    "orders:detail": lambda d: [d.order.pk],
    "orders:edit": lambda d: [d.order.pk],
    "feedback:claim": lambda d: [d.claim.pk],
    "inbox:detail": lambda d: [d.conversation.pk],
}
QUERY = {
    "kpi:kpi_orders": lambda d: {"figure": "taken", "period": "30d", "manager": d.manager.pk},
    "kpi:kpi_conversations": lambda d: {"figure": "conversations", "period": "30d", "manager": d.manager.pk},
    "kpi:kpi_calls": lambda d: {"figure": "dialled", "period": "30d", "manager": d.manager.pk},
}
# Not pages: forms' POST targets, JSON and CSV for scripts, and the machines' addresses; the customer's pages are
# in the shop's customer language (tests/feedback).
NOT_PAGES = {
    "logout", "healthz", "favicon.ico", "api_order_intake", "api_order_payment", "api_order_delivery",
    "api_order_status", "api_openapi", "api_not_found",
    "webhooks:twilio_status", "webhooks:twilio_inbound", "notifications:unread_count", "kpi:kpi_csv",
    "feedback:rate", "feedback:rate_answer", "feedback:thanks",
    "accounts:backup_codes", "accounts:language", "orders:customer_manager", "orders:customer_edit",
    "orders:status", "orders:note",
    "orders:reassign", "orders:bulk_reassign", "orders:call", "orders:task_create", "orders:task_done",
    "orders:new_customer", "assignment:presence", "assignment:take", "assignment:take_conversation",
    "notifications:open",
    "notifications:read_all", "notifications:order_message", "notifications:order_payment_link",
    "feedback:claim_step", "feedback:claim_note",
    "feedback:reply_rate", "feedback:claim_message", "inbox:reply", "inbox:read", "inbox:close", "inbox:reassign",
    "email_webhooks:mailgun_inbound", "email_webhooks:postmark_inbound", "email_webhooks:sendgrid_inbound",
    "notifications:attachment", "calls:recording", "calls:voicemail", "voice:incoming", "voice:dial",
    "voice:recording",
    "voice:status", "calls:place", "assignment:auto_dial",
    "calls:stream", "calls:card",
}  # fmt: skip


def _url_names(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                yield from _url_names(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or entry.pattern}"


# The sign-in page is for visitors (below); signed in, it only sends a person home.
STAFF_PAGES = sorted(name for name in _url_names(get_resolver()) if name not in NOT_PAGES | {"login"})
ADMIN_PAGES = sorted(
    (model._meta.label, kind) for model in admin.site._registry for kind in ("changelist", "add", "change")
)
ROLES = ("manager", "supervisor", "inspector", "admin")
# Pages still English until the i24 wrap branches merge (orders, notifications, feedback, assignment, kpi,
# dashboard, and the manager's presence switch in the navbar): strict, so a page that becomes Russian fails here
# until it is taken off this list.
UNTIL_WRAPS_MERGE = pytest.mark.xfail(strict=True, reason="until the i24 wrap branches merge")
# Russian now, by "page-role": the desk's own pages (accounts, templates/) for the roles without the manager's
# presence switch, and the 403 page (core) a role gets instead of a page it may not open, admin's add form of a
# model nobody adds by hand included.
RUSSIAN_NOW = {
    "accounts:settings-supervisor", "accounts:settings-inspector", "accounts:settings-admin",
    "accounts:enrol-supervisor", "accounts:enrol-inspector", "accounts:enrol-admin", "accounts:verify-admin",
    "dashboard:dashboard-inspector", "kpi:kpi-inspector", "kpi:kpi_orders-inspector", "orders:edit-inspector",
    "kpi:kpi_conversations-inspector", "kpi:kpi_calls-inspector",
    "orders:new-inspector",
}  # fmt: skip


def _walked(*parts: str):
    page_id = "-".join(parts)
    return pytest.param(*parts, id=page_id, marks=() if page_id in RUSSIAN_NOW else UNTIL_WRAPS_MERGE)


def _page(client, url: str, params=None) -> tuple[int, str]:
    response = client.get(url, params or {}, follow=True)
    assert response.status_code != 405, f"{url} answers only POST: list it in NOT_PAGES"
    assert response.status_code in (200, 403), f"{url}: {response.status_code}"
    return response.status_code, response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, role", [pytest.param(name, role, id=f"{name}-{role}") for name in STAFF_PAGES for role in ROLES]
)
def test_a_russian_reader_finds_no_english_on_a_page_of_the_desk(client, desk, name, role):
    """Each role's view of the page: the page when they may open it, the 403 page when not."""
    try:
        url = reverse(name, args=ARGS[name](desk) if name in ARGS else None)
    except NoReverseMatch:
        pytest.fail(f"{name} takes an argument: say in ARGS which seeded row it shows")
    client.force_login(desk.readers()[role])
    status, html = _page(client, url, QUERY[name](desk) if name in QUERY else None)
    assert not english_words(html), f"English on {url} as {role} ({status}): {english_words(html)}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["login", "not-found", "not-allowed"])
def test_a_russian_visitor_finds_no_english_on_the_sign_in_and_error_pages(client, settings, name):
    """Someone not signed in reads the desk's language (Russian here); the 404 and 403 pages of someone signed
    in, theirs."""
    settings.LANGUAGE_CODE = "ru"
    if name == "login":
        html = client.get(reverse("login")).content.decode()
    else:
        client.force_login(UserFactory(username="дина", first_name="Дина", last_name="Егорова"))
        response = client.get("/orders/999999/" if name == "not-found" else reverse("dashboard:dashboard"))
        assert response.status_code == (404 if name == "not-found" else 403)
        html = response.content.decode()
    assert not english_words(html), f"English on the {name} page: {english_words(html)}"


# Admin pages that still show a sentence the desk stored in English with nothing to render it from in the reader's
# language: a trigger firing's note ("queued").
# Strict: a page that becomes Russian fails here.
STORED_IN_ENGLISH = {
    "notifications.TriggerFiring-changelist", "notifications.TriggerFiring-change"
}  # fmt: skip
UNTIL_STORED_AS_PHRASES = pytest.mark.xfail(strict=True, reason="stored in English: until written as phrases")


def _admin_page(label: str, kind: str):
    page_id = f"{label}-{kind}"
    return pytest.param(
        label, kind, id=page_id, marks=UNTIL_STORED_AS_PHRASES if page_id in STORED_IN_ENGLISH else ()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("label, kind", [_admin_page(label, kind) for label, kind in ADMIN_PAGES])
def test_a_russian_admin_finds_no_english_on_an_admin_page(client, desk, label, kind):
    model = apps.get_model(label)
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{kind}"
    if kind == "change":
        row = model._default_manager.order_by("pk").first()
        assert row is not None, f"seed a {label} in RussianDesk to walk its change form"
        url = reverse(name, args=[row.pk])
    else:
        url = reverse(name)
    client.force_login(desk.admin)
    status, html = _page(client, url)
    groups = set(Group.objects.values_list("name", flat=True))  # the roles' names are the code's, not words
    words = [
        word for word in english_words(html, desk.library_row_names()) if word not in groups | DJANGOS_RUSSIAN
    ]
    assert not words, f"English on {url} ({status}): {words}"
