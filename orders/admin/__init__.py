"""Orders' admin, one module per job; importing the package registers every model."""

from orders.admin import access, audit, delivery, followup, matrix, orders, shops
from orders.admin.audit import AuditedAdmin
from orders.admin.durations import HumanDurationsAdmin, duration_column
from orders.admin.people import PeopleByName
from orders.admin.phrased import ShownText
from orders.admin.readonly import ReadOnlyAdmin
from orders.admin.shops import SingletonSettingsAdmin

__all__ = [
    "AuditedAdmin",
    "ReadOnlyAdmin",
    "audit",
    "HumanDurationsAdmin",
    "PeopleByName",
    "ShownText",
    "SingletonSettingsAdmin",
    "access",
    "delivery",
    "duration_column",
    "followup",
    "matrix",
    "orders",
    "shops",
]
