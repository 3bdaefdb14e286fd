from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _


def language_menu(request):
    """The user menu's languages: (code, label, chosen); "" is the desk's default, named with its language."""
    if not request.user.is_authenticated:
        return {}
    desk = get_language_info(settings.LANGUAGE_CODE)["name_local"]
    default = _("Desk default (%(language)s)") % {"language": desk}
    chosen = getattr(request, "staff_language", "")
    return {
        "language_menu": [(code, label, code == chosen) for code, label in [("", default), *settings.LANGUAGES]]
    }
