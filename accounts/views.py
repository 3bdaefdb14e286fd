"""Two-factor sign-in pages: enrol an authenticator app (QR code), give the code at sign-in (or a backup code),
and issue new backup codes; the language chosen in the user menu."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from accounts.exceptions import LanguageRefused
from accounts.forms import CodeForm
from accounts.middleware import LANGUAGE, NO_DEVICE
from accounts.policy import two_factor_required
from accounts.services import backup_codes_issue, staff_language_set, totp_device_confirm, totp_device_pending
from core.http import redirect_back


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


def enrol_view(request):
    if request.user.is_verified():
        return redirect("accounts:settings")
    device = totp_device_pending(user=request.user)
    form, status = CodeForm(request.POST or None, numeric=True), 200
    if request.method == "POST":
        codes = totp_device_confirm(device=device, code=request.POST.get("code", ""))
        if codes is not None:
            otp_login(request, device)
            request.session.pop(NO_DEVICE, None)
            return render(request, "accounts/backup_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("code", _("That code is not right: type the 6 digits your app shows now."))
        status = 400
    qr = segno.make(device.config_url).svg_inline(scale=5, dark="#212529")
    context = {"qr": qr, "secret": b32encode(device.bin_key).decode().rstrip("="), "form": form}
    return render(request, "accounts/enrol.html", {**context, "next": _next(request)}, status=status)


def verify_view(request):
    if request.user.is_verified() or not user_has_device(request.user):
        return redirect(_next(request))
    form, status = CodeForm(request.POST or None), 200
    if request.method == "POST":
        device = match_token(request.user, request.POST.get("code", "").strip().replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error(
            "code", _("That code is not right. Use the code your app shows now, or one of your backup codes.")
        )
        status = 400
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)}, status=status)


def settings_view(request):
    return render(
        request,
        "accounts/settings.html",
        {"enrolled": user_has_device(request.user), "required": two_factor_required(request.user)},
    )


@require_POST
def backup_codes_view(request):
    if not request.user.is_verified():
        messages.error(request, _("Give your current code first."))
        return redirect("accounts:verify")
    return render(
        request, "accounts/backup_codes.html", {"codes": backup_codes_issue(user=request.user), "next": "/"}
    )


@require_POST
def language_view(request):
    """The user menu's language choice; back to the page it was made on, now in that language."""
    language = request.POST.get("language", "")
    try:
        staff_language_set(user=request.user, language=language)
    except LanguageRefused as exc:
        messages.error(request, str(exc))
    else:
        request.session[LANGUAGE] = language
    return redirect_back(request, "home")
