"""Feedback's reads: claims and replies within the user's scope (the same rule as orders), the claim page, and
what the supervisor dashboard shows."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import translation

from feedback.models import Claim, ClaimEvent, FeedbackReply, FeedbackRequest, ShopFeedback, feedback_text_context
from notifications.rendering import render_message
from orders.models import Customer, Order, Shop
from orders.selectors import order_scope

CLAIM_STATES = dict(Claim.State.choices)


def feedback_message(*, config: ShopFeedback, field: str, links: str = "") -> str:
    """What the shop says to its customers about their feedback (a `ShopFeedback` text), rendered in the shop's
    customers' language: the shop's own text, else the desk's."""
    context = feedback_text_context(signer=config.signer, links=links)
    with translation.override(config.shop.customer_language):
        return render_message(subject="", body=config.text(field), content_variables={}, context=context).body


def shop_feedback_text(*, shop: Shop, field: str) -> str:
    """As `feedback_message`, for a shop that may have stopped asking for feedback (the desk's texts, then)."""
    config = ShopFeedback.objects.filter(shop=shop).first() or ShopFeedback(shop=shop)
    return feedback_message(config=config, field=field)


def claim_scope(*, user: User) -> QuerySet[Claim]:
    return Claim.objects.filter(order__in=order_scope(user))


def claim_list(
    *, user: User, state: str = "", shop: str = "", inspector: str = "", overdue: bool = False
) -> QuerySet[Claim]:
    claims = claim_scope(user=user).select_related("order", "customer", "shop", "inspector")
    if state == "open":
        claims = claims.filter(state__in=Claim.OPEN_STATES)
    elif state in CLAIM_STATES:
        claims = claims.filter(state=state)
    if shop.isdigit():
        claims = claims.filter(shop_id=int(shop))
    if inspector.isdigit():
        claims = claims.filter(inspector_id=int(inspector))
    if overdue:
        claims = claims.filter(is_overdue=True)
    return claims.order_by("-is_overdue", "due_at", "-pk")


def claim_get_for_user(*, user: User, pk: int) -> Claim:
    return (
        claim_scope(user=user).select_related("order", "customer__shop", "shop", "inspector", "request").get(pk=pk)
    )


@dataclass
class ClaimPage:
    events: list[ClaimEvent]
    orders: list[Order]
    ratings: list[FeedbackRequest]
    replies: list[FeedbackReply]


def claim_page(*, claim: Claim, user: User) -> ClaimPage:
    customer = claim.customer
    return ClaimPage(
        events=list(ClaimEvent.objects.filter(claim=claim).select_related("actor")),
        orders=list(order_scope(user).filter(customer=customer).order_by("-created_at")[:10]),
        ratings=list(
            FeedbackRequest.objects.filter(customer=customer, rating__isnull=False)
            .select_related("order")
            .order_by("-answered_at")[:10]
        ),
        replies=list(FeedbackReply.objects.filter(request__customer=customer).order_by("-created_at")[:20]),
    )


def customer_ratings_after(
    *, request: FeedbackRequest | OuterRef, reply_pk: int | OuterRef
) -> QuerySet[FeedbackReply]:
    """The ratings the customer gave themselves after a reply (by message or link; not an inspector's reading)."""
    return FeedbackReply.objects.filter(
        request=request, outcome=FeedbackReply.Outcome.RATED, pk__gt=reply_pk
    ).exclude(source=FeedbackReply.BY_INSPECTOR)


def replies_unread(*, user: User) -> QuerySet[FeedbackReply]:
    """Customers' answers nobody could read as a rating and no inspector has read yet, in the user's scope."""
    return (
        FeedbackReply.objects.filter(outcome=FeedbackReply.Outcome.INSPECTOR, handled_at__isnull=True)
        .filter(request__order__in=order_scope(user))
        .select_related("request__order", "request__customer")
        .order_by("created_at")
    )


def replies_waiting(*, user: User) -> QuerySet[FeedbackReply]:
    """The unread replies an inspector still has to read into a rating: not those the customer followed with a
    rating of their own (their latest word stands)."""
    rated_since = customer_ratings_after(request=OuterRef("request"), reply_pk=OuterRef("pk"))
    return replies_unread(user=user).exclude(Exists(rated_since))


@dataclass
class ClaimsAtAGlance:
    open: int
    overdue: int
    replies: int
    latest: list[Claim]


def claims_at_a_glance(*, user: User, limit: int = 5) -> ClaimsAtAGlance:
    open_claims = claim_scope(user=user).filter(state__in=Claim.OPEN_STATES)
    return ClaimsAtAGlance(
        open=open_claims.count(),
        overdue=open_claims.filter(is_overdue=True).count(),
        replies=replies_waiting(user=user).count(),
        latest=list(
            open_claims.select_related("order", "customer", "inspector").order_by("-is_overdue", "due_at")[:limit]
        ),
    )


def feedback_export(*, customer: Customer) -> list[dict[str, Any]]:
    """The customer's feedback: each request, its rating and their answers, for their copy of their data."""
    requests = (
        FeedbackRequest.objects.filter(customer=customer).select_related("order").prefetch_related("replies")
    )
    return [
        {
            "order": request.order.number,
            "asked_at": request.sent_at.isoformat() if request.sent_at else None,
            "rating": request.rating,
            "answers": [reply.text for reply in request.replies.all()],
        }
        for request in requests
    ]
