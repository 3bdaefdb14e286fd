"""Two-factor devices: an authenticator app (TOTP) enrolled with a QR code, and single-use backup codes; the
language a person chose."""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.exceptions import LanguageRefused
from accounts.models import StaffPreference

BACKUP_CODES = 10


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The device being enrolled: the same one on every reload, so the QR code scanned stays the right one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm enrolment with the first code the app shows; the backup codes to show once, or None when the
    code is wrong."""
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return backup_codes_issue(user=device.user)


@transaction.atomic
def backup_codes_issue(*, user: User) -> list[str]:
    """A fresh set of single-use backup codes (the previous set stops working)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="Backup codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_reset(*, user: User) -> int:
    """Remove the person's app and backup codes; they enrol again at their next sign-in. How many went."""
    removed: int = TOTPDevice.objects.filter(user=user).delete()[1].get(  # django-otp is untyped
        "otp_totp.TOTPDevice", 0
    ) + StaticDevice.objects.filter(user=user).delete()[1].get("otp_static.StaticDevice", 0)
    return removed


def staff_language_set(*, user: User, language: str) -> StaffPreference:
    """The language the desk speaks to this person: one of settings.LANGUAGES, or "" for the desk's default."""
    languages = dict(settings.LANGUAGES)
    if language and language not in languages:
        raise LanguageRefused(
            _("“%(language)s” is not a language of the desk: choose %(choices)s, or the desk's default.")
            % {"language": language[:20], "choices": ", ".join(languages.values())}
        )
    preference, _created = StaffPreference.objects.update_or_create(user=user, defaults={"language": language})
    return preference
