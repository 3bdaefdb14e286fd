"""The orders core's reads, one module per job, each a queryset with what its page needs joined in; the public
names stay importable from `orders.selectors`."""

from orders.selectors.access import (
    colleagues_covering_shop,
    inspectors_covering_shop,
    managers_covering_shop,
    managers_covering_user_shops,
    order_get_for_user,
    order_scope,
    shop_ids_granted,
    shop_scope,
    staff_covering_shop,
    supervisors_covering_shop,
)
from orders.selectors.customers import (
    CustomerPage,
    KnownCustomer,
    customer_find,
    customer_get_for_user,
    customer_page,
)
from orders.selectors.followup import (
    NextThing,
    call_script_filled,
    ladder_length,
    order_next_for_manager,
    task_get_for_user,
    task_list_open,
    task_list_open_for_order,
    task_list_overdue_for_team,
)
from orders.selectors.matrix import status_by_code, status_name, status_next_for
from orders.selectors.orders import (
    OrderPage,
    order_history,
    order_list,
    order_list_overdue,
    order_list_waiting,
    order_page,
    order_staff_ids,
)

__all__ = [
    "CustomerPage",
    "KnownCustomer",
    "customer_find",
    "customer_get_for_user",
    "customer_page",
    "NextThing",
    "OrderPage",
    "order_staff_ids",
    "call_script_filled",
    "colleagues_covering_shop",
    "ladder_length",
    "managers_covering_shop",
    "managers_covering_user_shops",
    "order_get_for_user",
    "order_history",
    "order_list",
    "order_list_overdue",
    "order_list_waiting",
    "order_next_for_manager",
    "order_page",
    "order_scope",
    "shop_ids_granted",
    "shop_scope",
    "staff_covering_shop",
    "status_by_code",
    "status_name",
    "status_next_for",
    "supervisors_covering_shop",
    "inspectors_covering_shop",
    "task_get_for_user",
    "task_list_open",
    "task_list_open_for_order",
    "task_list_overdue_for_team",
]
