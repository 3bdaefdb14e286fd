"""The customer's answer: a rating read from a reply or a link, what the desk answers, the claim when they are
unhappy, the question for a 3, the inspector when nobody can read it, and the rating credited to everyone who
worked on the order."""

import re
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.phrases import Phrase, label, phrase
from feedback.exceptions import FeedbackError
from feedback.models import FeedbackReply, FeedbackRequest, RatingCredit
from feedback.selectors import customer_ratings_after, shop_feedback_text
from feedback.services.claims import claim_open
from notifications.models import Channel, InboundMessage, Notification, OutboundMessage
from notifications.services import message_queue, notifications_create_many
from orders.models import Customer, Order, OrderEvent
from orders.selectors import inspectors_covering_shop, order_completed_at, order_staff_ids
from orders.services import order_event_add, order_record_rating

State = FeedbackRequest.State
Outcome = FeedbackReply.Outcome
YES = {"yes", "y", "да", "+", "ага", "конечно", "yes please", "да пожалуйста"}
NO = {"no", "n", "нет", "-", "не надо", "no thanks", "нет спасибо"}
_WORDS = re.compile(r"[^\W\d_]+")


def rating_parse(text: str) -> int | None:
    """A rating from a short reply that holds one digit 1–5 ("5", " 4.", "5!", "оценка 3", "5 👍", "5️⃣");
    None for several digits, a long text, or no digit at all."""
    text = text.strip()
    digits = re.findall(r"[0-9]", text)
    if len(digits) != 1 or len(text) > 30 or len(_WORDS.findall(text)) > 3:
        return None
    if re.search(r"[0-9][.,][0-9]", text):
        return None
    rating = int(digits[0])
    return rating if 1 <= rating <= 5 else None


def _word(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower())) or text.strip(" .!")


def _answer(request: FeedbackRequest, channel: str, field: str, now: datetime) -> None:
    """Answer the customer on the channel they wrote on (a message, never an email), with the shop's text (a
    `ShopFeedback` field) in its customers' language."""
    if channel in (Channel.SMS, Channel.WHATSAPP):
        message_queue(
            customer=request.customer,
            order=request.order,
            channel=channel,
            purpose=OutboundMessage.Purpose.ANSWER,
            body=shop_feedback_text(shop=request.customer.shop, field=field),
            now=now,
        )


def _to_inspectors(request: FeedbackRequest, text: str) -> None:
    order = request.order
    inspectors = inspectors_covering_shop(shop_id=order.shop_id).values_list("pk", flat=True)
    about = phrase(
        gettext_noop("%(name)s answered the feedback on order %(number)s: %(text)s"),
        name=request.customer.name,
        number=order.number,
        text=text or phrase(gettext_noop("an attachment")),
    )
    # To the list where they read it into a rating: the order page has nothing for them to do with it.
    replies = reverse("feedback:replies")
    notifications_create_many(kind=Notification.Kind.REPLY, messages=[(pk, about, replies) for pk in inspectors])


def rating_credit(*, order: Order, rating: int, now: datetime) -> int:
    """Credit the rating to every member of staff who worked on the order (read from its history)."""
    staff = order_staff_ids(order=order)
    completed_at = order_completed_at(order=order) or now
    for user_id in staff:
        RatingCredit.objects.update_or_create(
            order=order,
            user_id=user_id,
            defaults={"rating": rating, "rated_at": now, "completed_at": completed_at},
        )
    return len(staff)


@transaction.atomic
def rating_receive(
    *,
    request: FeedbackRequest,
    rating: int,
    source: str,
    text: str = "",
    by: User | None = None,
    now: datetime | None = None,
) -> FeedbackRequest:
    """Record a rating (the customer's, or an inspector's reading of a reply: `by`); the same handler for a
    reply, a link and an inspector. A second rating from the customer changes nothing."""
    now = now or timezone.now()
    request = (
        FeedbackRequest.objects.select_for_update()
        .select_related("order__customer", "customer__shop")
        .get(pk=request.pk)
    )
    if request.rating is not None and by is None:
        # The second choice is kept as the first is: an empty comment alone would say nothing.
        FeedbackReply.objects.create(
            request=request, text=text or str(rating), source=source, outcome=Outcome.AFTER
        )
        return request
    order = request.order
    # A reply by message is on the order's conversation; what is written on the rating page is nowhere else.
    comment = text if by is None and source not in (Channel.SMS, Channel.WHATSAPP) else ""
    order_record_rating(order=order, rating=rating, source=_said_source(source), by=by, comment=comment)
    rating_credit(order=order, rating=rating, now=now)
    FeedbackReply.objects.create(
        request=request,
        text=text or str(rating),
        source=source,
        outcome=Outcome.RATED,
        handled_by=by,
        handled_at=now if by else None,
    )
    request.rating, request.answered_at = rating, now
    if rating >= 4:
        request.state = State.ANSWERED
        _answer(request, source, "thanks_text", now)
    elif rating <= 2:
        request.state = State.ANSWERED
        claim_open(
            order=order,
            reason=phrase(gettext_noop("Rated %(rating)s/5: “%(text)s”"), rating=rating, text=text)
            if text and text != str(rating)
            else phrase(gettext_noop("Rated %(rating)s/5."), rating=rating),
            request=request,
            now=now,
        )
        _answer(request, source, "sorry_text", now)
    else:
        request.state = State.CONTACT if by is None else State.ANSWERED
        _answer(request, source, "ask_contact_text", now)
    request.save(update_fields=["rating", "answered_at", "state"])
    return request


@transaction.atomic
def contact_answer(
    *, request: FeedbackRequest, wants: bool, source: str, text: str = "", now: datetime | None = None
) -> FeedbackRequest:
    """The customer who gave a 3 says whether they want to be contacted: yes opens a claim, no closes."""
    now = now or timezone.now()
    request = (
        FeedbackRequest.objects.select_for_update().select_related("order", "customer__shop").get(pk=request.pk)
    )
    if request.state != State.CONTACT:
        FeedbackReply.objects.create(request=request, text=text, source=source, outcome=Outcome.AFTER)
        return request
    if wants:
        claim_open(
            order=request.order,
            reason=phrase(gettext_noop("Rated 3/5 and asked to be contacted.")),
            request=request,
            now=now,
        )
    FeedbackReply.objects.create(
        request=request,
        text=text or ("yes" if wants else "no"),
        source=source,
        outcome=Outcome.CONTACT_YES if wants else Outcome.CONTACT_NO,
    )
    request.state = State.ANSWERED
    request.save(update_fields=["state"])
    _answer(request, source, "contact_yes_text" if wants else "contact_no_text", now)
    return request


@transaction.atomic
def feedback_comment(*, request: FeedbackRequest, text: str, source: str) -> FeedbackReply:
    """What the customer adds on the rating page after the rating: kept on the request and, as it is no message on
    the order's conversation, a line in the order's history for the desk to read."""
    reply = FeedbackReply.objects.create(request=request, text=text, source=source, outcome=Outcome.COMMENT)
    added = phrase(
        gettext_noop("The customer added (%(source)s): “%(text)s”"), source=_said_source(source), text=text
    )
    order_event_add(order=request.order, kind=OrderEvent.Kind.RATING, text=added)
    return reply


def reply_receive(*, inbound: InboundMessage, now: datetime | None = None) -> bool:
    """A customer's message that answers their open feedback request (within its validity). True when feedback
    took care of it; a message after the answer is kept on the request and still reaches the manager."""
    now = now or timezone.now()
    if inbound.customer is None:  # no query: the inbound message is read with its customer
        return False
    # One person is a customer of each shop they buy from (one record each, the same phone): the message is matched
    # to the shop of their latest open order, but it answers whichever shop asked them.
    request = (
        FeedbackRequest.objects.filter(customer__phone=inbound.customer.phone, valid_until__gte=now)
        .filter(state__in=[*FeedbackRequest.OPEN_STATES, State.ANSWERED])
        .select_related("order__customer", "customer__shop")
        .order_by("-sent_at")
        .first()
    )
    if request is None:
        return False
    text, source = inbound.body.strip(), inbound.channel
    if request.state == State.ANSWERED:
        FeedbackReply.objects.create(request=request, text=text, source=source, outcome=Outcome.AFTER)
        return False
    if request.state == State.CONTACT and _word(text) in YES | NO:
        contact_answer(request=request, wants=_word(text) in YES, source=source, text=text, now=now)
        return True
    rating = rating_parse(text) if request.state == State.SENT and not inbound.media_count else None
    if rating is not None:
        rating_receive(request=request, rating=rating, source=source, text=text, now=now)
        return True
    with transaction.atomic():
        FeedbackReply.objects.create(request=request, text=text, source=source, outcome=Outcome.INSPECTOR)
        _to_inspectors(request, text)
    return True


@transaction.atomic
def reply_rate(
    *, reply: FeedbackReply, rating: int, by: User | None, now: datetime | None = None
) -> FeedbackRequest:
    """An inspector reads a reply nobody could parse and sets the rating from it (a correction is its own
    history line on the order). A rating the customer gave after writing the reply is their latest word and
    stands: the reading would replace the customer's rating with staff's."""
    now = now or timezone.now()
    reply = FeedbackReply.objects.select_for_update().get(pk=reply.pk)
    # Under the request's lock, as the customer's rating is recorded: none can slip in after this check.
    request = FeedbackRequest.objects.select_for_update().select_related("order").get(pk=reply.request_id)
    if customer_ratings_after(request=request, reply_pk=reply.pk).exists():
        raise FeedbackError(
            gettext(
                "The customer rated the order %(rating)s/5 themselves after writing this; their rating stands."
            )
            % {"rating": request.rating}
        )
    request = rating_receive(
        request=request, rating=rating, source=FeedbackReply.BY_INSPECTOR, text=reply.text, by=by, now=now
    )
    reply.handled_by, reply.handled_at = by, now
    reply.save(update_fields=["handled_by", "handled_at"])
    return request


def feedback_forget(*, customer: Customer) -> int:
    """An anonymised customer's answers keep their ratings, not their words."""
    return FeedbackReply.objects.filter(request__customer=customer).update(text="")


def _said_source(source: str) -> Phrase | str:
    """Where a rating came from as its history line says it, in each reader's language ("SMS", «Эл. почта»)."""
    if source == FeedbackReply.BY_INSPECTOR:
        return phrase(gettext_noop("read by an inspector"))
    if source in Channel.values:
        return label(Channel(source).label)
    return source
