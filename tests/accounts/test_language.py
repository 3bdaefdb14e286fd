"""Who reads which language: each person's choice in the user menu, blank meaning the desk's (LANGUAGE_CODE);
never the browser's; read once per session, not once per page."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import StaffPreference
from accounts.services import backup_codes_issue, staff_language_set
from tests.accounts.test_two_factor import code_for
from tests.core.test_translations import english_words
from tests.factories import UserFactory, inspector, manager, supervisor

pytestmark = pytest.mark.django_db

ROLES = {
    "manager": manager,
    "supervisor": supervisor,
    "inspector": inspector,
    "admin": lambda **kw: UserFactory(is_staff=True, is_superuser=True, **kw),
}


def html_lang(response) -> str:
    return re.search(r'<html lang="([\w-]+)">', response.content.decode()).group(1)


def choose(client, language, next_url="/account/two-factor/"):
    return client.post(reverse("accounts:language"), {"language": language, "next": next_url})


@pytest.mark.parametrize("role", ROLES)
def test_every_role_chooses_a_language_in_the_user_menu_and_reads_the_desk_in_it(client, role):
    person = ROLES[role]()
    client.force_login(person)
    page = reverse("accounts:settings")
    assert html_lang(client.get(page)) == "en"  # the suite's desk language
    response = choose(client, "ru", next_url=page)
    assert response.status_code == 302 and response.url == page
    assert StaffPreference.objects.get(user=person).language == "ru"
    answer = client.get(page)
    assert html_lang(answer) == "ru" and "Двухфакторный вход" in answer.content.decode()
    choose(client, "en")
    assert html_lang(client.get(page)) == "en"


def test_the_menu_offers_the_desk_default_named_with_its_language_and_marks_the_choice(client, settings):
    settings.LANGUAGE_CODE = "ru"
    client.force_login(manager())
    menu = client.get(reverse("accounts:settings")).content.decode()
    menu = menu[menu.index('data-testid="language-menu"') : menu.index("</form>", menu.index("language-menu"))]
    labels = re.findall(r'value="(\w*)"[^>]*>([^<]+)</button>', menu)
    assert labels == [("", "Язык по умолчанию (Русский)"), ("ru", "Русский"), ("en", "English")]
    assert 'active" type="submit" name="language" value=""' in menu  # nothing chosen yet: the default
    choose(client, "en")
    menu = client.get(reverse("accounts:settings")).content.decode()
    assert re.search(r'dropdown-item active"[^>]*value="en"', menu)
    assert "Desk default (Русский)" in menu  # named in the reader's language, the desk's language named in itself


def test_a_russian_user_reads_russian_an_english_user_english_and_a_blank_one_the_desk_default(client, settings):
    settings.LANGUAGE_CODE = "ru"
    readers = {"ru": supervisor(), "en": supervisor(), "": supervisor()}
    for language, person in readers.items():
        staff_language_set(user=person, language=language)
    seen = {}
    for language, person in readers.items():
        client.force_login(person)
        html = client.get(reverse("accounts:settings")).content.decode()
        seen[language] = ("Двухфакторный вход" in html, "Two-factor sign-in" in html)
        client.logout()
    assert seen == {"ru": (True, False), "en": (False, True), "": (True, False)}


def test_blank_follows_the_desk_language_as_it_is_set_now(client, settings):
    person = manager()
    staff_language_set(user=person, language="")
    client.force_login(person)
    settings.LANGUAGE_CODE = "en"
    assert html_lang(client.get(reverse("accounts:settings"))) == "en"
    settings.LANGUAGE_CODE = "ru"
    assert html_lang(client.get(reverse("accounts:settings"))) == "ru"


def test_the_browser_language_is_not_followed_by_signed_in_staff_nor_on_the_login_page(client, settings):
    settings.LANGUAGE_CODE = "ru"
    english_browser = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    login = client.get(reverse("login"), **english_browser)
    assert html_lang(login) == "ru" and "Войти" in login.content.decode()
    client.force_login(manager())
    assert html_lang(client.get(reverse("accounts:settings"), **english_browser)) == "ru"


def test_a_visitor_cannot_choose_and_nothing_is_saved(client):
    response = choose(client, "ru")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not StaffPreference.objects.exists()


def test_a_get_changes_nothing(client):
    person = manager()
    client.force_login(person)
    assert client.get(reverse("accounts:language"), {"language": "ru"}).status_code == 405
    assert not StaffPreference.objects.filter(user=person).exists()
    assert html_lang(client.get(reverse("accounts:settings"))) == "en"


@pytest.mark.parametrize("bad", ["de", "xx-evil", "russian", "RU"])
def test_a_language_the_desk_does_not_speak_is_refused_saying_which_and_the_choice_stays(client, bad):
    person = manager()
    staff_language_set(user=person, language="ru")
    client.force_login(person)
    response = choose(client, bad)
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == f"«{bad}» — не язык интерфейса: выберите Русский, English или язык по умолчанию."
    assert StaffPreference.objects.get(user=person).language == "ru"
    assert html_lang(client.get(reverse("accounts:settings"))) == "ru"


def test_the_refusal_reads_in_english_for_an_english_reader(client):
    client.force_login(manager())
    response = choose(client, "de")
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == "“de” is not a language of the desk: choose Русский, English, or the desk's default."


@pytest.mark.parametrize("next_url", ["https://evil.example.com/", "//evil.example.com/orders/"])
def test_the_way_back_stays_on_the_desk(client, next_url):
    client.force_login(manager())
    response = choose(client, "ru", next_url=next_url)
    assert response.status_code == 302 and response.url == reverse("home")


def test_the_language_is_read_once_per_session_not_once_per_page(client):
    person = supervisor()
    staff_language_set(user=person, language="ru")
    client.force_login(person)
    page = reverse("accounts:settings")
    client.get(page)
    with CaptureQueriesContext(connection) as ctx:
        assert html_lang(client.get(page)) == "ru"
    assert not [query for query in ctx.captured_queries if "accounts_staffpreference" in query["sql"]]


def test_admin_pages_follow_the_readers_language(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    staff_language_set(user=admin_user, language="ru")
    client.force_login(admin_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert '<html lang="ru"' in html and "Администрирование Orderdesk" in html
    staff_language_set(user=admin_user, language="en")
    client.logout()
    client.force_login(admin_user)  # a choice made elsewhere (admin, the shell) applies from the next sign-in
    assert "Orderdesk administration" in client.get(reverse("admin:index")).content.decode()


def test_permissions_are_named_in_the_readers_language_on_a_role(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    staff_language_set(user=admin_user, language="ru")
    client.force_login(admin_user)
    html = client.get(reverse("admin:auth_group_add")).content.decode()
    assert "Добавление: пользователь" in html and "Can add user" not in html


@pytest.mark.parametrize("page", ["accounts:settings", "accounts:enrol", "accounts:verify", "backup codes"])
def test_the_two_factor_pages_read_in_russian(client, page):
    person = supervisor(first_name="Вера", last_name="Зайцева")
    staff_language_set(user=person, language="ru")
    client.force_login(person)
    if page == "backup codes":  # shown once, right after enrolling
        client.get(reverse("accounts:enrol"))
        device = TOTPDevice.objects.get(user=person, confirmed=False)
        response = client.post(reverse("accounts:enrol"), {"code": code_for(device)})
        assert 'data-testid="backup-codes"' in response.content.decode()
    else:
        if page == "accounts:verify":
            backup_codes_issue(user=person)  # someone with a device is asked for it
        response = client.get(reverse(page))
    assert response.status_code == 200
    html = re.sub(r'data-testid="backup-code">\w+<', "><", response.content.decode())  # the codes are data
    assert not english_words(html)


def test_a_persons_devices_show_on_their_user_page_in_russian_and_admin_has_no_device_pages(client):
    from django.contrib import admin
    from django_otp.plugins.otp_static.models import StaticDevice

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    staff_language_set(user=admin_user, language="ru")
    person = supervisor()
    backup_codes_issue(user=person)
    client.force_login(admin_user)
    html = client.get(reverse("admin:auth_user_change", args=[person.pk])).content.decode()
    assert "Резервные коды" in html and "Приложения-аутентификаторы" in html
    assert TOTPDevice not in admin.site._registry and StaticDevice not in admin.site._registry
    group_page = client.get(reverse("admin:auth_group_add")).content.decode()
    assert "TOTP" not in group_page  # no permissions for pages that are not there
