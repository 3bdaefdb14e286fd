"""Giving an order or a conversation to a manager under row locks: routing's choice, or a manager taking it from
the queue. One engine (`_route`, `_take`) for both, through `routing.routables`."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from assignment.exceptions import AssignmentRefused
from assignment.models import AssignmentDecision, ManagerProfile, Presence, RoutingSettings
from assignment.routing import AWAY, Candidate, Survey, Team, at_quota, rank, survey, team_read
from assignment.routing.routables import Routable, RoutedConversation, RoutedOrder
from assignment.routing.rules import SLIPPED_NOTE, load_number, reason_shown
from assignment.routing.sql import Granted, Held, held_by_manager, manager_lock
from core.people import staff_name
from core.phrases import Phrase, label, listed, phrase
from orders.clock import desk_time
from orders.models import AccessGrant, Conversation, Order


def _manager_lock(
    profile_pk: int, *, quota: int, weight: Decimal, settings: RoutingSettings, must_be_free: bool, now: datetime
) -> tuple[int, str]:
    """Lock the manager's row, noting the assignment to come as their last, and look again under the lock: what
    the survey saw may have changed (another router filled them up, they went to lunch). Returns the manager's
    user id and why they cannot take one more of this `weight` ('' if they can); on a refusal the caller rolls
    back the note."""
    user_id, presence = manager_lock(profile_pk, now=now)
    # Counted in a statement after the lock, so it sees every assignment committed before the lock was granted.
    load_now = held_by_manager([user_id]).get(user_id, Held()).load(settings.conversation_weight)
    if must_be_free and presence != Presence.FREE:
        return user_id, AWAY[presence]
    if load_now + weight > quota:
        return user_id, at_quota(load_now, quota)
    return user_id, ""


def _assign(
    *,
    routed: Routable,
    manager: User,
    rule: str,
    reason: Phrase,
    now: datetime,
    by: User | None = None,
    fresh: bool = False,
    **explanation: Any,
) -> AssignmentDecision:
    """Record the decision and hand the order or conversation over, saying why. `fresh`: it was created in this
    transaction, so nobody held it before."""
    decision = AssignmentDecision.objects.create(
        **routed.decision_of(),
        manager=manager,
        rule=rule,
        created_at=now,
        headline=reason.to_json(),
        **explanation,
    )
    routed.hand(manager=manager, by=by, reason=reason, fresh=fresh, decision=decision)
    return decision


# A decision keeps this many candidates and passed-over managers by name, and counts the rest by reason: its
# size stays the same for a team of ten or a thousand.
NAMED = 5
NAMED_PASSED_OVER = 10


def _explanation(ranked: list[Candidate], excluded: dict[str, str]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for reason in excluded.values():
        kind = reason.split(" (")[0]  # "at quota (10/10)" counts as "at quota"
        counts[kind] = counts.get(kind, 0) + 1
    return {
        "candidates": [_candidate_line(c) for c in ranked[:NAMED]],
        "candidate_count": len(ranked),
        "excluded": dict(list(excluded.items())[:NAMED_PASSED_OVER]),
        "excluded_counts": counts,
    }


def _candidate_line(candidate: Candidate) -> dict[str, Any]:
    # "open_orders": the load, conversations counted at their weight (the key older decisions have)
    line = {"manager": candidate.name, "open_orders": load_number(candidate.load), "quota": candidate.quota}
    if candidate.slipped_at is not None:
        line["note"] = SLIPPED_NOTE % {"time": desk_time(candidate.slipped_at)}
    return line


def _reason(rule: str, ranked: list[Candidate], chosen: Candidate, found: Survey, routed: Routable) -> Phrase:
    """The headline of "Why assigned": the rule that actually decided between the candidates, not the rule's
    name alone (with one candidate, "fewest open orders" decided nothing)."""
    # Whom the chosen one was preferred to (not those refused under the lock, nor one who let it time out).
    others = [c for c in ranked if c is not chosen and c.slipped_at is None and c.name not in found.excluded]
    if chosen.slipped_at is not None:
        text = phrase(
            gettext_noop(
                "Cooling-off fallback: given back to %(name)s, who let it time out at %(at)s, because nobody else "
                "free could take it"
            ),
            name=chosen.name,
            at=chosen.slipped_at,
        )
    elif rule == AssignmentDecision.Rule.REPEAT:
        text = label(AssignmentDecision.Rule.REPEAT.label)
    elif not others:
        # Whoever let it time out and is still free with room was passed over: the cooling-off decided.
        slipped = [c.name for c in ranked if c.slipped_at is not None and c.name not in found.excluded]
        if slipped:
            text = phrase(
                gettext_noop(
                    "Cooling-off → the only free manager with room for it besides %(names)s, who let it time out "
                    "(others first)"
                ),
                names=listed(slipped),
            )
        else:
            text = phrase(gettext_noop("The only free manager with room for it"))
        if routed.customer.is_vip:
            text = phrase(gettext_noop("%(reason)s (a VIP customer)"), reason=text)
    elif rule == AssignmentDecision.Rule.VIP:
        runner_up = others[0]
        if chosen.experience > runner_up.experience:
            text = label(AssignmentDecision.Rule.VIP.label)
        elif chosen.load < runner_up.load:
            text = phrase(gettext_noop("VIP, equally experienced free managers → fewest open orders"))
        else:
            text = phrase(
                gettext_noop("VIP, equally experienced and loaded free managers → waiting longest for an order")
            )
    elif chosen.load < others[0].load:
        text = label(AssignmentDecision.Rule.EVEN_LOAD.label)
    else:
        text = phrase(gettext_noop("Even load, a tie on open orders → waiting longest for an order"))
    own_id = routed.customer.responsible_manager_id
    own = found.granted.get(own_id) if own_id is not None else None
    if (
        rule != AssignmentDecision.Rule.REPEAT
        and own is not None
        and own is not chosen
        and own.name in found.excluded
    ):
        text = phrase(
            gettext_noop("%(reason)s; their own manager %(name)s is %(why)s"),
            reason=text,
            name=own.name,
            why=label(found.excluded[own.name]),  # said in the reader's language when the catalogue has it
        )
    return text


def route(routed: Routable | None, *, now: datetime, fresh: bool, team: Team | None) -> AssignmentDecision | None:
    """The one engine for orders and conversations, `routed` locked (or created) in the caller's transaction:
    survey the team, rank, lock each ranked manager in turn and assign to the first with room under the lock
    (see `order_route`). None: nothing to route, or nobody can take it now."""
    if routed is None:
        return None  # assigned or closed meanwhile, or another worker is routing it
    team = team or team_read()
    settings = team.settings
    found = survey(routed, team, now, fresh=fresh)
    own_id = routed.customer.responsible_manager_id
    own = found.granted.get(own_id) if own_id is not None else None
    # A repeat customer waits a little for their own manager, unless that manager let this very order time
    # out: then others come first (the cooling-off), and the queue never holds it from a free colleague.
    waits_for_own = own is not None and own.slipped_at is None and own not in found.eligible
    if waits_for_own and now - routed.created_at < settings.sticky_wait:
        return None
    rule, ranked = rank(routed, found)
    weight = routed.weight(settings)
    for candidate in ranked:
        # Each candidate is tried in a savepoint: rolling it back releases a refused manager's row lock, so
        # a router holds one manager's lock at a time and two routers can never wait on each other's.
        tried = transaction.savepoint()
        user_id, refusal = _manager_lock(
            candidate.profile_pk,
            quota=candidate.quota,
            weight=weight,
            settings=settings,
            must_be_free=True,
            now=now,
        )
        if refusal:
            transaction.savepoint_rollback(tried)
            found.excluded[candidate.name] = refusal
            team.stale = True
            continue
        transaction.savepoint_commit(tried)
        team.took_one(user_id, now, conversation=routed.conversation)
        return _assign(
            routed=routed,
            manager=candidate.as_user(),
            rule=rule,
            reason=_reason(rule, ranked, candidate, found, routed),
            now=now,
            fresh=fresh,
            **_explanation(ranked, found.excluded),
            accept_by=now + settings.acceptance_timeout if settings.acceptance_timeout else None,
        )
    return None


def order_route(
    *,
    order_id: int | None = None,
    new_order: Order | None = None,
    now: datetime | None = None,
    team: Team | None = None,
) -> AssignmentDecision | None:
    """Give an unassigned open order to the right free manager with room, and store why. Returns None when
    nobody can take it now (it waits in the queue). Safe to run from many workers at once: the order row
    and then the chosen manager's row are locked, and the manager's load is recounted under that lock.
    `new_order` (intake): an order created in this transaction, invisible to anyone else until it commits, with
    no history of holders or timeouts; it is routed as it is, without locking or reading it again, and claimed
    only while it still has no manager (the hand-over's update re-checks it under the row's lock, and raises
    StaleOrder rather than assign it twice if an earlier step of the transaction gave it away). `team`: the
    team as the queue read it for a batch; the assignment is counted into it, a refusal under the lock marks it
    stale."""
    # No savepoint of its own inside intake's transaction: a failure here undoes the whole order anyway.
    with transaction.atomic(savepoint=False):
        if new_order is not None:
            routed: RoutedOrder | None = RoutedOrder(new_order)
        else:
            assert order_id is not None  # routing a stored order names it
            routed = RoutedOrder.locked(order_id, skip_locked=True, waiting=True)
        return route(routed, now=now or timezone.now(), fresh=new_order is not None, team=team)


def conversation_route(
    *,
    conversation_id: int | None = None,
    new_conversation: Conversation | None = None,
    now: datetime | None = None,
    team: Team | None = None,
) -> AssignmentDecision | None:
    """Give a conversation with no manager to the right free manager with room, by the same rules and locks as an
    order (`order_route`): presence, the grant's shops, the customer's own manager first, VIP, even load; it
    weighs the routing settings' conversation weight against the quota. None: nobody can take it now (it waits
    in the queue). `new_conversation`: created in this transaction (a first message), routed as it is."""
    with transaction.atomic(savepoint=False):
        if new_conversation is not None:
            routed: RoutedConversation | None = RoutedConversation(new_conversation)
        else:
            assert conversation_id is not None  # routing a stored conversation names it
            routed = RoutedConversation.locked(conversation_id, skip_locked=True, waiting=True)
        return route(routed, now=now or timezone.now(), fresh=new_conversation is not None, team=team)


def _take(
    routed: Routable | None, *, user: User, now: datetime, how: Phrase | None, gone: str
) -> AssignmentDecision:
    """A manager takes a waiting order or conversation themselves, through the same locks as routing: it must
    still be waiting, granted to them, and they must have room. Taking it is taking it up."""
    if routed is None:
        raise AssignmentRefused(gone)
    profile = ManagerProfile.objects.filter(user=user).first()
    if profile is None:
        raise AssignmentRefused(gettext("Only managers take orders from the queue."))
    grant = AccessGrant.objects.filter(user=user).prefetch_related("shops").first()
    refusal = routed.refusal(Granted(**grant.granted())) if grant else ""
    if refusal:
        raise AssignmentRefused(gettext("You cannot take it: %(refusal)s.") % {"refusal": refusal})
    settings = RoutingSettings.load()
    quota = profile.quota_or(settings.default_quota)
    _, refusal = _manager_lock(
        profile.pk, quota=quota, weight=routed.weight(settings), settings=settings, must_be_free=False, now=now
    )
    if refusal:
        raise AssignmentRefused(
            gettext("You are %(refusal)s: close or hand over an order first.") % {"refusal": reason_shown(refusal)}
        )
    return _assign(
        routed=routed,
        manager=user,
        by=user,
        rule=AssignmentDecision.Rule.TAKEN,
        reason=how or phrase(gettext_noop("%(name)s took it from the queue"), name=staff_name(user)),
        now=now,
        accepted_at=now,
    )


@transaction.atomic
def order_take(
    *, order_id: int, user: User, now: datetime | None = None, how: Phrase | None = None
) -> AssignmentDecision:
    """A manager takes a waiting order themselves ("Take it" on the queue, or typing it in)."""
    return _take(
        RoutedOrder.locked(order_id, skip_locked=False, waiting=True),
        user=user,
        now=now or timezone.now(),
        how=how,
        gone=gettext("This order is no longer waiting: someone has it or it is closed."),
    )


@transaction.atomic
def conversation_take(*, conversation_id: int, user: User, now: datetime | None = None) -> AssignmentDecision:
    """A manager takes a waiting conversation themselves ("Take it" on the queue)."""
    return _take(
        RoutedConversation.locked(conversation_id, skip_locked=False, waiting=True),
        user=user,
        now=now or timezone.now(),
        how=None,
        gone=gettext("This conversation is no longer waiting: someone has it or it is closed."),
    )
