"""The status matrix: the one status-change path (the django-fsm transition, the clock, history and the news),
and saving the whole matrix from its admin page."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from core.phrases import Phrase, phrase
from orders import history, signals
from orders.exceptions import PaymentAwaited, StaleOrder, StatusChangeRefused
from orders.models import AwaitingPayment, Order, OrderEvent, SettingChange, Status, StatusTransition, Task
from orders.selectors.matrix import status_name
from orders.services.audit import setting_change_record
from orders.services.clocks import CLOCK_FIELDS, clock_start
from orders.services.orders import order_event_add


def order_change_status(
    *,
    order: Order,
    target: str,
    by: User | None = None,
    expected_status: str | None = None,
    reason: Phrase | str = "",
) -> Order:
    """The one status-change path: matrix check (django-fsm), clock reset, overdue cleared, history, and
    the news to other apps, all in one transaction. `expected_status` is the status the person saw; if the
    order moved meanwhile, the change is refused instead of silently overriding a colleague. `reason`: what the
    person wrote, or the desk's phrase (kept in English as the order's cancel reason, said in the reader's language
    in the history line)."""
    said, reason = reason, reason.english() if isinstance(reason, Phrase) else reason
    if expected_status is not None and order.status != expected_status:
        raise StaleOrder(gettext("The order changed since you opened it; reload the page and check its status."))
    target_status = Status.objects.filter(code=target).first()
    if target_status is None:
        raise StatusChangeRefused(gettext("Unknown status %(status)s.") % {"status": repr(target)})
    if target_status.group == Status.Group.CANCEL and not reason and by is not None:
        raise StatusChangeRefused(gettext("Give a reason to cancel the order."))
    previous = order.status
    now = timezone.now()
    try:
        with transaction.atomic():
            order.change_status(target, by=by)
            clock_start(order, target_status, now)
            if target_status.group == Status.Group.CANCEL:
                order.cancel_reason = reason
            if target_status.is_final:  # a closed order has no next step to take
                Task.objects.filter(order=order, done_at__isnull=True).update(done_at=now, done_by=by)
            # Only what a status change owns: a manager assigned meanwhile must not be overwritten.
            order.save(update_fields=[*CLOCK_FIELDS, "status", "cancel_reason", "updated_at"])
            moved = {"source": status_name(previous), "target": target_status.name}
            if reason:
                text = phrase(gettext_noop("Status %(source)s → %(target)s: %(reason)s"), reason=said, **moved)
            else:
                text = phrase(gettext_noop("Status %(source)s → %(target)s"), **moved)
            order_event_add(
                order=order,
                kind=OrderEvent.Kind.STATUS,
                actor=by,
                text=text,
                details=history.StatusChange(status_from=previous, status_to=target, reason=reason),
            )
            signals.order_status_changed.send(sender=Order, order=order, previous=previous, by=by)
            if by is not None:
                signals.order_touched.send(sender=Order, order=order, by=by)
    except AwaitingPayment as exc:
        order.refresh_from_db()
        raise PaymentAwaited(str(exc)) from exc
    except TransitionNotAllowed as exc:
        order.refresh_from_db()
        raise StatusChangeRefused(str(exc)) from exc
    except ConcurrentTransition as exc:
        order.refresh_from_db()
        raise StaleOrder(
            gettext("Someone changed this order's status at the same moment; reload and check.")
        ) from exc
    return order


@transaction.atomic
def matrix_save(*, steps: dict[tuple[int, int], set[int]], by: User | None = None) -> None:
    """Replace the status matrix with these steps ((from, to) status ids → the group ids that may take it; none
    means managers and supervisors). Each step is validated as in admin; any error saves nothing. The audit
    trail keeps the whole matrix before and after."""
    before = _matrix_snapshot()
    existing = {(step.source_id, step.target_id): step for step in StatusTransition.objects.all()}
    StatusTransition.objects.exclude(pk__in=[existing[pair].pk for pair in steps if pair in existing]).delete()
    errors = []
    statuses = Status.objects.in_bulk()
    for (source_id, target_id), group_ids in steps.items():
        step = existing.get((source_id, target_id)) or StatusTransition(source_id=source_id, target_id=target_id)
        try:
            step.full_clean()
        except ValidationError as exc:
            source, target = statuses[source_id], statuses[target_id]
            errors += [f"{source.name} → {target.name}: {message}" for message in exc.messages]
            continue
        step.save()
        step.groups.set(group_ids)
    if errors:
        raise ValidationError(errors)
    setting_change_record(
        actor=by,
        action=SettingChange.Action.CHANGED,
        before=before,
        after=_matrix_snapshot(),
        model=StatusTransition._meta.label_lower,
        object_id="matrix",
        name="The status matrix",
    )


def _matrix_snapshot() -> dict[str, list[str]]:
    steps = StatusTransition.objects.select_related("source", "target").prefetch_related("groups")
    return {
        f"{step.source.code} → {step.target.code}": sorted(group.name for group in step.groups.all())
        or ["anyone working orders"]
        for step in steps
    }
