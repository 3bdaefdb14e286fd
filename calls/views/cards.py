"""The caller's card (`calls:card`): a fragment the page's calls.js shows while a call rings the manager."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from calls.selectors import call_card
from core import roles
from core.http import role_required


@role_required(roles.can_work_orders, _("Only managers and supervisors answer the shop's phone."))
def card_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Reads only: who is calling, their orders and last messages."""
    return render(request, "calls/_card.html", {"card": call_card(user=request.user, pk=pk)})  # type: ignore[arg-type]
