"""Phones as people type them ("8 916 123-45-67", "+7 (916) 123 45 67") stored one way: E.164."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

# A number written without a country code is read as Russian, as the desk's shops are.
DEFAULT_REGION = "RU"


def phone_normalize(text: str) -> str:
    """The phone in E.164 ("+79161234567"), or ValidationError with what to type instead."""
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(gettext("Enter the phone in international format, e.g. +79161234567.")) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(gettext("This is not a phone number in use: check the digits (e.g. +79161234567)."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
