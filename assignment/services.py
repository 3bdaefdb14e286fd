from datetime import timedelta

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from assignment import signals
from assignment.models import AssignmentDecision, ManagerProfile, Presence, PresenceChange, RoutingSettings
from assignment.routing import AWAY, at_quota, rank, survey
from orders.models import Order
from orders.roles import staff_name
from orders.services import order_set_manager, order_take_back

# A manager's activity is written at most this often, so browsing costs no extra writes.
SEEN_EVERY = timedelta(minutes=1)


def profile_get_or_create(*, user) -> ManagerProfile:
    return ManagerProfile.objects.get_or_create(user=user)[0]


@transaction.atomic
def presence_set(*, user, presence: str, reason: str = "") -> ManagerProfile:
    """Switch a manager's presence and keep the history; switching to the same value records nothing."""
    if presence not in Presence.values:
        raise ValueError(f"Unknown presence {presence!r}.")
    profile_get_or_create(user=user)
    profile = ManagerProfile.objects.select_for_update().get(user=user)
    if profile.presence == presence:
        return profile
    PresenceChange.objects.create(profile=profile, presence=presence, previous=profile.presence, reason=reason)
    profile.presence = presence
    profile.presence_since = profile.last_seen_at = timezone.now()
    profile.save(update_fields=["presence", "presence_since", "last_seen_at"])
    if presence == Presence.FREE:
        queue_serve_after_commit()
    return profile


def order_route(*, order_id: int, now=None) -> AssignmentDecision | None:
    """Give an unassigned open order to the right free manager with room, and store why. Returns None when
    nobody can take it now (it waits in the queue). Safe to run from many workers at once: the order row
    and then the chosen manager's row are locked, and the manager's open orders are recounted under that lock."""
    now = now or timezone.now()
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("customer", "shop")
            .filter(pk=order_id, manager__isnull=True, is_final=False)
            .first()
        )
        if order is None:
            return None  # assigned or closed meanwhile, or another worker is routing it
        settings = RoutingSettings.load()
        found = survey(order, settings)
        own = found.granted.get(order.customer.responsible_manager_id)
        if own is not None and own not in found.eligible and now - order.created_at < settings.sticky_wait:
            return None  # a repeat customer waits a little for their own manager
        rule, ranked = rank(order, found)
        for candidate in ranked:
            # Each candidate is tried in a savepoint: rolling it back releases a refused manager's row lock, so
            # a router holds one manager's lock at a time and two routers can never wait on each other's.
            tried = transaction.savepoint()
            locked = ManagerProfile.objects.select_for_update().get(pk=candidate.profile.pk)
            open_now = Order.objects.filter(manager_id=locked.user_id, is_final=False).count()
            if locked.presence != Presence.FREE:  # switched away since the survey
                refusal = AWAY[locked.presence]
            elif open_now >= candidate.quota:  # another router filled them since the survey
                refusal = at_quota(open_now, candidate.quota)
            else:
                refusal = ""
            if refusal:
                transaction.savepoint_rollback(tried)
                found.excluded[candidate.name] = refusal
                continue
            transaction.savepoint_commit(tried)
            candidates = [{"manager": c.name, "open_orders": c.open_orders, "quota": c.quota} for c in ranked]
            decision = AssignmentDecision.objects.create(
                order=order,
                manager=locked.user,
                rule=rule,
                candidates=candidates,
                excluded=found.excluded,
                created_at=now,
                accept_by=now + settings.acceptance_timeout if settings.acceptance_timeout else None,
            )
            # The explanation travels with the history event, so the order page can show it.
            order_set_manager(
                order=order,
                manager=locked.user,
                reason=decision.get_rule_display(),
                data={
                    "decision": decision.pk,
                    "candidates": candidates,
                    "excluded": found.excluded,
                    # The order page tells the manager how long they have to take it up.
                    "accept_by": decision.accept_by.isoformat() if decision.accept_by else None,
                },
            )
            return decision
        return None


def queue_serve(*, limit: int = 200) -> int:
    """Offer waiting orders to managers, in the desk's queue priority; returns how many were assigned."""
    newest_first = RoutingSettings.load().queue_priority == RoutingSettings.QueuePriority.NEWEST
    waiting = (
        Order.objects.filter(manager__isnull=True, is_final=False)
        .order_by("-created_at" if newest_first else "created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(order_route(order_id=pk) is not None for pk in list(waiting))


def queue_serve_after_commit() -> None:
    """Capacity appeared: serve the queue once the change is committed, in a q2 worker."""
    transaction.on_commit(lambda: async_task("assignment.tasks.serve_queue"))


def assignment_accept(*, order: Order, by) -> int:
    """The manager touched the order: its acceptance clock stops."""
    return AssignmentDecision.objects.filter(
        order=order, manager=by, accept_by__isnull=False, accepted_at__isnull=True, timed_out_at__isnull=True
    ).update(accepted_at=timezone.now())


def assignments_expire(*, now=None, batch: int = 100) -> int:
    """Orders their managers did not take up in time go back to routing, to someone else; the supervisors
    are told. One transaction per order, so a slow reroute holds no other row."""
    now = now or timezone.now()
    due = AssignmentDecision.objects.filter(
        accept_by__lte=now, accepted_at__isnull=True, timed_out_at__isnull=True
    ).order_by("accept_by")
    pairs = list(due.values_list("pk", "order_id")[:batch])
    return sum(_assignment_expire(decision_id=pk, order_id=order_id, now=now) for pk, order_id in pairs)


@transaction.atomic
def _assignment_expire(*, decision_id: int, order_id: int, now) -> bool:
    # The order first, then the decision: the order in which a status change or note touches them.
    order = (
        Order.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("customer", "shop")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        return False  # someone is working on it right now; the next run looks again
    decision = (
        AssignmentDecision.objects.select_for_update(of=("self",))
        .select_related("manager")
        .filter(pk=decision_id, accepted_at__isnull=True, timed_out_at__isnull=True)
        .first()
    )
    if decision is None:
        return False  # taken up, or expired by another worker, meanwhile
    decision.timed_out_at = now
    decision.save(update_fields=["timed_out_at"])
    if order.manager_id != decision.manager_id or order.is_final:
        return False  # reassigned by hand or closed meanwhile: nothing to take back
    minutes = round((decision.accept_by - decision.created_at).total_seconds() / 60)
    reason = f"{staff_name(decision.manager)} did not take it up within {minutes} min"
    order_take_back(order=order, reason=reason)
    rerouted = order_route(order_id=order.pk, now=now)
    signals.assignment_timed_out.send(
        sender=AssignmentDecision,
        order=order,
        manager=decision.manager,
        minutes=minutes,
        rerouted_to=rerouted.manager if rerouted else None,
    )
    return True


def presence_note_activity(*, user, now=None) -> None:
    """The manager is using the desk (called at most once a minute per session)."""
    ManagerProfile.objects.filter(user=user).update(last_seen_at=now or timezone.now())


def presences_expire_idle(*, now=None) -> int:
    """Managers whose session has expired from inactivity are set Offline, as if they had logged out."""
    now = now or timezone.now()
    idle_since = now - timedelta(seconds=django_settings.SESSION_COOKIE_AGE)
    idle = ManagerProfile.objects.exclude(presence=Presence.OFFLINE).filter(last_seen_at__lt=idle_since)
    users = [profile.user for profile in idle.select_related("user")]
    for user in users:
        presence_set(user=user, presence=Presence.OFFLINE, reason="session expired")
    return len(users)
