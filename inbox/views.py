"""The inbox's pages: "My conversations" (a supervisor: their shops' open conversations), a conversation with its
customer, thread and history, and its actions: reply through the outbox, mark read, close with a reason. Every
action is a POST; a refused form comes back as typed."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core import roles
from core.exceptions import DeskError
from core.http import form_errors, role_required
from core.pagination import paginate
from core.people import staff_name
from inbox.forms import CloseForm, InboxFilterForm
from inbox.selectors import inbox_conversations, latest_message, reply_overdue
from notifications.views import message_send
from orders.forms import ReassignForm
from orders.models import Conversation
from orders.selectors import (
    conversation_get_for_user,
    conversation_history,
    managers_covering_shop,
    managers_covering_user_shops,
)
from orders.services import conversation_close, conversation_read, conversations_reassign

INBOX = _("Conversations are for managers and supervisors.")
READERS = _("Conversations are for managers, supervisors and inspectors.")
ANSWERERS = _("A conversation's managers answer it.")
CLOSERS = _("Managers and supervisors close conversations.")
REASSIGNERS = _("Supervisors hand conversations to another manager.")


@role_required(roles.can_use_inbox, INBOX)
def inbox_view(request):
    """A manager's open conversations; a supervisor's shops' ones, by manager and overdue first reply."""
    now = timezone.now()
    watching = roles.is_supervisor(request.user)
    filters = None
    manager, overdue = None, False
    if watching:
        filters = InboxFilterForm(request.GET or None, managers=managers_covering_user_shops(request.user))
        if filters.is_valid():
            manager, overdue = filters.cleaned_data["manager"], filters.cleaned_data["overdue"]
    rows = inbox_conversations(user=request.user, now=now, mine=not watching, manager=manager, overdue=overdue)
    page = paginate(request, rows, per_page=30)
    return render(
        request,
        "inbox/list.html",
        {
            "page": page,
            "rows": [(row, latest_message(row)) for row in page.items],
            "watching": watching,
            "filters": filters,
            "now": now,
        },
    )


def render_conversation_page(request, conversation: Conversation, *, extra: dict | None = None, status: int = 200):
    """The conversation's page: customer card, thread with the reply form, history, actions; `extra` carries a
    refused form back as typed."""
    user = request.user
    context = {
        "conversation": conversation,
        "customer": conversation.customer,
        "history": conversation_history(conversation=conversation)[:50],
        "overdue": Conversation.objects.filter(reply_overdue(timezone.now()), pk=conversation.pk).exists(),
        "can_answer": roles.can_answer_conversations(user) and not conversation.is_closed,
        "can_close": roles.can_close_conversations(user) and not conversation.is_closed,
        "mine": conversation.manager_id == user.pk,
        "close_form": CloseForm(),
        "reassign_form": ReassignForm(managers=managers_covering_shop(shop_id=conversation.shop_id))
        if roles.can_reassign_conversations(user) and not conversation.is_closed
        else None,
        **(extra or {}),
    }
    return render(request, "inbox/conversation.html", context, status=status)


@role_required(roles.can_read_conversations, READERS)
def conversation_view(request, pk: int):
    return render_conversation_page(request, conversation_get_for_user(user=request.user, pk=pk))


@require_POST
@role_required(roles.can_answer_conversations, ANSWERERS)
def conversation_reply_view(request, pk: int):
    """Write to the conversation's customer through the outbox, as the order page writes (templates previewed
    first, WhatsApp free text only within 24 hours of the customer's last WhatsApp); the first reply stops the
    clock."""
    conversation = conversation_get_for_user(user=request.user, pk=pk)
    return message_send(
        request,
        page=lambda extra: render_conversation_page(request, conversation, extra=extra, status=400),
        back=reverse("inbox:detail", args=[conversation.pk]),
        conversation=conversation,
    )


@require_POST
@role_required(roles.can_answer_conversations, ANSWERERS)
def conversation_read_view(request, pk: int) -> HttpResponse:
    """Its manager has read it (the page posts this once it is open; a supervisor's look changes nothing). A
    script's post gets 204; a button's comes back to the page."""
    conversation = conversation_get_for_user(user=request.user, pk=pk)
    conversation_read(conversation=conversation, by=request.user)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect("inbox:detail", pk=pk)


@require_POST
@role_required(roles.can_close_conversations, CLOSERS)
def conversation_close_view(request, pk: int):
    conversation = conversation_get_for_user(user=request.user, pk=pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            conversation_close(conversation=conversation, reason=form.cleaned_data["reason"], by=request.user)
        except DeskError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Conversation closed."))
            return redirect("inbox:list")
    messages.error(request, form_errors(form))
    return render_conversation_page(request, conversation, extra={"close_form": form}, status=400)


@require_POST
@role_required(roles.can_reassign_conversations, REASSIGNERS)
def conversation_reassign_view(request, pk: int):
    """A supervisor hands the conversation to another manager of its shop (routing's hand-over, as for orders):
    the history says who, from whom, to whom."""
    conversation = conversation_get_for_user(user=request.user, pk=pk)
    form = ReassignForm(request.POST, managers=managers_covering_shop(shop_id=conversation.shop_id))
    if form.is_valid():
        manager = form.cleaned_data["manager"]
        try:
            conversations_reassign(
                conversations=[conversation], manager=manager, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DeskError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, gettext("The conversation is now %(name)s's.") % {"name": staff_name(manager)}
            )
            return redirect("inbox:detail", pk=pk)
    messages.error(request, form_errors(form))
    return render_conversation_page(request, conversation, extra={"reassign_form": form}, status=400)
