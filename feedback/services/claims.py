"""Claims: opened for an unhappy customer and given to the inspector with the fewest open claims; moved only along
Created → In work → Resolved or Failed (django-fsm); flagged overdue past their due time."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from core.people import staff_name
from core.phrases import Phrase, label, phrase, text_columns
from feedback import signals
from feedback.exceptions import ClaimRefused
from feedback.models import Claim, ClaimEvent, FeedbackRequest, FeedbackSettings
from notifications.models import InboundMessage, Notification
from notifications.services import notifications_about_orders, notifications_create_many
from orders.models import Order
from orders.selectors import inspectors_covering_shop, supervisors_covering_shop


def _claim_link(claim: Claim) -> str:
    return reverse("feedback:claim", args=[claim.pk])


def _least_busy_inspector(shop_id: int) -> User | None:
    open_claims = Count("claims", filter=Q(claims__state__in=Claim.OPEN_STATES))
    return (
        inspectors_covering_shop(shop_id=shop_id)
        .annotate(open_claims=open_claims)
        .order_by("open_claims", "pk")
        .first()
    )


@transaction.atomic
def claim_open(
    *, order: Order, reason: Phrase | str, request: FeedbackRequest | None = None, now: datetime | None = None
) -> Claim:
    """Open a claim (`reason`: the desk's phrase, or what a person wrote; the claim keeps it in English, the bell
    says it in each reader's language)."""
    now = now or timezone.now()
    said = reason
    inspector = _least_busy_inspector(order.shop_id)
    claim = Claim.objects.create(
        order=order,
        customer_id=order.customer_id,
        shop_id=order.shop_id,
        inspector=inspector,
        request=request,
        reason=said.english() if isinstance(said, Phrase) else said,
        reason_phrase=said.to_json() if isinstance(said, Phrase) else None,
        due_at=now + FeedbackSettings.load().claim_due_in,
    )
    opened_for = staff_name(inspector, "") if inspector is not None else phrase(gettext_noop("nobody yet"))
    ClaimEvent.objects.create(
        claim=claim,
        kind=ClaimEvent.Kind.CREATED,
        **text_columns(
            phrase(gettext_noop("Opened for %(inspector)s: %(reason)s"), inspector=opened_for, reason=said), 1000
        ),
    )
    text = phrase(gettext_noop("Claim on order %(number)s: %(reason)s"), number=order.number, reason=said)
    if inspector is not None:
        notifications_create_many(
            kind=Notification.Kind.CLAIM, messages=[(inspector.pk, text, _claim_link(claim))]
        )
    else:  # no inspector covers the shop: the supervisors must see it
        supervisors = supervisors_covering_shop(shop_id=order.shop_id).values_list("pk", flat=True)
        notifications_create_many(
            kind=Notification.Kind.CLAIM, messages=[(pk, text, _claim_link(claim)) for pk in supervisors]
        )
    signals.claim_opened.send(sender=Claim, claim=claim)
    return claim


def claim_inspectors_hear(*, inbound: InboundMessage) -> int:
    """A customer with an open claim wrote: each such claim's inspector hears of it in the bell, with a link to the
    claim, while the claim is open (a closed claim's inspector is not disturbed)."""
    if inbound.customer_id is None:
        return 0
    claims = Claim.objects.filter(customer_id=inbound.customer_id, state__in=Claim.OPEN_STATES)
    said = inbound.body.strip()[:200] or "…"
    return notifications_create_many(
        kind=Notification.Kind.CLAIM,
        messages=[
            (
                inspector_id,
                phrase(gettext_noop("The customer of claim #%(number)s wrote: %(text)s"), number=pk, text=said),
                reverse("feedback:claim", args=[pk]),
            )
            for pk, inspector_id in claims.values_list("pk", "inspector_id")
            if inspector_id is not None
        ],
    )


_MOVES = {"take": ClaimEvent.Kind.TAKEN, "resolve": ClaimEvent.Kind.RESOLVED, "fail": ClaimEvent.Kind.FAILED}
# What the refusal says the step would have done ("cannot be taken").
_STEP_DONE = {"take": _("taken"), "resolve": _("resolved"), "fail": _("failed")}


@transaction.atomic
def claim_move(*, claim: Claim, action: str, by: User | None, text: str = "") -> Claim:
    """Take a claim in work, resolve it or fail it: only the pipeline's steps; resolving or failing says how."""
    if action not in _MOVES:
        raise ClaimRefused(gettext("Unknown step %(step)r.") % {"step": action})
    text = text.strip()
    if action != "take" and not text:
        raise ClaimRefused(gettext("Say what was done for the customer."))
    try:
        getattr(claim, action)()
        if action == "take" and claim.inspector_id is None:
            claim.inspector = by
        if not claim.is_open:
            claim.closed_at = timezone.now()
        claim.save()
    except TransitionNotAllowed as exc:
        claim.refresh_from_db()
        raise ClaimRefused(
            gettext("A claim that is %(state)s cannot be %(step)s.")
            % {"state": claim.get_state_display().lower(), "step": _STEP_DONE[action]}
        ) from exc
    except ConcurrentTransition as exc:
        claim.refresh_from_db()
        raise ClaimRefused(gettext("Someone moved this claim at the same moment; reload and check.")) from exc
    step = label(ClaimEvent.Kind(_MOVES[action]).label)
    said = (
        phrase(gettext_noop("%(step)s: %(text)s"), step=step, text=text)
        if text
        else phrase(gettext_noop("%(step)s."), step=step)
    )
    ClaimEvent.objects.create(claim=claim, kind=_MOVES[action], actor=by, **text_columns(said, 1000))
    if not claim.is_open:
        signals.claim_closed.send(sender=Claim, claim=claim)
    return claim


@transaction.atomic
def claim_add_note(*, claim: Claim, by: User | None, text: str) -> ClaimEvent:
    text = text.strip()
    if not text:
        raise ClaimRefused(gettext("A note cannot be empty."))
    return ClaimEvent.objects.create(claim=claim, kind=ClaimEvent.Kind.NOTE, actor=by, text=text[:1000])


def claims_flag_overdue(*, now: datetime | None = None, batch: int = 200) -> int:
    """Open claims past their due time: flagged once, with a history line, and the shop's supervisors told."""
    now = now or timezone.now()
    with transaction.atomic():
        claims = list(
            Claim.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(is_overdue=False, state__in=Claim.OPEN_STATES, due_at__lte=now)
            .select_related("order")
            .order_by("due_at")[:batch]
        )
        if not claims:
            return 0
        Claim.objects.filter(pk__in=[claim.pk for claim in claims]).update(is_overdue=True)
        ClaimEvent.objects.bulk_create(
            [
                ClaimEvent(
                    claim=claim,
                    kind=ClaimEvent.Kind.OVERDUE,
                    **text_columns(phrase(gettext_noop("Overdue: past its due time.")), 1000),
                )
                for claim in claims
            ]
        )
        notifications_about_orders(
            [claim.order for claim in claims],
            kind=Notification.Kind.CLAIM,
            text_for=lambda order: f"A claim on order {order.number} is overdue.",
            to_manager=False,
        )
    return len(claims)
