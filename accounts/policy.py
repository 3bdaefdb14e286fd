"""Whom the desk asks for a second factor: superusers and the groups named in TWO_FACTOR_REQUIRED_FOR (supervisors
by default) must enrol; anyone else who has enrolled a device is asked for it too. TWO_FACTOR=0 turns it off
(`make demo` does)."""

from django.conf import settings

from core.roles import user_roles


def two_factor_required(user) -> bool:
    if not settings.TWO_FACTOR or not user.is_authenticated:
        return False
    return user.is_superuser or bool(user_roles(user) & set(settings.TWO_FACTOR_REQUIRED_FOR))
