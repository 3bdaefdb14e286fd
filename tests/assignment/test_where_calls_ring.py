"""Where calls ring a manager, set on their profile in admin: a phone kept in E.164 as customers' phones are, or a
SIP address as sip:user@host. Nonsense is refused with a clear error, keeps what was typed and saves nothing; a
change is in the audit trail."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assignment.models import ManagerProfile
from orders.models import SettingChange
from tests.factories import free_manager
from tests.feedback.test_rating_is_the_customers import forms_of

pytestmark = pytest.mark.django_db


def post_profile(admin_client, profile, **changes):
    url = reverse("admin:assignment_managerprofile_change", args=[profile.pk])
    data = forms_of(admin_client.get(url).content.decode())[-1][1] | changes
    return admin_client.post(url, data)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("8 (916) 123-45-67", "+79161234567"),
        ("+7 916 123 45 67", "+79161234567"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_a_phone_typed_as_people_write_it_is_kept_in_e164_and_audited(admin_client, typed, kept):
    profile = free_manager(username="anna").manager_profile
    assert post_profile(admin_client, profile, phone=typed).status_code == 302
    profile.refresh_from_db()
    assert profile.phone == kept
    change = SettingChange.objects.latest("pk")
    assert (change.model, change.before, change.after) == (
        "assignment.managerprofile",
        {"phone": ""},
        {"phone": kept},
    )


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("sip:anna@shop.sip.twilio.com", "sip:anna@shop.sip.twilio.com"),
        ("  SIP:anna@pbx.shop.ru:5060 ", "sip:anna@pbx.shop.ru:5060"),
    ],
)
def test_a_sip_address_is_kept_as_sip_user_at_host(admin_client, typed, kept):
    profile = free_manager(username="anna").manager_profile
    assert post_profile(admin_client, profile, sip=typed).status_code == 302
    profile.refresh_from_db()
    assert profile.sip == kept
    listing = admin_client.get(reverse("admin:assignment_managerprofile_changelist")).content.decode()
    assert kept in listing  # where calls ring, in the list


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [
        ("sip", "anna@shop.sip.twilio.com", "Write the SIP address as sip:user@host"),
        ("sip", "sip:anna", "Write the SIP address as sip:user@host"),
        ("sip", "sip:@host.example", "Write the SIP address as sip:user@host"),
        ("sip", "sip:anna@localhost", "Write the SIP address as sip:user@host"),
        ("sip", "sip:anna@shop example.com", "Write the SIP address as sip:user@host"),
        ("phone", "12345", "This is not a phone number in use"),
        ("phone", "call me", "Enter the phone in international format, e.g. +79161234567."),
        ("phone", "+7 916 123 45 67 89 00 11 22 33 44", "Ensure this value has at most 32 characters"),
        ("phone", "+7 916 123 45 67 89", "This is not a phone number in use"),
    ],
)
def test_nonsense_where_calls_ring_is_refused_clearly_kept_and_nothing_saved(admin_client, field, typed, error):
    profile = free_manager(username="anna").manager_profile
    response = post_profile(admin_client, profile, **{field: typed}, experience="3")
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and error in page
    assert typed.strip() in page
    profile.refresh_from_db()
    assert (profile.phone, profile.sip, profile.experience) == ("", "", 0)
    assert not SettingChange.objects.exists()


def test_the_shell_is_held_to_the_same_rules():
    profile = free_manager(username="anna").manager_profile
    profile.phone, profile.sip = "8 916 123 45 67", "anna@pbx"
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert set(refused.value.message_dict) == {"sip"} and profile.phone == "+79161234567"
    profile.phone, profile.sip = "not a phone", ""
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert set(refused.value.message_dict) == {"phone"}
    assert ManagerProfile.objects.get(pk=profile.pk).phone == ""
