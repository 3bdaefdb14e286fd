"""The orders core's data, one module per job; the public names stay importable from `orders.models`."""

from orders.models.access import AccessGrant
from orders.models.audit import SettingChange
from orders.models.calendar import ShopDay
from orders.models.calls import CallLeg, PhoneCall, ShopVoice
from orders.models.conversations import Conversation, ConversationEvent
from orders.models.customers import E164, Customer, CustomerEvent, CustomerZone, ZoneSource
from orders.models.delivery import DeliveryEvent, DeliveryState, DeliveryStatusRule
from orders.models.followup import CallOutcome, CallScript, NoAnswerStep, Task
from orders.models.keys import ApiKey, ApiRateWindow
from orders.models.matrix import AwaitingPayment, Status, StatusTransition
from orders.models.orders import (
    HAND_KINDS,
    TAKE_UP_KINDS,
    Order,
    OrderEvent,
    OrderItem,
    OrderQuerySet,
    TransitionsOnlyQuerySet,
)
from orders.models.payments import PaymentRule
from orders.models.shops import (
    DeskSettings,
    Shop,
    ShopAddress,
    SingletonSettings,
    default_escalation_grace,
    hash_api_key,
    validate_timezone,
)

__all__ = [
    "CallLeg",
    "PhoneCall",
    "ShopVoice",
    "ZoneSource",
    "HAND_KINDS",
    "TAKE_UP_KINDS",
    "E164",
    "AccessGrant",
    "AwaitingPayment",
    "ApiKey",
    "ApiRateWindow",
    "CallOutcome",
    "CallScript",
    "Conversation",
    "ConversationEvent",
    "Customer",
    "CustomerZone",
    "CustomerEvent",
    "DeliveryEvent",
    "DeliveryState",
    "DeliveryStatusRule",
    "DeskSettings",
    "NoAnswerStep",
    "Order",
    "OrderEvent",
    "OrderItem",
    "OrderQuerySet",
    "PaymentRule",
    "SettingChange",
    "Shop",
    "ShopAddress",
    "ShopDay",
    "SingletonSettings",
    "Status",
    "StatusTransition",
    "Task",
    "TransitionsOnlyQuerySet",
    "default_escalation_grace",
    "hash_api_key",
    "validate_timezone",
]
