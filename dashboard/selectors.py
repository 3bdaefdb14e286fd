"""The dashboard's reads: how loaded each manager of the supervisor's shops is, and the conversations waiting."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from django.contrib.auth.models import User
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from assignment.models import AssignmentDecision, ManagerProfile, RoutingSettings
from assignment.routing.rules import load_number
from assignment.routing.sql import Held, held_by_manager
from assignment.selectors import team_profiles
from orders.models import Conversation, PhoneCall, ShopVoice, Task
from orders.selectors import managers_covering_user_shops, shop_scope

M = TypeVar("M", bound=Model)

# Each list on the dashboard shows this many rows; its badge counts them all.
DASHBOARD_ROWS = 20

# Timeouts are counted over this window; this many or more marks a manager as letting orders slip.
TIMEOUT_WINDOW = timedelta(days=7)
REPEATED_TIMEOUTS = 2


def team_load(*, user: User, now: datetime | None = None) -> list[ManagerProfile]:
    """The managers of the shops this supervisor sees, with presence, load (open orders, and open conversations
    at their weight) against quota, open and
    overdue tasks and recent acceptance timeouts, in four queries (plus the settings row)."""
    now = now or timezone.now()
    routing = RoutingSettings.load()
    profiles = list(
        team_profiles()
        .filter(user__in=managers_covering_user_shops(user))
        .order_by("presence", "user__first_name", "user__username")
    )
    user_ids = [profile.user_id for profile in profiles]
    held = held_by_manager(user_ids)
    timeouts = dict(
        AssignmentDecision.objects.filter(manager_id__in=user_ids, timed_out_at__gte=now - TIMEOUT_WINDOW)
        .values("manager_id")
        .annotate(n=Count("pk"))
        .values_list("manager_id", "n")
    )
    tasks = {
        row["assignee_id"]: row
        for row in Task.objects.filter(assignee_id__in=user_ids, done_at__isnull=True)
        .values("assignee_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
    }
    for profile in profiles:
        holds = held.get(profile.user_id, Held())
        profile.open_orders, profile.open_conversations = holds.orders, holds.conversations
        load = holds.load(routing.conversation_weight)  # conversations at their weight, as routing counts
        profile.load = load_number(load)
        counted = tasks.get(profile.user_id)
        profile.open_tasks = counted["open"] if counted else 0
        profile.overdue_tasks = counted["overdue"] if counted else 0
        profile.timeouts = timeouts.get(profile.user_id, 0)
        profile.lets_orders_slip = profile.timeouts >= REPEATED_TIMEOUTS
        profile.quota = profile.quota_or(routing.default_quota)
        profile.load_percent = min(100, round(100 * load / profile.quota)) if profile.quota else 100
    return profiles


@dataclass
class FirstRows(Generic[M]):
    """A dashboard list: the rows it shows, and how many there are in all (the count in its badge)."""

    rows: list[M]
    total: int


def first_rows(everything: QuerySet[M]) -> FirstRows[M]:
    """The first DASHBOARD_ROWS of an ordered list and its full count, in two queries."""
    return FirstRows(list(everything[:DASHBOARD_ROWS]), everything.count())


def conversations_open(*, user: User, now: datetime) -> QuerySet[Conversation]:
    """The not-closed conversations of the supervisor's shops, those whose first reply is overdue (its clock ran
    out, nobody answered) first, then the unassigned ones waiting, then those not answered yet, then those
    answered; oldest first within each."""
    overdue = Q(first_replied_at__isnull=True, first_reply_due_at__lt=now)
    return (
        Conversation.objects.exclude(state=Conversation.State.CLOSED)
        .filter(shop__in=shop_scope(user))
        .annotate(
            reply_overdue=Case(When(overdue, then=Value(1)), default=Value(0), output_field=IntegerField()),
            rank=Case(
                When(overdue, then=Value(0)),
                When(manager__isnull=True, then=Value(1)),
                When(first_replied_at__isnull=True, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
        )
        .select_related("customer", "shop", "manager")
        .order_by("rank", "created_at", "pk")
    )


@dataclass
class ConversationsWaiting:
    """The dashboard's conversations panel: its first rows, and how many are open, overdue and unassigned."""

    rows: list[Conversation]
    total: int
    overdue: int
    unassigned: int


def conversations_waiting(*, user: User, now: datetime | None = None) -> ConversationsWaiting:
    """The open conversations panel in two queries, however many there are."""
    everything = conversations_open(user=user, now=now or timezone.now())
    counts = everything.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(reply_overdue=1)),
        unassigned=Count("pk", filter=Q(manager__isnull=True)),
    )
    return ConversationsWaiting(list(everything[:DASHBOARD_ROWS]), **counts)


# A shop with no phone settings calls back in ShopVoice's default time.
CALLBACK_WITHIN = ShopVoice._meta.get_field("callback_within").default


def missed_calls_not_called_back(*, user: User, now: datetime) -> QuerySet[PhoneCall]:
    """The supervisor's shops' missed calls nobody has called back within the shop's time, oldest first."""
    within = Coalesce(F("shop__voice__callback_within"), Value(CALLBACK_WITHIN, output_field=DurationField()))
    return (
        PhoneCall.objects.filter(missed_at__isnull=False, called_back_at__isnull=True, shop__in=shop_scope(user))
        .annotate(callback_due=ExpressionWrapper(F("missed_at") + within, output_field=DateTimeField()))
        .filter(callback_due__lt=now)
        .select_related("customer", "order", "shop", "callback_task__assignee")
        .order_by("missed_at", "pk")
    )
