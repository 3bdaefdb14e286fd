from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from assignment.models import AssignmentDecision, ManagerProfile, Presence, PresenceChange, RoutingSettings
from assignment.routing import AWAY, rank, survey
from orders.models import Order
from orders.services import order_set_manager


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
    profile.presence, profile.presence_since = presence, timezone.now()
    profile.save(update_fields=["presence", "presence_since"])
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
            locked = ManagerProfile.objects.select_for_update().get(pk=candidate.profile.pk)
            open_now = Order.objects.filter(manager_id=locked.user_id, is_final=False).count()
            if locked.presence != Presence.FREE:  # switched away since the survey
                found.excluded[candidate.name] = AWAY[locked.presence]
                continue
            if open_now >= candidate.quota:  # another router filled them since the survey
                found.excluded[candidate.name] = f"at quota ({open_now}/{candidate.quota})"
                continue
            candidates = [{"manager": c.name, "open_orders": c.open_orders, "quota": c.quota} for c in ranked]
            decision = AssignmentDecision.objects.create(
                order=order, manager=locked.user, rule=rule, candidates=candidates, excluded=found.excluded
            )
            # The explanation travels with the history event, so the order page can show it.
            order_set_manager(
                order=order,
                manager=locked.user,
                reason=decision.get_rule_display(),
                data={"decision": decision.pk, "candidates": candidates, "excluded": found.excluded},
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
