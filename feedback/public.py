"""The customer's one-click rating page, reached from the email's signed links: it records the rating (the same
handler as a WhatsApp reply), asks a 3 whether to get in touch, and takes an optional comment. It shows nothing
of the order; a tampered link is a 400 page, an expired one 410, never a 500."""

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from feedback.forms import CommentForm
from feedback.models import FeedbackReply, FeedbackRequest, FeedbackSettings
from feedback.services import LINK_SALT, contact_answer, rating_receive


def _request_for(token: str):
    """The request and rating the link is for, or (None, status, message)."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=FeedbackSettings.load().valid_for)
    except signing.SignatureExpired:
        return None, 410, "This link has expired. Thank you all the same!"
    except signing.BadSignature:
        return None, 400, "This link is not valid. Please use the link from your email as it is."
    request = FeedbackRequest.objects.select_related("order__shop", "customer").filter(pk=data.get("q")).first()
    rating = data.get("r")
    if request is None or request.order_id != data.get("o") or rating not in range(1, 6):
        return None, 400, "This link is not valid. Please use the link from your email as it is."
    if request.valid_until is not None and request.valid_until < timezone.now():
        return None, 410, "This link has expired. Thank you all the same!"
    return (request, rating), 200, ""


def _refused(request, status: int, text: str):
    return render(request, "feedback/public/refused.html", {"text": text}, status=status)


@login_not_required
def rate_view(request, token: str):
    found, status, text = _request_for(token)
    if found is None:
        return _refused(request, status, text)
    feedback, rating = found
    already = feedback.rating is not None
    if not already:
        feedback = rating_receive(request=feedback, rating=rating, source="email")
    return _rate_page(request, feedback, token, form=CommentForm(), already=already)


def _rate_page(request, feedback, token: str, *, form, already: bool, status: int = 200):
    context = {"feedback": feedback, "rating": feedback.rating, "already": already, "token": token, "form": form}
    return render(request, "feedback/public/rate.html", context, status=status)


@require_POST
@login_not_required
def rate_answer_view(request, token: str):
    """The comment, or for a 3 whether the customer wants to be contacted."""
    found, status, text = _request_for(token)
    if found is None:
        return _refused(request, status, text)
    feedback, _ = found
    if "contact" in request.POST:
        contact_answer(request=feedback, wants=request.POST["contact"] == "yes", source="email")
    else:
        form = CommentForm(request.POST)
        if not form.is_valid():
            return _rate_page(request, feedback, token, form=form, already=True, status=400)
        FeedbackReply.objects.create(
            request=feedback,
            text=form.cleaned_data["comment"],
            source="email",
            outcome=FeedbackReply.Outcome.COMMENT,
        )
    return redirect("feedback:thanks")


@login_not_required
def thanks_view(request):
    return render(request, "feedback/public/thanks.html")
