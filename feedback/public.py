"""The customer's rating page, reached from the email's signed links. Opening a link records nothing: mail
scanners (Microsoft Defender Safe Links, Mimecast, Proofpoint, Gmail) open every link of an email before the
person does, so a GET or HEAD only shows the page with the link's rating chosen; the customer's button (a POST
carrying the same signed token) records it, through the same handler as a WhatsApp reply. A 3 is then asked
whether to get in touch. The page names the shop and nothing of the order; a tampered link is a 400 page, an
expired one 410, never a 500. Staff logged in to the desk are refused (403): a customer who answers the email
by email quotes its links to the shop, and a rating comes only from the customer.

The pages speak the shop's customers' language (`Shop.customer_language`), never the browser's or the desk's: a
link that names no shop (tampered) reads the desk's default language."""

from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from feedback.forms import CommentForm, RateForm
from feedback.models import FeedbackRequest, FeedbackSettings
from feedback.services import LINK_SALT, contact_answer, feedback_comment, rating_receive

INVALID = _("This link is not valid. Please use the link from your email as it is.")
EXPIRED = _("This link has expired. Thank you all the same!")
STAFF = _(
    "This page is only for the customer: you are logged in to the desk, and a rating comes only from the "
    "customer. Nothing was recorded."
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _shop_language(token: str) -> str:
    """The customers' language of the shop the link is for, expired or not; the desk's default for a link that
    names no request."""
    try:
        data = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        return settings.LANGUAGE_CODE
    request = FeedbackRequest.objects.filter(pk=data.get("q")).select_related("order__shop").first()
    return request.order.shop.customer_language if request is not None else settings.LANGUAGE_CODE


@contextmanager
def _in_customer_language(token: str):
    with translation.override(_shop_language(token)):
        yield


def _request_for(token: str):
    """The request and rating the link is for, or (None, status, message)."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=FeedbackSettings.load().valid_for)
    except signing.SignatureExpired:
        return None, 410, EXPIRED
    except signing.BadSignature:
        return None, 400, INVALID
    request = FeedbackRequest.objects.select_related("order__shop", "customer").filter(pk=data.get("q")).first()
    rating = data.get("r")
    if request is None or request.order_id != data.get("o") or rating not in range(1, 6):
        return None, 400, INVALID
    if request.valid_until is not None and request.valid_until < timezone.now():
        return None, 410, EXPIRED
    return (request, rating), 200, ""


def _refused(request, status: int, text: "StrOrPromise"):
    return render(request, "feedback/public/refused.html", {"text": text}, status=status)


def _rate_page(request, feedback, token: str, *, form, status: int = 200):
    """Before the rating: the choice and the button that sends it; after: thanks, and what happens next."""
    context = {
        "feedback": feedback,
        "shop": feedback.order.shop,
        "token": token,
        "form": form,
        "rating": feedback.rating,
        # Where the customer came from: their own button just now, or the link again later.
        "just_sent": request.GET.get("sent") == "1",
    }
    return render(request, "feedback/public/rate.html", context, status=status)


# The signed token is the authority: only the email's reader holds it, and a scanner never posts; a CSRF cookie
# would add nothing for an anonymous customer and refuse one whose browser drops cookies.
@csrf_exempt
@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def rate_view(request, token: str):
    if request.user.is_authenticated:
        return _refused(request, 403, STAFF)
    with _in_customer_language(token):
        return _rate(request, token)


def _rate(request, token: str):
    found, status, text = _request_for(token)
    if found is None:
        return _refused(request, status, text)
    feedback, rating = found
    if request.method != "POST":
        form = RateForm(initial={"rating": rating}) if feedback.rating is None else CommentForm()
        return _rate_page(request, feedback, token, form=form)
    form, answered_before = RateForm(request.POST), feedback.rating is not None
    if form.is_valid():  # once answered, rating_receive keeps a second rating on the request and changes nothing
        rating_receive(
            request=feedback, rating=form.cleaned_data["rating"], source="email", text=form.cleaned_data["comment"]
        )
    elif not answered_before:
        return _rate_page(request, feedback, token, form=form, status=400)
    return redirect(reverse("feedback:rate", args=[token]) + ("" if answered_before else "?sent=1"))


@csrf_exempt  # as above: the signed token is the authority
@require_POST
@login_not_required
def rate_answer_view(request, token: str):
    """After the rating: for a 3 whether the customer wants to be contacted, or a comment."""
    if request.user.is_authenticated:
        return _refused(request, 403, STAFF)
    with _in_customer_language(token):
        return _rate_answer(request, token)


def _rate_answer(request, token: str):
    found, status, text = _request_for(token)
    if found is None:
        return _refused(request, status, text)
    feedback, _ = found
    if "contact" in request.POST:
        contact_answer(request=feedback, wants=request.POST["contact"] == "yes", source="email")
    else:
        form = CommentForm(request.POST)
        if not form.is_valid():
            return _rate_page(request, feedback, token, form=form, status=400)
        feedback_comment(request=feedback, text=form.cleaned_data["comment"], source="email")
    return redirect("feedback:thanks", token=token)


@login_not_required
def thanks_view(request, token: str):
    with _in_customer_language(token):
        return render(request, "feedback/public/thanks.html")
