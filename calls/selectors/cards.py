"""The caller's card a ringing call shows on the manager's page, and the legs a manager's page watches."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext

from core import roles
from notifications.models import InboundMessage, OutboundMessage
from notifications.selectors import conversation
from orders.models import CallLeg, Order, PhoneCall, Status
from orders.selectors import order_scope, shop_scope, status_by_code

OPEN_ORDERS_SHOWN = 5
MESSAGES_SHOWN = 3


@dataclass(frozen=True)
class LegState:
    """Where a call that rang this manager stands, as their page shows it."""

    leg_id: int
    call_id: int
    state: str  # ringing, talking, answered (ended after talking), missed (ended without an answer)

    @classmethod
    def of(cls, leg: CallLeg) -> "LegState":
        if leg.ended_at is None:
            state = "talking" if leg.answered else "ringing"
        else:
            state = "answered" if leg.answered else "missed"
        return cls(leg_id=leg.pk, call_id=leg.call_id, state=state)

    @property
    def is_over(self) -> bool:
        return self.state in ("answered", "missed")


def legs_live(*, user_id: int, watched: list[int]) -> list[LegState]:
    """The manager's legs ringing or talking now, and the `watched` ones whatever became of them (one query)."""
    legs = CallLeg.objects.filter(Q(ended_at__isnull=True) | Q(pk__in=watched), manager_id=user_id).only(
        "pk", "call_id", "ended_at", "answered"
    )
    return [LegState.of(leg) for leg in legs.order_by("started_at", "pk")]


@dataclass
class CallCard:
    call: PhoneCall
    leg: LegState | None  # the viewer's own leg of the call (a supervisor has none)
    open_orders: list[Order]
    messages: list[OutboundMessage | InboundMessage]
    statuses: dict[str, Status]
    is_unknown: bool  # no name and no order: "Unknown caller" and a new order for the number

    @property
    def state(self) -> str:
        """ringing, talking, answered or missed: the viewer's leg, else (a supervisor) the call's."""
        if self.leg is not None:
            return self.leg.state
        if self.call.ended_at is not None:
            return "answered" if self.call.answered_at else "missed"
        return "talking" if self.call.answered_at else "ringing"

    @property
    def heading(self) -> str:
        return {
            "ringing": gettext("Incoming call"),
            "talking": gettext("On the call"),
            "answered": gettext("Call ended"),
            "missed": gettext("Call ended unanswered"),
        }[self.state]


def call_card(*, user: User, pk: int) -> CallCard:
    """The caller's card of call `pk` for the manager it rang, or a supervisor covering the shop; 403 for anyone
    else (another manager learns nothing about the caller), 404 for no such call. A fixed number of queries."""
    call = (
        PhoneCall.objects.select_related("shop", "customer__responsible_manager")
        .filter(pk=pk, direction=PhoneCall.Direction.INBOUND)
        .first()
    )
    if call is None:
        raise Http404("No such call")
    own = CallLeg.objects.filter(call=call, manager=user).order_by("-started_at", "-pk").first()
    supervising = (roles.is_supervisor(user) or roles.is_admin(user)) and shop_scope(user).filter(
        pk=call.shop_id
    ).exists()
    if own is None and not supervising:
        raise PermissionDenied(gettext("Only the manager this call rang, or a supervisor, sees who is calling."))
    customer = call.customer
    open_orders = list(
        order_scope(user)
        .filter(customer=customer, is_final=False)
        .select_related("shop", "manager")
        .order_by("-created_at", "-pk")[:OPEN_ORDERS_SHOWN]
    )
    is_unknown = not customer.name and not open_orders and not Order.objects.filter(customer=customer).exists()
    return CallCard(
        call=call,
        leg=LegState.of(own) if own is not None else None,
        open_orders=open_orders,
        messages=[] if is_unknown else conversation(customer=customer, limit=MESSAGES_SHOWN),
        statuses=status_by_code(),
        is_unknown=is_unknown,
    )
