"""The inspectors' pages: the claims board, a claim with its customer, and the replies nobody could read as a
rating. Supervisors and admins read them too; only inspectors (and admins) work claims."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core import roles
from core.exceptions import DeskError
from core.http import form_errors, role_required
from core.pagination import paginate
from feedback.forms import ClaimFilterForm, ClaimNoteForm, ClaimStepForm, RatingForm
from feedback.models import Claim
from feedback.selectors import claim_get_for_user, claim_list, claim_page, replies_unread, replies_waiting
from feedback.services import claim_add_note, claim_move, reply_rate
from notifications.views import message_send
from orders.selectors import shop_scope

# The claims pages' two access rules, and why they refuse (the 403 page says it).
claims_readers_only = role_required(roles.can_read_claims, _("Claims are for inspectors, supervisors and admins."))
claims_workers_only = role_required(roles.can_work_claims, _("Inspectors work claims; supervisors read them."))


def _claim(request, pk: int) -> Claim:
    try:
        return claim_get_for_user(user=request.user, pk=pk)
    except Claim.DoesNotExist as exc:
        raise Http404(gettext("No such claim")) from exc


@claims_readers_only
def claim_list_view(request):
    shops = shop_scope(request.user)
    filters = ClaimFilterForm(request.GET or {"state": "open"}, shops=shops)
    filters.is_valid()
    data = filters.cleaned_data
    claims = claim_list(
        user=request.user,
        state=data.get("state", "open"),
        shop=request.GET.get("shop", ""),
        inspector=request.GET.get("inspector", ""),
        overdue=data.get("overdue", False),
    )
    return render(
        request,
        "feedback/claim_list.html",
        {
            "page": paginate(request, claims, per_page=25),
            "filters": filters,
            "replies_waiting": replies_waiting(user=request.user).count(),
        },
    )


@claims_readers_only
def claim_detail_view(request, pk: int, *, note_form=None, step_form=None, extra=None):
    """The claim with its customer: their orders, ratings, answers and whole conversation (their orders' messages
    and conversations), where the inspector writes to them. `extra`: a refused form, kept as typed."""
    claim = _claim(request, pk)
    can_work = roles.can_work_claims(request.user)
    return render(
        request,
        "feedback/claim_detail.html",
        {
            "claim": claim,
            "page": claim_page(claim=claim, user=request.user),
            "can_work": can_work,
            "can_write_customer": can_work and claim.is_open,
            "note_form": note_form or ClaimNoteForm(),
            "step_form": step_form or ClaimStepForm(),
            **(extra or {}),
        },
        status=400 if note_form or step_form or extra else 200,
    )


@require_POST
@claims_workers_only
def claim_message_view(request, pk: int):
    """The inspector writes to the claim's customer through the outbox (about the claim's order), while the claim
    is open; the customer's answers come back to the inspector's bell."""
    claim = _claim(request, pk)
    if not claim.is_open:
        messages.error(request, gettext("The claim is closed: write from the order page."))
        return redirect("feedback:claim", pk=pk)
    return message_send(
        request,
        page=lambda extra: claim_detail_view(request, pk, extra=extra),
        back=reverse("feedback:claim", args=[pk]),
        order=claim.order,
    )


@require_POST
@claims_workers_only
def claim_step_view(request, pk: int):
    claim = _claim(request, pk)
    form = ClaimStepForm(request.POST)
    if form.is_valid():
        try:
            claim_move(
                claim=claim, action=form.cleaned_data["action"], by=request.user, text=form.cleaned_data["text"]
            )
        except DeskError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                gettext("Claim %(number)s: %(state)s.")
                % {"number": claim.pk, "state": claim.get_state_display().lower()},
            )
            return redirect("feedback:claim", pk=pk)
    messages.error(request, form_errors(form))
    return claim_detail_view(request, pk, step_form=form)


@require_POST
@claims_workers_only
def claim_note_view(request, pk: int):
    claim = _claim(request, pk)
    form = ClaimNoteForm(request.POST)
    if form.is_valid():
        claim_add_note(claim=claim, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, gettext("Note added."))
        return redirect("feedback:claim", pk=pk)
    messages.error(request, form_errors(form))
    return claim_detail_view(request, pk, note_form=form)


@claims_readers_only
def replies_view(request):
    return render(
        request,
        "feedback/replies.html",
        {
            "replies": replies_waiting(user=request.user)[:100],
            "can_work": roles.can_work_claims(request.user),
        },
    )


@require_POST
@claims_workers_only
def reply_rate_view(request, pk: int):
    reply = replies_unread(user=request.user).filter(pk=pk).first()
    if reply is None:
        raise Http404(gettext("No such reply waiting"))
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a rating from 1 to 5."))
        return redirect("feedback:replies")
    try:
        reply_rate(reply=reply, rating=form.cleaned_data["rating"], by=request.user)
    except DeskError as exc:  # e.g. the customer rated while the list was open
        messages.error(
            request, gettext("Order %(number)s: %(why)s") % {"number": reply.request.order.number, "why": exc}
        )
        return redirect("feedback:replies")
    messages.success(
        request,
        gettext("Rating %(rating)s/5 recorded on order %(number)s.")
        % {"rating": form.cleaned_data["rating"], "number": reply.request.order.number},
    )
    return redirect("feedback:replies")
