"""What routing routes: an order or a conversation, behind one small shape (`Routable`), so one engine surveys,
ranks, locks and assigns both. Each kind says what its rules read (its shop, customer and age, what a grant asks
of it, what it weighs against a quota) and how it is locked, recorded and handed over."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.contrib.auth.models import User
from django.db.models import QuerySet

from assignment.models import AssignmentDecision, RoutingSettings
from assignment.routing.sql import Granted
from core.phrases import Phrase
from orders import history
from orders.models import Conversation, Customer, Order
from orders.models.access import grant_refusal, shop_refusal
from orders.services import conversation_set_manager, conversation_take_back, order_set_manager, order_take_back


class Routable(ABC):
    """An order or a conversation as routing sees it. `conversation`: it counts toward a manager's load at the
    routing settings' conversation weight rather than as a whole order."""

    conversation: ClassVar[bool]
    item: Order | Conversation

    @property
    def pk(self) -> int:
        return self.item.pk

    @property
    def customer(self) -> Customer:
        return self.item.customer

    @property
    def created_at(self) -> datetime:
        return self.item.created_at

    @property
    def manager_id(self) -> int | None:
        return self.item.manager_id

    @property
    @abstractmethod
    def closed(self) -> bool: ...

    @abstractmethod
    def refusal(self, grant: Granted) -> str:
        """Why a manager's grant does not cover it ('' when it does), in the active language."""

    def weight(self, settings: RoutingSettings) -> Decimal:
        """What it adds to a manager's load, counted against their quota."""
        return settings.conversation_weight if self.conversation else Decimal(1)

    def answered_since(self, moment: datetime) -> datetime | None:
        """When staff answered it since `moment`, if they did: a conversation answered is taken up (an order is
        taken up only through `assignment_accept`)."""
        return None

    @abstractmethod
    def decision_of(self) -> dict[str, Any]:
        """The decision's field naming it."""

    def decisions(self) -> QuerySet[AssignmentDecision]:
        return AssignmentDecision.objects.filter(**self.decision_of())

    @abstractmethod
    def hand(
        self, *, manager: User, by: User | None, reason: Phrase, fresh: bool, decision: AssignmentDecision
    ) -> None:
        """Give it to the manager, with the history line saying why (`fresh`: created in this transaction)."""

    @abstractmethod
    def take_back(self, *, reason: Phrase) -> None:
        """Take it from a manager who did not take it up in time, so routing can give it to someone else."""


@dataclass(frozen=True)
class RoutedOrder(Routable):
    item: Order
    conversation: ClassVar[bool] = False

    @property
    def closed(self) -> bool:
        return self.item.is_final

    def refusal(self, grant: Granted) -> str:
        return grant_refusal(
            self.item,
            shop_ids=grant.shop_ids,
            order_types=grant.order_types,
            methods=grant.methods,
            regions=grant.regions,
        )

    def decision_of(self) -> dict[str, Any]:
        return {"order": self.item}

    def hand(
        self, *, manager: User, by: User | None, reason: Phrase, fresh: bool, decision: AssignmentDecision
    ) -> None:
        # The history event names the decision, which the order page reads for the explanation; the page tells the
        # manager how long they have to take it up.
        order_set_manager(
            order=self.item,
            manager=manager,
            by=by,
            reason=reason,
            never_held=fresh,
            routed=history.Routed(decision_id=decision.pk, accept_by=decision.accept_by),
        )

    def take_back(self, *, reason: Phrase) -> None:
        order_take_back(order=self.item, reason=reason)

    @staticmethod
    def locked(pk: int, *, skip_locked: bool, waiting: bool) -> "RoutedOrder | None":
        """The order's row, locked (`waiting`: only while it is open and has no manager)."""
        rows = Order.objects.select_for_update(skip_locked=skip_locked, of=("self",)).select_related(
            "customer", "shop"
        )
        if waiting:
            rows = rows.filter(manager__isnull=True, is_final=False)
        order = rows.filter(pk=pk).first()
        return RoutedOrder(order) if order is not None else None


@dataclass(frozen=True)
class RoutedConversation(Routable):
    item: Conversation
    conversation: ClassVar[bool] = True

    @property
    def closed(self) -> bool:
        return self.item.is_closed

    def refusal(self, grant: Granted) -> str:
        return shop_refusal(self.item, shop_ids=grant.shop_ids)  # a conversation has a shop, nothing else to grant

    def answered_since(self, moment: datetime) -> datetime | None:
        replied = self.item.first_replied_at
        return replied if replied is not None and replied >= moment else None

    def decision_of(self) -> dict[str, Any]:
        return {"conversation": self.item}

    def hand(
        self, *, manager: User, by: User | None, reason: Phrase, fresh: bool, decision: AssignmentDecision
    ) -> None:
        conversation_set_manager(conversation=self.item, manager=manager, by=by, reason=reason, never_held=fresh)

    def take_back(self, *, reason: Phrase) -> None:
        conversation_take_back(conversation=self.item, reason=reason)

    @staticmethod
    def locked(pk: int, *, skip_locked: bool, waiting: bool) -> "RoutedConversation | None":
        """The conversation's row, locked (`waiting`: only while it is not closed and has no manager)."""
        rows = Conversation.objects.select_for_update(skip_locked=skip_locked, of=("self",)).select_related(
            "customer", "shop"
        )
        if waiting:
            rows = rows.filter(manager__isnull=True).exclude(state=Conversation.State.CLOSED)
        item = rows.filter(pk=pk).first()
        return RoutedConversation(item) if item is not None else None
