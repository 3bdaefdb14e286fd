from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from accounts.policy import two_factor_asked

# Reachable before the second factor: the pages that give it, logging out, static files, the health check.
OPEN_PREFIXES = ("/account/two-factor/", "/logout/", "/static/", "/favicon.ico", "/healthz")


class TwoFactorMiddleware:
    """A signed-in user the desk asks for a second factor reaches nothing else until they give it: enrolment
    first when it is required and they have no device yet, then the code at each sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not user.is_verified()
            and two_factor_asked(user)
        ):
            target = "accounts:verify" if user_has_device(user) else "accounts:enrol"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
