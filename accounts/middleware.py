from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django_otp import user_has_device

from accounts.policy import two_factor_required
from accounts.selectors import staff_language

# Reachable before the second factor: the pages that give it, logging out, choosing the language they are in,
# static files, the health check.
OPEN_PREFIXES = ("/account/two-factor/", "/account/language/", "/logout/", "/static/", "/favicon.ico", "/healthz")
# Noted in the session of someone who need not give a second factor and has no device: no device query per page.
NO_DEVICE = "two_factor_no_device"
# The language the signed-in person chose ("" for the desk's default), read once per session: no query per page
# (a choice made in admin for someone else applies from their next sign-in).
LANGUAGE = "staff_language"


class StaffLanguageMiddleware:
    """The desk speaks to a signed-in person in the language they chose (the user menu), else in the desk's
    language (LANGUAGE_CODE); the sign-in page and anyone not signed in get the desk's language. The browser's
    Accept-Language is not asked: a shared desk computer must not decide. Admin pages follow the same choice."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = ""
        if request.user.is_authenticated:
            if LANGUAGE not in request.session:
                request.session[LANGUAGE] = staff_language(user=request.user)
            chosen = request.session[LANGUAGE]
        request.staff_language = chosen
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):  # what ran before the request in this thread gets its own back
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class TwoFactorMiddleware:
    """A signed-in user the desk asks for a second factor reaches nothing else until they give it: enrolment
    first when it is required and they have no device yet, then the code at each sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(OPEN_PREFIXES) and not user.is_verified():
            redirect_to = self._second_factor_page(request, user)
            if redirect_to:
                return redirect(f"{reverse(redirect_to)}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _second_factor_page(request, user) -> str:
        if not settings.TWO_FACTOR:
            return ""
        required = two_factor_required(user)
        if not required and request.session.get(NO_DEVICE):
            return ""
        if user_has_device(user):
            return "accounts:verify"
        if required:
            return "accounts:enrol"
        request.session[NO_DEVICE] = True
        return ""
