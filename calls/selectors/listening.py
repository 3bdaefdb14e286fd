"""Who may listen to a call's recording or voicemail: the people the call is about (the order's manager, the
customer's responsible manager, the manager on the call, whoever has its call-back task) and the supervisors and
inspectors covering its shop. Admins who hold none of these roles configure the desk; they do not listen."""

from django.contrib.auth.models import User

from core.roles import INSPECTOR, MANAGER, SUPERVISOR, user_roles
from orders.models import PhoneCall
from orders.selectors import staff_covering_shop

CALL_LOADS = ("order", "customer", "callback_task")


def watches_shop(*, user: User, shop_id: int) -> bool:
    """A supervisor or inspector covering the shop (one query, none for anyone else)."""
    if not user_roles(user) & {SUPERVISOR, INSPECTOR}:
        return False
    return staff_covering_shop(shop_id=shop_id, roles=(SUPERVISOR, INSPECTOR)).filter(pk=user.pk).exists()


def call_is_theirs(*, user: User, call: PhoneCall) -> bool:
    """A manager the call is about (the call's order, customer and call-back task loaded with it)."""
    if MANAGER not in user_roles(user):
        return False
    task = call.callback_task
    return user.pk in {
        call.manager_id,
        call.order.manager_id if call.order else None,
        call.customer.responsible_manager_id,
        task.assignee_id if task else None,
    }


def call_audible(*, user: User, call: PhoneCall) -> bool:
    return call_is_theirs(user=user, call=call) or watches_shop(user=user, shop_id=call.shop_id)
